package io.kpushgateway.bench;

import io.kpushgateway.core.format.OpenMetricsWriter;
import io.kpushgateway.core.format.TextWriter;
import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.GroupRecord;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU part of one {@code GET /metrics}: the groups as the store holds them (protobuf bytes in
 * grouping-key order, each a PUT of ../shared/bench/pgbench.sh's 20 gauges), merged and written to
 * a sink that only counts bytes. {@code scrapeText} and {@code scrapeOpenMetrics} take the path a
 * scrape takes: the family index of each stored group ({@link GroupFamilies#of(byte[])}), then the
 * lazy page, each family parsed when it is written. {@code scrapeTextParsed} merges groups parsed
 * whole beforehand: the bound a parse cache could reach. Not measured: RocksDB, HTTP, gzip.
 *
 * <pre>
 * mvn -B -Pbench -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar ScrapeBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g"})
public class ScrapeBenchmark {

  @Param({"10000"})
  int groups;

  /** Store values in key order, as LocalGroupReader hands them over. */
  private List<byte[]> stored;

  private List<GroupRecord> parsed;

  @Setup
  public void setUp() throws IOException {
    byte[] body = PushFixture.text("pgbench_metric");
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      GroupingKey key = GroupingKey.of(Map.of(GroupingKey.JOB, "bench_" + i));
      GroupRecord group = PushFixture.group(key, body, PushFixture.RECEIVED_AT + i);
      entries.add(Map.entry(key.toBytes(), group.toByteArray()));
    }
    entries.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
    stored = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : entries) {
      stored.add(e.getValue());
    }
    parsed = parse();
  }

  private List<GroupRecord> parse() throws IOException {
    List<GroupRecord> records = new ArrayList<>(stored.size());
    for (byte[] value : stored) {
      records.add(GroupRecord.parseFrom(value));
    }
    return records;
  }

  @Benchmark
  public List<GroupRecord> parseOnly() throws IOException {
    return parse();
  }

  @Benchmark
  public List<MetricFamily> mergeOnly() {
    return FamilyMerger.merge(List.of(), parsed);
  }

  /** Index the stored groups, then merge and write text 0.0.4 lazily: a default scrape. */
  @Benchmark
  public long scrapeText() throws IOException {
    PushFixture.CountingSink out = new PushFixture.CountingSink();
    TextWriter.write(out, FamilyMerger.page(List.of(), index(), FamilyMerger.Naming.PROMETHEUS));
    return out.bytes;
  }

  @Benchmark
  public long scrapeOpenMetrics() throws IOException {
    PushFixture.CountingSink out = new PushFixture.CountingSink();
    OpenMetricsWriter.write(
        out, FamilyMerger.page(List.of(), index(), FamilyMerger.Naming.OPENMETRICS));
    return out.bytes;
  }

  /** Merge and write text 0.0.4 of groups parsed whole beforehand. */
  @Benchmark
  public long scrapeTextParsed() throws IOException {
    PushFixture.CountingSink out = new PushFixture.CountingSink();
    TextWriter.write(out, FamilyMerger.merge(List.of(), parsed));
    return out.bytes;
  }

  private List<GroupFamilies> index() {
    List<GroupFamilies> groups = new ArrayList<>(stored.size());
    for (byte[] value : stored) {
      groups.add(GroupFamilies.of(value));
    }
    return groups;
  }
}
