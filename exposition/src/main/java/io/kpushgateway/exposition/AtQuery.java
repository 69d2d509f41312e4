package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.time.QueryTime;
import io.kpushgateway.store.AsOfReader;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code ?at=<time>} on {@code /metrics}, {@code /federate} and {@code /api/v1/metrics}: the page
 * as it was served at that instant, rebuilt from the push log. The one place that reads the
 * parameter.
 */
public final class AtQuery {

  static final String AT_PARAM = "at";

  private AtQuery() {}

  /**
   * @return the instant asked for, or empty for the current page
   * @throws BadQueryException when it does not parse, or is in the future
   */
  static Optional<Instant> at(Context ctx) {
    String value = ctx.queryParam(AT_PARAM);
    return value == null ? Optional.empty() : Optional.of(parse(AT_PARAM, value));
  }

  /**
   * A time asked for as {@code name} (the query parameter, or the replay's flag).
   *
   * @throws BadQueryException when it does not parse, or is in the future
   */
  public static Instant parse(String name, String value) {
    Instant at;
    try {
      at = QueryTime.parse(value);
    } catch (IllegalArgumentException e) {
      throw new BadQueryException("bad " + name + ": " + e.getMessage());
    }
    Instant now = Instant.now();
    if (at.isAfter(now)) {
      throw new BadQueryException(
          "bad "
              + name
              + ": "
              + ApiV1Json.rfc3339(at)
              + " is in the future (now is "
              + ApiV1Json.rfc3339(now)
              + ")");
    }
    return at;
  }

  /** The message of a read before the retained history. */
  static String beforeHistory(Instant at, Instant oldest) {
    return beforeHistory(AT_PARAM, at, oldest);
  }

  /** The message of a read at {@code at}, asked for as {@code name}, before the history. */
  public static String beforeHistory(String name, Instant at, Instant oldest) {
    if (oldest.equals(AsOfReader.NOTHING_RETAINED)) {
      return "bad "
          + name
          + ": no instant can be rebuilt: the retained pushes of some partitions follow pushes"
          + " that are gone, and no snapshot covers them (--history.snapshot-interval=0?)";
    }
    return "bad "
        + name
        + ": "
        + ApiV1Json.rfc3339(at)
        + " is before the retained history, which starts at "
        + ApiV1Json.rfc3339(oldest)
        + " (see --history.retention)";
  }
}
