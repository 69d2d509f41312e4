package io.kpushgateway.exposition;

import io.kpushgateway.core.time.QueryTime;
import io.kpushgateway.store.HistoryQuery;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of {@code GET /api/v1/history/...}: {@code since} and {@code until} (RFC
 * 3339, or Unix seconds with fractions, as Prometheus' HTTP API takes times), {@code limit} and the
 * opaque {@code page_token} an earlier answer gave. Each bad value is a {@link BadQueryException}
 * naming the parameter.
 */
final class HistoryParams {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  static final String SINCE = "since";
  static final String UNTIL = "until";
  static final String LIMIT = "limit";
  static final String PAGE_TOKEN = "page_token";

  /** The first byte of a page token: its layout, should it ever change. */
  private static final byte TOKEN_VERSION = 1;

  private HistoryParams() {}

  /**
   * @param params the request's query parameters by name
   */
  static HistoryQuery parse(Map<String, List<String>> params) {
    long since = time(params, SINCE, Long.MIN_VALUE);
    long until = time(params, UNTIL, Long.MAX_VALUE);
    if (since > until) {
      throw new BadQueryException(
          "invalid parameters: \""
              + SINCE
              + "\" ("
              + one(params, SINCE)
              + ") is after \""
              + UNTIL
              + "\" ("
              + one(params, UNTIL)
              + ")");
    }
    int limit = limit(params);
    String token = one(params, PAGE_TOKEN);
    long before = token == null ? HistoryQuery.NEWEST : beforeOffset(token);
    return new HistoryQuery(since, until, limit, before);
  }

  /** The token of the page that goes on below {@code offset}. */
  static String pageToken(long offset) {
    byte[] bytes = ByteBuffer.allocate(1 + Long.BYTES).put(TOKEN_VERSION).putLong(offset).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static long beforeOffset(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != 1 + Long.BYTES || bytes[0] != TOKEN_VERSION) {
      throw badToken(token);
    }
    long offset = ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong();
    if (offset < 0) {
      throw badToken(token);
    }
    return offset;
  }

  private static BadQueryException badToken(String token) {
    return new BadQueryException(
        "invalid parameter \""
            + PAGE_TOKEN
            + "\": \""
            + token
            + "\" is not a page token of this API (pass the nextPageToken of an answer)");
  }

  private static int limit(Map<String, List<String>> params) {
    String value = one(params, LIMIT);
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    long limit;
    try {
      limit = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new BadQueryException(
          "invalid parameter \"" + LIMIT + "\": \"" + value + "\" is not a whole number");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new BadQueryException(
          "invalid parameter \""
              + LIMIT
              + "\": "
              + value
              + " is out of range: it must be between 1 and "
              + MAX_LIMIT);
    }
    return (int) limit;
  }

  /** Unix nanoseconds, as Prometheus' {@code parseTime} ({@link QueryTime}). */
  private static long time(Map<String, List<String>> params, String name, long absent) {
    String value = one(params, name);
    if (value == null) {
      return absent;
    }
    try {
      Instant t = QueryTime.parse(value);
      // UnixNanos' range (1677 to 2262), checked
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new BadQueryException(
          "invalid parameter \""
              + name
              + "\": cannot parse \""
              + value
              + "\" to a valid timestamp (RFC 3339 or Unix seconds)");
    }
  }

  /** The parameter's value, null when absent; given twice, the first, as Go's Form.Get. */
  private static String one(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
