package io.kpushgateway.app;

import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.store.StoreService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.function.BooleanSupplier;

/** {@code /-/healthy}, {@code /-/ready} and {@code /-/quit}, with upstream's codes and bodies. */
final class LifecycleRoutes {

  private final StoreService store;
  private final PushPublisher publisher;
  private final BooleanSupplier catalogReady;
  private final boolean lifecycleEnabled;
  private final Runnable shutdown;

  LifecycleRoutes(
      StoreService store,
      PushPublisher publisher,
      BooleanSupplier catalogReady,
      boolean lifecycleEnabled,
      Runnable shutdown) {
    this.store = store;
    this.publisher = publisher;
    this.catalogReady = catalogReady;
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
    if (!store.isRunning()) {
      ctx.header("Retry-After", "1");
      text(ctx, 503, "not ready: the groups store is " + store.state());
    } else if (!publisher.isReady()) {
      ctx.header("Retry-After", "1");
      text(ctx, 503, "not ready: the Kafka broker is not reachable");
    } else if (!catalogReady.getAsBoolean()) {
      ctx.header("Retry-After", "1");
      text(ctx, 503, "not ready: still reading the catalog of registered metric families");
    } else {
      text(ctx, 200, "OK");
    }
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
