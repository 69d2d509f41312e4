package io.kpushgateway.exposition;

/**
 * A wipe or restore stopped at a record the broker did not take: the groups written so far stay
 * written, the rest are as they were, and the same request can be made again.
 */
public final class AdminIncompleteException extends RuntimeException {
  /**
   * @param operation "wipe" or "restore"
   * @param done e.g. "deleted", "restored"
   */
  public AdminIncompleteException(
      String operation, String done, int written, int total, Throwable cause) {
    super(
        operation
            + " incomplete: "
            + written
            + " of "
            + total
            + " groups "
            + done
            + ": "
            + cause.getMessage(),
        cause);
  }
}
