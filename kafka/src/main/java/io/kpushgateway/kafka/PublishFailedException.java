package io.kpushgateway.kafka;

import java.util.Objects;

/**
 * A push that Kafka did not acknowledge. The message says why, in words fit for the body of a 503;
 * the cause, when there is one, is Kafka's exception.
 */
public final class PublishFailedException extends RuntimeException {

  /** Why the push was not stored. */
  public enum Reason {
    /** The broker is unreachable, did not acknowledge in time, or refused the write. */
    UNAVAILABLE,
    /** Too many pushes are waiting for acknowledgements; failing fast instead of queuing. */
    OVERLOADED,
    /**
     * The push is larger than Kafka accepts ({@code max.request.size}, {@code message.max.bytes}).
     */
    TOO_LARGE,
    /** The publisher is closed (the node is shutting down). */
    CLOSED
  }

  private final Reason reason;

  public PublishFailedException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message), cause);
    this.reason = Objects.requireNonNull(reason);
  }

  public PublishFailedException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
