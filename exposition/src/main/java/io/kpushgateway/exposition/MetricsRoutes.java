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

  private final ScrapePage page;

  public MetricsRoutes(GroupSource groups, SelfMetrics self) {
    this(groups, self, false);
  }

  /** @param openMetrics whether to answer OpenMetrics to scrapers that ask for it */
  public MetricsRoutes(GroupSource groups, SelfMetrics self, boolean openMetrics) {
    this.page = new ScrapePage(groups, self, openMetrics);
  }

  public void addTo(Javalin app, String telemetryPath) {
    app.get(telemetryPath, this::scrape);
    ScrapePage.answerUnavailableStore(app);
  }

  private void scrape(Context ctx) throws IOException {
    page.write(ctx, UnaryOperator.identity());
  }
}
