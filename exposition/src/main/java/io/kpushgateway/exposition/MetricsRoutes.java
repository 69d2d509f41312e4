package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.merge.PageFilter;
import java.io.IOException;

/**
 * {@code GET /metrics}: the whole {@link ScrapePage}, the gateway's own metrics and every stored
 * group, merged by the Pushgateway's rules, in the format the scraper negotiates.
 */
public final class MetricsRoutes {

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

  public void scrape(Context ctx) throws IOException {
    String scope = ctx.queryParam(SCOPE_PARAM);
    if (scope != null && !scope.equals("local") && !scope.equals("cluster")) {
      throw new BadQueryException("unknown scope " + scope + ": use scope=local or scope=cluster");
    }
    // ?at= with scope=local is refused by LocalGroupReader: a shard's history is not kept apart
    page.write(ctx, "local".equals(scope) ? localGroups : groups, PageFilter.ALL);
  }
}
