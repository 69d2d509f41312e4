package io.kpushgateway.exposition;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * {@code GET /metrics}: the whole {@link ScrapePage}, the gateway's own metrics and every stored
 * group, merged by the Pushgateway's rules, in the format the scraper negotiates.
 */
public final class MetricsRoutes {

  static final String RETRY_AFTER_SECONDS = "1";

  /** {@code ?scope=local}: only the groups of this node's partitions, for sharded scraping. */
  static final String SCOPE_PARAM = "scope";

  private final GroupSource groups;
  private final GroupSource localGroups;
  private final ScrapePage page;

  /**
   * @param groups what a scrape serves: the whole cluster's groups
   * @param localGroups what {@code ?scope=local} serves: this node's share
   * @param openMetrics whether to answer OpenMetrics to scrapers that ask for it
   */
  public MetricsRoutes(
      GroupSource groups, GroupSource localGroups, SelfMetrics self, boolean openMetrics) {
    this.groups = groups;
    this.localGroups = localGroups;
    this.page = new ScrapePage(self, openMetrics);
  }

  public void addTo(Javalin app, String telemetryPath) {
    app.get(telemetryPath, this::scrape);
    ScrapePage.answerUnavailableStore(app);
  }

  private void scrape(Context ctx) throws IOException {
    String scope = ctx.queryParam(SCOPE_PARAM);
    if (scope != null && !scope.equals("local") && !scope.equals("cluster")) {
      ctx.status(400)
          .contentType("text/plain; charset=utf-8")
          .result("unknown scope " + scope + ": use scope=local or scope=cluster\n");
      return;
    }
    page.write(ctx, "local".equals(scope) ? localGroups : groups, UnaryOperator.identity());
  }
}
