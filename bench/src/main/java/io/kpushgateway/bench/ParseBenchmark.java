package io.kpushgateway.bench;

import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Decoding one push body from memory as PushController.decode does ({@link
 * PushFixture#decodeText}): TextParser or DelimitedProtobuf, metered and sanitized for the group as
 * it is read. Not measured: HTTP, Content-Encoding (ingest's ContentEncoding), the decode budget
 * (ingest's DecodeBudget; the meter here takes whatever it asks).
 */
public class ParseBenchmark extends PushBenchmarkDefaults {

  private byte[] text;
  private byte[] delimited;

  @Setup
  public void setUp() {
    text = PushFixture.text(PushFixture.PUT_LOAD);
    delimited = PushFixture.delimited(PushFixture.parse(text));
  }

  /** put_load.sh's body, text 0.0.4. */
  @Benchmark
  public List<MetricFamily> text() throws IOException {
    return PushFixture.decodeText(text, PushFixture.KEY);
  }

  /** The same families, length-delimited protobuf. */
  @Benchmark
  public List<MetricFamily> delimitedProtobuf() throws IOException {
    return PushFixture.decodeDelimited(delimited, PushFixture.KEY);
  }
}
