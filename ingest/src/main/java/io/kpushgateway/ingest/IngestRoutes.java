package io.kpushgateway.ingest;

import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.Method;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;

/**
 * The Pushgateway's push API: PUT (push), POST (pushAdd) and DELETE on {@code
 * /metrics/job/<job>{/<label>/<value>}}, with {@code @base64} variants. The whole path after
 * {@code /metrics/} is parsed by the core, so every odd shape gets upstream's answer.
 */
public final class IngestRoutes {

  private static final String PREFIX = "/metrics/";

  private final PushController controller;

  /**
   * @param catalog the families of every group, for upstream's cross-group consistency check;
   *     {@code null} disables the check (and pushes are answered 202, as upstream does then)
   * @param names {@link NameValidationScheme#UTF8} with {@code --push.enable-utf8-names}
   * @param gate asked before each PUT and POST; a closed gate answers 503 with its reason
   */
  public IngestRoutes(
      PushPublisher publisher,
      Clock clock,
      String nodeName,
      IngestLimits limits,
      FamilyCatalog catalog,
      NameValidationScheme names,
      PushGate gate) {
    this.controller = new PushController(publisher, clock, nodeName, limits, catalog, names, gate);
  }

  public void addTo(Javalin app) {
    IngestErrors.register(app);
    app.put(PREFIX + "<suffix>", ctx -> handle(ctx, Method.PUT));
    app.post(PREFIX + "<suffix>", ctx -> handle(ctx, Method.POST));
    app.delete(PREFIX + "<suffix>", ctx -> handle(ctx, Method.DELETE));
  }

  private void handle(Context ctx, Method method) throws java.io.IOException {
    // The raw path, decoded by the core: like Go's mux, '%2F' becomes a separator, and a
    // trailing slash stays significant ("a/1/" is an odd number of components).
    String raw = ctx.path();
    int at = raw.indexOf(PREFIX, ctx.contextPath().length());
    controller.handle(ctx, method, raw.substring(at + PREFIX.length()));
  }

}
