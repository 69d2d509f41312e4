package io.kpushgateway.store;

/**
 * Which of a group's history entries to read: newest first, received within {@code [sinceNanos,
 * untilNanos]}, pushed before the push-log offset {@code beforeOffset} (where the previous page
 * ended), at most {@code limit}.
 */
public record HistoryQuery(long sinceNanos, long untilNanos, int limit, long beforeOffset) {

  /** From the newest entry on. */
  public static final long NEWEST = Long.MAX_VALUE;

  public HistoryQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    if (sinceNanos > untilNanos) {
      throw new IllegalArgumentException("since is after until");
    }
  }
}
