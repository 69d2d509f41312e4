package io.kpushgateway.app;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/** {@code /-/healthy}, {@code /-/ready} and {@code /-/quit}, with upstream's codes and bodies. */
final class LifecycleRoutes {

  /** One condition of readiness, for the parts a node runs. */
  @FunctionalInterface
  interface Readiness {
    /** Null when met, else why the node is not ready, e.g. "the groups store is REBALANCING". */
    String notReadyBecause();
  }

  private final List<Readiness> readiness;
  private final boolean lifecycleEnabled;
  private final Runnable shutdown;

  LifecycleRoutes(List<Readiness> readiness, boolean lifecycleEnabled, Runnable shutdown) {
    this.readiness = List.copyOf(readiness);
    this.lifecycleEnabled = lifecycleEnabled;
    this.shutdown = shutdown;
  }

  void addTo(Javalin app) {
    // Healthy says the process serves HTTP; ready says pushes and scrapes will succeed.
    app.get("/-/healthy", ctx -> text(ctx, 200, "OK"));
    app.get("/-/ready", this::ready);
    app.put("/-/quit", this::quit);
    app.post("/-/quit", this::quit);
    app.get("/-/quit", ctx -> text(ctx, 405, "Only POST or PUT requests allowed."));
  }

  private void ready(Context ctx) {
    for (Readiness check : readiness) {
      String why = check.notReadyBecause();
      if (why != null) {
        ctx.header("Retry-After", "1");
        text(ctx, 503, "not ready: " + why);
        return;
      }
    }
    text(ctx, 200, "OK");
  }

  private void quit(Context ctx) {
    if (!lifecycleEnabled) {
      text(ctx, 403, "Lifecycle API is not enabled.");
      return;
    }
    text(ctx, 200, "Requesting termination... Goodbye!");
    shutdown.run();
  }

  private static void text(Context ctx, int status, String body) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(body + "\n");
  }
}
