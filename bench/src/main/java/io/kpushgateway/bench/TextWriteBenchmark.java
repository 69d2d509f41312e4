package io.kpushgateway.bench;

import io.kpushgateway.core.format.TextWriter;
import io.kpushgateway.core.merge.FamilyMerger;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * TextWriter 0.0.4 of one group, to a sink that only counts bytes: its 20 families and its two
 * timestamp gauges, merged beforehand (ScrapeBenchmark measures merge and write of a whole page).
 */
public class TextWriteBenchmark extends PushBenchmarkDefaults {

  private List<MetricFamily> families;

  @Setup
  public void setUp() {
    byte[] body = PushFixture.text(PushFixture.PUT_LOAD);
    families =
        FamilyMerger.merge(
            List.of(), List.of(PushFixture.group(PushFixture.KEY, body, PushFixture.RECEIVED_AT)));
  }

  @Benchmark
  public long oneGroup() throws IOException {
    PushFixture.CountingSink out = new PushFixture.CountingSink();
    TextWriter.write(out, families);
    return out.bytes;
  }
}
