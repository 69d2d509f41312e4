package io.kpushgateway.app.http;

import io.javalin.http.Context;
import io.kpushgateway.app.role.Readiness;
import java.util.List;

/** {@code /-/healthy}, {@code /-/ready} and {@code /-/quit}, with upstream's codes and bodies. */
public final class LifecycleRoutes {

  private final List<Readiness> readiness;
  private final boolean lifecycleEnabled;
  private final Runnable shutdown;

  public LifecycleRoutes(List<Readiness> readiness, boolean lifecycleEnabled, Runnable shutdown) {
    this.readiness = List.copyOf(readiness);
    this.lifecycleEnabled = lifecycleEnabled;
    this.shutdown = shutdown;
  }

  void healthy(Context ctx) {
    text(ctx, 200, "OK");
  }

  void ready(Context ctx) {
    for (Readiness check : readiness) {
      String why = check.notReadyBecause();
      if (why != null) {
        ctx.header("Retry-After", ErrorMap.RetryAfter.NOT_READY.seconds);
        text(ctx, 503, "not ready: " + why);
        return;
      }
    }
    text(ctx, 200, "OK");
  }

  void quit(Context ctx) {
    if (!lifecycleEnabled) {
      text(ctx, 403, "Lifecycle API is not enabled.");
      return;
    }
    text(ctx, 200, "Requesting termination... Goodbye!");
    shutdown.run();
  }

  /** Upstream's unprefixed {@code GET /-/quit}. */
  void quitNotAllowed(Context ctx) {
    text(ctx, 405, "Only POST or PUT requests allowed.");
  }

  private static void text(Context ctx, int status, String body) {
    Answer.sniffedText(status, body).writeTo(ctx);
  }
}
