package io.kpushgateway.exposition;

import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.core.format.EscapingScheme;
import io.kpushgateway.core.format.ExpositionFormats;
import io.kpushgateway.core.format.TextWriter;
import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.store.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the gateway's own metrics and every stored group, merged by the
 * Pushgateway's rules, in the format the scraper negotiates, written straight to the response.
 */
public final class MetricsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsRoutes.class);
  static final String RETRY_AFTER_SECONDS = "1";

  private final LocalGroupReader groups;
  private final SelfMetrics self;

  public MetricsRoutes(LocalGroupReader groups, SelfMetrics self) {
    this.groups = groups;
    this.self = self;
  }

  public void addTo(Javalin app, String telemetryPath) {
    app.get(telemetryPath, this::scrape);
    app.exception(
        StoreUnavailableException.class,
        (e, ctx) -> {
          LOG.info("{} answered 503: {}", ctx.path(), e.getMessage());
          ctx.status(503)
              .header("Retry-After", RETRY_AFTER_SECONDS)
              .contentType("text/plain; charset=utf-8")
              .result(e.getMessage() + "\n");
        });
  }

  private void scrape(Context ctx) throws IOException {
    List<MetricFamily> families = FamilyMerger.merge(self.families(), groups.readAll());
    String accept = ctx.header("Accept");
    ExpositionFormats.Format format = ExpositionFormats.negotiate(accept);
    EscapingScheme escaping = ExpositionFormats.negotiateEscaping(accept);
    // like upstream 1.11, the answer names the escaping (protobuf output is never escaped)
    ctx.contentType(format.contentType() + "; escaping=" + escaping.parameterValue());
    OutputStream out = ctx.outputStream();
    switch (format) {
      case PROTOBUF -> DelimitedProtobuf.write(out, families);
      case TEXT -> TextWriter.write(out, families, escaping);
    }
  }
}
