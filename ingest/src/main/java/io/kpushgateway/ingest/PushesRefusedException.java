package io.kpushgateway.ingest;

/**
 * A PUT or POST this node does not take now, before reading it: its {@link PushGate} is closed (no
 * room left in the data directory, the embedded broker down). Answered 503 with Retry-After.
 */
public final class PushesRefusedException extends RuntimeException {

  PushesRefusedException(String message) {
    super(message, null, false, false);
  }
}
