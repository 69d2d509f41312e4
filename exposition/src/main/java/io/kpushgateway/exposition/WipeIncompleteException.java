package io.kpushgateway.exposition;

/**
 * A wipe stopped at a delete the broker did not take: the groups deleted so far stay deleted, the
 * rest are still there, and the wipe can be asked for again.
 */
public final class WipeIncompleteException extends RuntimeException {
  public WipeIncompleteException(int deleted, int total, Throwable cause) {
    super(
        "wipe incomplete: " + deleted + " of " + total + " groups deleted: " + cause.getMessage(),
        cause);
  }
}
