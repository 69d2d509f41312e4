package io.kpushgateway.bench;

import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushMeter;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the benchmarks push, built in their setups (never inside a measured method): the body of
 * {@code bench/put_load.sh}'s {@code put_body}, 20 gauge families with HELP and TYPE, one series
 * each labelled {@code kind} and {@code idx}, and the records ingest and the store make of it.
 */
final class PushFixture {

  /** The group the benchmarks of one push push to. */
  static final GroupingKey KEY =
      GroupingKey.of(Map.of(GroupingKey.JOB, "x", GroupingKey.INSTANCE, "y"));

  /** A receive time; each later push of a benchmark adds to it. */
  static final long RECEIVED_AT = 1_700_000_000_000_000_000L;

  /** put_load.sh's family names; ScrapeBenchmark keeps pgbench.sh's {@code pgbench_metric}. */
  static final String PUT_LOAD = "bench_metric";

  private PushFixture() {}

  /** {@code put_body} with families {@code <prefix>_00} to {@code <prefix>_19}, as UTF-8. */
  static byte[] text(String prefix) {
    StringBuilder body = new StringBuilder();
    for (int k = 0; k < 20; k++) {
      body.append(
          String.format(
              "# HELP %1$s_%2$02d Benchmark gauge %2$d.\n# TYPE %1$s_%2$02d gauge\n"
                  + "%1$s_%2$02d{kind=\"bench\",idx=\"%2$d\"} %2$d.5\n",
              prefix, k));
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code body} parsed as is: no limits, not sanitized for any group. */
  static List<MetricFamily> parse(byte[] body) {
    try {
      return TextParser.parse(new ByteArrayInputStream(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A text body decoded as PushController.decode does: metered (without limits or budget) and
   * sanitized for {@code key} as it is read, with a new meter and sanitizer, as for each push.
   */
  static List<MetricFamily> decodeText(byte[] body, GroupingKey key) throws IOException {
    PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(key);
    return TextParser.parse(
        new ByteArrayInputStream(body),
        NameValidationScheme.LEGACY,
        PushMeter.unlimited(),
        sanitizer::labels);
  }

  /** {@link #decodeText} for a delimited protobuf body. */
  static List<MetricFamily> decodeDelimited(byte[] body, GroupingKey key) throws IOException {
    PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(key);
    return DelimitedProtobuf.read(
        new ByteArrayInputStream(body), PushMeter.unlimited(), sanitizer::family);
  }

  /** The same families as a {@code application/vnd.google.protobuf; ... delimited} body. */
  static byte[] delimited(List<MetricFamily> families) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      DelimitedProtobuf.write(out, families);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The families of {@code body} as ingest publishes them for {@code key}. */
  static List<MetricFamily> families(byte[] body, GroupingKey key) {
    return PushValidator.sanitizeAndValidate(parse(body), key);
  }

  /**
   * The record PushController publishes for a push of {@code body} to {@code key}: its families
   * sanitized and valid, no TTL, received at {@code receivedAt}.
   */
  static PushRecord push(Method method, GroupingKey key, byte[] body, long receivedAt) {
    return PushRecord.newBuilder()
        .setMethod(method)
        .addAllGrouping(key.toLabelPairs())
        .setIngestNode("bench")
        .addAllFamilies(families(body, key))
        .setBodyBytes(body.length)
        .setReceivedAtUnixNanos(receivedAt)
        .build();
  }

  /** The group the store holds after a first PUT of {@code body} to {@code key}. */
  static GroupRecord group(GroupingKey key, byte[] body, long receivedAt) {
    return GroupState.apply(null, push(Method.PUT, key, body, receivedAt));
  }

  /** Counts what would go to the socket. */
  static final class CountingSink extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
