package io.kpushgateway.store;

/** The store cannot answer right now (starting, rebalancing, restoring): 503, try again. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message) {
    super(message, null, false, false);
  }
}
