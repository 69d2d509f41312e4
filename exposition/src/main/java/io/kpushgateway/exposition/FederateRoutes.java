package io.kpushgateway.exposition;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.kpushgateway.core.format.GoSyntax;
import io.kpushgateway.core.select.SelectorSyntaxException;
import io.kpushgateway.core.select.SeriesFilter;
import io.kpushgateway.core.select.SeriesSelector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /federate?match[]=<selector>}: the series of the {@link ScrapePage} that any of the
 * (repeatable) {@code match[]} selectors match, in every format {@code /metrics} offers, for a
 * Prometheus that federates only part of the gateway. As Prometheus' own {@code /federate}: a
 * selector that does not parse is a 400 before any store is read, and no {@code match[]} at all is
 * an empty page, not an error.
 */
public final class FederateRoutes {

  /** Under the route prefix, like every route. */
  public static final String PATH = "/federate";

  static final String MATCH_PARAM = "match[]";

  private final GroupSource groups;
  private final ScrapePage page;

  /**
   * @param openMetrics whether to answer OpenMetrics to scrapers that ask for it
   */
  public FederateRoutes(GroupSource groups, SelfMetrics self, boolean openMetrics) {
    this.groups = groups;
    this.page = new ScrapePage(self, openMetrics);
  }

  public void addTo(Javalin app) {
    app.get(PATH, this::federate);
    ScrapePage.answerUnavailableStore(app);
  }

  private void federate(Context ctx) throws IOException {
    List<SeriesSelector> selectors = new ArrayList<>();
    for (String text : ctx.queryParams(MATCH_PARAM)) {
      try {
        selectors.add(SeriesSelector.parse(text));
      } catch (SelectorSyntaxException e) {
        // Go's http.Error, as Prometheus answers, naming the selector among several
        ctx.status(400)
            .contentType("text/plain; charset=utf-8")
            .header("X-Content-Type-Options", "nosniff")
            .result(
                "bad " + MATCH_PARAM + " " + GoSyntax.quote(text) + ": " + e.getMessage() + "\n");
        return;
      }
    }
    page.write(ctx, groups, families -> SeriesFilter.keep(families, selectors));
  }
}
