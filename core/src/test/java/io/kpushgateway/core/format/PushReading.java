package io.kpushgateway.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.DecodeMemory;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.core.validate.PushMeter;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.core.validate.PushValidator;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A push body read as ingest reads it (limits and decoding memory metered as it is read, series
 * sanitized for the group, then validated), with the checks the format fuzz tests share: what is
 * accepted keeps within the limits, and the memory the readers asked for covers at least the bytes
 * of what they built.
 */
final class PushReading {

  static final GroupingKey KEY = GroupingKey.of(Map.of("job", "fuzz", "instance", "i1"));

  /** Small, so that the fuzzer reaches every limit with short inputs. */
  static final PushLimits LIMITS = new PushLimits(20, 100, 8, 40, 200);

  static final long MEMORY_BYTES = 256 << 10;

  /** A reader of one format: the whole body, metered and sanitized as it is read. */
  interface Reader {
    List<MetricFamily> read(
        InputStream body, NameValidationScheme names, PushMeter meter, PushValidator.Sanitizer s)
        throws IOException;
  }

  /** The decoding memory of one push: a budget that refuses past its size, as DecodeBudget does. */
  static final class Memory implements DecodeMemory {
    long charged;

    @Override
    public void charge(long bytes) {
      assertThat(bytes).as("a charge").isNotNegative();
      charged += bytes;
      if (charged > MEMORY_BYTES) {
        throw PushRejectedException.tooLarge("over the fuzz budget");
      }
    }
  }

  private PushReading() {}

  /**
   * The families ingest would store for {@code body}, or null when it refuses the push; a refusal
   * must be a {@link PushRejectedException}, which is all that the readers and the validator may
   * throw.
   */
  static List<MetricFamily> accepted(Reader reader, byte[] body, NameValidationScheme names) {
    Memory memory = new Memory();
    PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(KEY);
    List<MetricFamily> read;
    try {
      read = reader.read(body(body), names, new PushMeter(LIMITS, memory), sanitizer);
    } catch (PushRejectedException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array cannot fail to read
    }
    assertWithinLimits(read);
    assertThat(memory.charged)
        .as("decoding memory asked for %s", read)
        .isGreaterThanOrEqualTo(heldBytes(read));
    try {
      return PushValidator.sanitizeAndValidate(read, KEY, names);
    } catch (PushRejectedException e) {
      return null;
    }
  }

  /** Re-reads what the gateway wrote itself: no limits, and it must be accepted. */
  static List<MetricFamily> reread(Reader reader, byte[] page, NameValidationScheme names)
      throws IOException {
    List<MetricFamily> read =
        reader.read(body(page), names, PushMeter.unlimited(), PushValidator.sanitizer(KEY));
    return PushValidator.sanitizeAndValidate(read, KEY, names);
  }

  static byte[] textPage(List<MetricFamily> families, NameValidationScheme names)
      throws IOException {
    ByteArrayOutputStream page = new ByteArrayOutputStream();
    TextWriter.write(
        page,
        families,
        names == NameValidationScheme.UTF8 ? EscapingScheme.ALLOW_UTF8 : EscapingScheme.DEFAULT);
    return page.toByteArray();
  }

  static String text(byte[] page) {
    return new String(page, StandardCharsets.UTF_8);
  }

  private static InputStream body(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  /** Every limit held, counted on what was read (the grouping labels come on top of a series'). */
  private static void assertWithinLimits(List<MetricFamily> read) {
    assertThat(read.size()).as("families").isLessThanOrEqualTo(LIMITS.maxFamilies());
    long series = 0;
    for (MetricFamily family : read) {
      assertThat(utf8Length(family.getName()))
          .as("name of %s", family.getName())
          .isLessThanOrEqualTo(LIMITS.maxLabelValueLength());
      for (Metric metric : family.getMetricList()) {
        series++;
        int bodyLabels = 0;
        for (LabelPair pair : metric.getLabelList()) {
          if (isGrouping(pair)) {
            continue;
          }
          bodyLabels++;
          assertThat(utf8Length(pair.getName())).isLessThanOrEqualTo(LIMITS.maxLabelNameLength());
          assertThat(utf8Length(pair.getValue())).isLessThanOrEqualTo(LIMITS.maxLabelValueLength());
        }
        assertThat(bodyLabels)
            .as("labels of a series")
            .isLessThanOrEqualTo(LIMITS.maxLabelsPerSeries());
      }
    }
    assertThat(series).as("series").isLessThanOrEqualTo(LIMITS.maxSeries());
  }

  /**
   * The bytes the read families hold at the least: their strings (one byte a character) and eight
   * per number. The grouping labels the sanitizer added are shared objects, not counted.
   */
  static long heldBytes(List<MetricFamily> families) {
    long bytes = 0;
    for (MetricFamily family : families) {
      bytes += family.getName().length() + family.getHelp().length();
      for (Metric metric : family.getMetricList()) {
        bytes += 8;
        for (LabelPair pair : metric.getLabelList()) {
          if (!isGrouping(pair)) {
            bytes += pair.getName().length() + pair.getValue().length();
          }
        }
        bytes += 16L * metric.getSummary().getQuantileCount();
        bytes += 16L * metric.getHistogram().getBucketCount();
      }
    }
    return bytes;
  }

  private static boolean isGrouping(LabelPair pair) {
    String value = KEY.labels().get(pair.getName());
    if (value != null && value.equals(pair.getValue())) {
      return true;
    }
    return pair.getName().equals(GroupingKey.INSTANCE) && pair.getValue().isEmpty();
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
