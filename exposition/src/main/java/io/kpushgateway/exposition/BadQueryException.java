package io.kpushgateway.exposition;

/** A query parameter the route cannot use (a selector, a scope, a partition): 400, as given. */
public final class BadQueryException extends RuntimeException {
  public BadQueryException(String message) {
    super(message, null, false, false);
  }
}
