package io.kpushgateway.exposition;

import io.kpushgateway.core.format.DelimitedProtobuf;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The gateway's own metrics (build info, JVM, process), kept by the Prometheus Java client.
 *
 * <p>They reach the exposition as {@code io.prometheus.client.MetricFamily} through the client's
 * own protobuf writer, so its naming rules (counter {@code _total}, info, units) are applied by the
 * library, not re-implemented here; the cost is a few KiB per scrape.
 */
public final class SelfMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormatWriter protobuf =
      ExpositionFormats.init().getPrometheusProtobufWriter();

  public SelfMetrics(String version, String revision) {
    JvmMetrics.builder().register(registry);
    Info buildInfo =
        Info.builder()
            .name("pushgateway_build_info")
            .help(
                "A metric with a constant '1' value labeled by version, revision, branch, and"
                    + " javaversion from which kpushgateway was built.")
            .labelNames("branch", "javaversion", "revision", "version")
            .register(registry);
    buildInfo.addLabelValues("", Runtime.version().toString(), revision, version);
  }

  /** Where other parts of the gateway register their metrics. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** A fresh snapshot of every self-metric, as upstream MetricFamily messages. */
  public List<MetricFamily> families() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      protobuf.write(out, registry.scrape());
      return DelimitedProtobuf.read(new ByteArrayInputStream(out.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
