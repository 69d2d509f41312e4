package io.kpushgateway.store;

/** An offline replay that cannot be done, with a one-line message saying why. */
public final class ReplayFailedException extends RuntimeException {
  public ReplayFailedException(String message) {
    super(message);
  }
}
