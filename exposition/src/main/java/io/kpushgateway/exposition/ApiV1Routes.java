package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pushgateway's JSON query API: {@code GET /api/v1/status}, {@code GET /api/v1/metrics} and
 * the CORS preflight {@code OPTIONS /api/v1/*}, with upstream's headers on every answer.
 */
public final class ApiV1Routes {

  private static final Logger LOG = LoggerFactory.getLogger(ApiV1Routes.class);
  static final String PREFIX = "/api/v1";

  private final GroupSource groups;
  private final StatusInfo status;

  /** @param groups null on a node without the store role: no {@code /api/v1/metrics} then */
  public ApiV1Routes(GroupSource groups, StatusInfo status) {
    this.groups = groups;
    this.status = status;
  }

  public void addTo(Javalin app) {
    // a before handler, so 404s and errors under the prefix carry the CORS headers too
    app.before(PREFIX + "/*", ApiV1Routes::setHeaders);
    app.get(PREFIX + "/status", ctx -> ApiV1Json.writeStatus(ctx.outputStream(), status));
    if (groups != null) {
      app.get(PREFIX + "/metrics", this::metrics);
    }
    app.options(PREFIX + "/*", ctx -> ctx.status(200));
  }

  static void setHeaders(Context ctx) {
    ctx.contentType("application/json")
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        .header("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin")
        .header("Cache-Control", "no-cache, no-store, must-revalidate");
  }

  private void metrics(Context ctx) throws IOException {
    List<GroupRecord> all;
    try {
      all = groups.readAll();
    } catch (StoreUnavailableException e) {
      // answered here rather than by the global text/plain handler: API clients expect JSON
      LOG.info("{} answered 503: {}", ctx.path(), e.getMessage());
      ctx.status(503).header("Retry-After", MetricsRoutes.RETRY_AFTER_SECONDS);
      ApiV1Json.writeError(ctx.outputStream(), "unavailable", e.getMessage());
      return;
    }
    ApiV1Json.writeMetrics(ctx.outputStream(), all);
  }
}
