package io.kpushgateway.exposition;

import io.kpushgateway.core.format.EscapingScheme;
import io.kpushgateway.core.format.ExpositionFormats;
import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.core.merge.FamilyMerger.Naming;
import io.kpushgateway.store.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the gateway's own metrics and every stored group, merged by the
 * Pushgateway's rules, in the format the scraper negotiates (OpenMetrics only when enabled),
 * written straight to the response; the HTTP layer gzips it when the scraper accepts that.
 */
public final class MetricsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsRoutes.class);
  static final String RETRY_AFTER_SECONDS = "1";

  /** {@code ?scope=local}: only the groups of this node's partitions, for sharded scraping. */
  static final String SCOPE_PARAM = "scope";

  private final GroupSource groups;
  private final GroupSource localGroups;
  private final SelfMetrics self;
  private final boolean openMetrics;

  public MetricsRoutes(GroupSource groups, SelfMetrics self) {
    this(groups, groups, self, false);
  }

  /**
   * @param groups what a scrape serves: the whole cluster's groups
   * @param localGroups what {@code ?scope=local} serves: this node's share
   * @param openMetrics whether to answer OpenMetrics to scrapers that ask for it
   */
  public MetricsRoutes(
      GroupSource groups, GroupSource localGroups, SelfMetrics self, boolean openMetrics) {
    this.groups = groups;
    this.localGroups = localGroups;
    this.self = self;
    this.openMetrics = openMetrics;
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
    String scope = ctx.queryParam(SCOPE_PARAM);
    if (scope != null && !scope.equals("local") && !scope.equals("cluster")) {
      ctx.status(400)
          .contentType("text/plain; charset=utf-8")
          .result("unknown scope " + scope + ": use scope=local or scope=cluster\n");
      return;
    }
    GroupSource source = "local".equals(scope) ? localGroups : groups;
    String accept = ctx.header("Accept");
    ExpositionFormats.Format format = ExpositionFormats.negotiate(accept, openMetrics);
    EscapingScheme escaping = ExpositionFormats.negotiateEscaping(accept, openMetrics);
    List<MetricFamily> families =
        FamilyMerger.merge(
            self.families(),
            source.readAll(),
            format.isOpenMetrics() ? Naming.OPENMETRICS : Naming.PROMETHEUS);
    // like upstream 1.11, the answer names the escaping (protobuf output is never escaped);
    // upstream offers no OpenMetrics, whose Content-Type stays client_golang's
    ctx.contentType(
        format.isOpenMetrics()
            ? format.contentType()
            : format.contentType() + "; escaping=" + escaping.parameterValue());
    format.write(ctx.outputStream(), families, escaping);
  }
}
