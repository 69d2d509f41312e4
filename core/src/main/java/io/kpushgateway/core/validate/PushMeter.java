package io.kpushgateway.core.validate;

import io.kpushgateway.core.validate.PushLimits.Limit;
import io.prometheus.client.Metrics.LabelPair;

/**
 * One push counted against its {@link PushLimits} while it is read, and its decoding memory asked
 * for, by the readers as they create families, series and labels. One per push, not thread-safe.
 */
public final class PushMeter {

  /** Names are shown up to this many characters in a refusal, not echoed whole. */
  private static final int SHOWN_CHARS = 64;

  private final PushLimits limits;
  private final DecodeMemory memory;
  private int families;
  private long series;

  public PushMeter(PushLimits limits, DecodeMemory memory) {
    this.limits = limits;
    this.memory = memory;
  }

  /** No limits, no budget. */
  public static PushMeter unlimited() {
    return new PushMeter(PushLimits.NONE, DecodeMemory.UNLIMITED);
  }

  /** A family is read; its name is the value of {@code __name__}. */
  public void family(String name, int nameBytes) {
    if (++families > limits.maxFamilies()) {
      throw PushLimits.exceeded(Limit.FAMILIES, limits.maxFamilies(), "push");
    }
    if (nameBytes > limits.maxLabelValueLength()) {
      throw PushLimits.exceeded(
          Limit.LABEL_VALUE_LENGTH, limits.maxLabelValueLength(), "metric name " + shown(name));
    }
  }

  /** A series is read. */
  public void series() {
    if (++series > limits.maxSeries()) {
      throw PushLimits.exceeded(Limit.SERIES, limits.maxSeries(), "push");
    }
  }

  /** A series of {@code family} has (so far) {@code count} labels. */
  public void labels(String family, int count) {
    if (count > limits.maxLabelsPerSeries()) {
      throw PushLimits.exceeded(
          Limit.LABELS_PER_SERIES,
          limits.maxLabelsPerSeries(),
          "a series of metric " + shown(family));
    }
  }

  public void labelName(String family, String name, int bytes) {
    if (bytes > limits.maxLabelNameLength()) {
      throw PushLimits.exceeded(
          Limit.LABEL_NAME_LENGTH,
          limits.maxLabelNameLength(),
          "label name " + shown(name) + " of metric " + shown(family));
    }
  }

  public void labelValue(String family, String label, int bytes) {
    if (bytes > limits.maxLabelValueLength()) {
      throw PushLimits.exceeded(
          Limit.LABEL_VALUE_LENGTH,
          limits.maxLabelValueLength(),
          "value of label " + shown(label) + " of metric " + shown(family));
    }
  }

  /**
   * A label of a parsed protobuf series, measured on its bytes as parsed (asking for the strings
   * first would decode them, and asking for the bytes after that encode them again).
   */
  public void label(String family, LabelPair pair) {
    int nameBytes = pair.getNameBytes().size();
    if (nameBytes > limits.maxLabelNameLength()) {
      labelName(family, pair.getName(), nameBytes);
    }
    int valueBytes = pair.getValueBytes().size();
    if (valueBytes > limits.maxLabelValueLength()) {
      labelValue(family, pair.getName(), valueBytes);
    }
  }

  /** Asks for {@code bytes} more of decoding memory (an estimate of what the reader holds). */
  public void charge(long bytes) {
    memory.charge(bytes);
  }

  private static String shown(String name) {
    String s = name.length() > SHOWN_CHARS ? name.substring(0, SHOWN_CHARS) + "..." : name;
    return "\"" + PushValidator.escape(s) + "\"";
  }
}
