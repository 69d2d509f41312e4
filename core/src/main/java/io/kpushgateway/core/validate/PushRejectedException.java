package io.kpushgateway.core.validate;

import java.util.Objects;

/**
 * A push (or a push path) the gateway refuses. The {@link Reason} decides the HTTP status and
 * whether the group records {@code push_failure_time_seconds}; the message is the plain-text body,
 * worded like the Pushgateway's.
 */
public final class PushRejectedException extends RuntimeException {

  /** Why a push was refused. Mapped to status codes in exactly one place per HTTP server. */
  public enum Reason {
    /** The path is not a push endpoint at all (e.g. {@code /metrics/job}): 404. */
    NOT_A_PUSH_PATH,
    /**
     * The request could not be read: bad grouping key in the URL, unparsable body, bad gzip. 400,
     * and no group is touched.
     */
    MALFORMED,
    /**
     * The body parsed but its metrics are invalid (timestamps, duplicate series, bad label names,
     * ...). 400, and the group's {@code push_failure_time_seconds} is set, as upstream does.
     */
    INVALID_METRICS,
    /**
     * The push is larger than a limit allows (families or series per push, decoding memory). 413,
     * and no group is touched.
     */
    TOO_LARGE
  }

  /** Upstream's prefix for everything its consistency check rejects. */
  public static final String INVALID_METRICS_PREFIX =
      "pushed metrics are invalid or inconsistent with existing metrics: ";

  private final Reason reason;

  public PushRejectedException(Reason reason, String message) {
    super(Objects.requireNonNull(message), null, false, false);
    this.reason = Objects.requireNonNull(reason);
  }

  public PushRejectedException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message), cause, false, false);
    this.reason = Objects.requireNonNull(reason);
  }

  public static PushRejectedException malformed(String message) {
    return new PushRejectedException(Reason.MALFORMED, message);
  }

  public static PushRejectedException tooLarge(String message) {
    return new PushRejectedException(Reason.TOO_LARGE, message);
  }

  /** An {@link Reason#INVALID_METRICS} rejection; {@code detail} gets upstream's prefix. */
  public static PushRejectedException invalidMetrics(String detail) {
    return new PushRejectedException(Reason.INVALID_METRICS, INVALID_METRICS_PREFIX + detail);
  }

  public Reason reason() {
    return reason;
  }
}
