package io.kpushgateway.core.validate;

/**
 * How much one push may hold, checked while its body is read so that a hostile body is refused at
 * the first excess instead of after it was decoded whole. The Pushgateway has no such limits; the
 * gateway's defaults (its flags) lie far above what real clients push.
 *
 * <p>A metric name counts as a label value (the value of {@code __name__}), as in Prometheus'
 * {@code label_value_length_limit}. Lengths are in UTF-8 bytes.
 *
 * @param maxFamilies metric families per push (protobuf: messages, repeated names included)
 * @param maxSeries series per push, over all families
 */
public record PushLimits(
    int maxFamilies,
    long maxSeries,
    int maxLabelsPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength) {

  /** No limits: for reading what the gateway wrote itself, and for tests. */
  public static final PushLimits NONE =
      new PushLimits(
          Integer.MAX_VALUE,
          Long.MAX_VALUE,
          Integer.MAX_VALUE,
          Integer.MAX_VALUE,
          Integer.MAX_VALUE);

  /** Each limit with the flag that sets it, named in the answer to a push it refuses. */
  public enum Limit {
    FAMILIES("--push.max-families", "metric families per push"),
    SERIES("--push.max-series", "series per push"),
    LABELS_PER_SERIES("--push.max-labels-per-series", "labels per series"),
    LABEL_NAME_LENGTH("--push.max-label-name-length", "bytes per label name"),
    LABEL_VALUE_LENGTH("--push.max-label-value-length", "bytes per label value or metric name");

    private final String flag;
    private final String unit;

    Limit(String flag, String unit) {
      this.flag = flag;
      this.unit = unit;
    }

    public String flag() {
      return flag;
    }

    /**
     * Too many families or series make the push too large (413); a series with too many or too long
     * labels is refused like an unreadable one (400). Neither touches the group.
     */
    PushRejectedException.Reason reason() {
      return this == FAMILIES || this == SERIES
          ? PushRejectedException.Reason.TOO_LARGE
          : PushRejectedException.Reason.MALFORMED;
    }
  }

  public PushLimits {
    if (maxFamilies < 1
        || maxSeries < 1
        || maxLabelsPerSeries < 1
        || maxLabelNameLength < 1
        || maxLabelValueLength < 1) {
      throw new IllegalArgumentException("push limits must be positive");
    }
  }

  /** The refusal of a push that exceeds {@code limit}; {@code what} says where, e.g. a name. */
  static PushRejectedException exceeded(Limit limit, long max, String what) {
    return new PushRejectedException(
        limit.reason(),
        what + " exceeds the limit of " + max + " " + limit.unit + " (" + limit.flag + ")");
  }
}
