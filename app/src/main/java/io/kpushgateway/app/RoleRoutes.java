package io.kpushgateway.app;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * What a node answers on the routes of a role it does not run: 404, saying which nodes serve
 * them, rather than a bare "page not found" that looks like a wrong URL.
 */
final class RoleRoutes {

  private RoleRoutes() {}

  /** On a node without the ingest role. */
  static void pushesElsewhere(Javalin app) {
    Handler answer =
        ctx ->
            notHere(
                ctx, "this node does not take pushes (--roles=store): push to an ingest node");
    app.put("/metrics/<suffix>", answer);
    app.post("/metrics/<suffix>", answer);
    app.delete("/metrics/<suffix>", answer);
  }

  /** On a node without the store role. */
  static void readsElsewhere(Javalin app, boolean adminApi) {
    Handler answer =
        ctx ->
            notHere(
                ctx,
                "this node holds no groups (--roles=ingest): "
                    + ctx.path()
                    + " is served by the store nodes");
    app.get("/", answer);
    app.get("/status", answer);
    app.get("/api/v1/metrics", answer);
    if (adminApi) {
      app.put("/api/v1/admin/wipe", answer);
    }
  }

  private static void notHere(Context ctx, String message) {
    ctx.status(404).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
