package io.kpushgateway.app.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.HttpMetrics;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The HTTP edge of a node: Javalin as the server only. {@link RoutingFilter} routes every request
 * by {@link Routes#table}; one Javalin handler per method runs the endpoint the filter matched, or
 * answers that this node lacks the route's role; {@link ErrorMap} answers every failure.
 */
public final class HttpEdge {

  private HttpEdge() {}

  /**
   * A Javalin, not started, serving {@code endpoints} on {@code routes}.
   *
   * @param prefix the route prefix ({@code --web.route-prefix}, as upstream computes it)
   * @param server settings of the server itself (TLS, auth), applied last
   */
  public static Javalin create(
      String prefix,
      List<Route> routes,
      Endpoints endpoints,
      HttpMetrics metrics,
      Consumer<JavalinConfig> server) {
    RoutingFilter routing = new RoutingFilter(new UpstreamRouter(prefix, routes), metrics);
    // resolved once: each route's endpoint, or the 404 of the role this node lacks
    Map<Route, Endpoint> resolved = new IdentityHashMap<>();
    Set<String> methods = new HashSet<>();
    for (Route route : routes) {
      methods.add(route.method());
      resolved.put(
          route,
          endpoints.serves(route.serves())
              ? route.endpoint().apply(endpoints)
              : (ctx, r) -> route.serves().notHere(ctx.req().getRequestURI()).writeTo(ctx));
    }
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.http.gzipOnlyCompression();
              cfg.jetty.modifyServletContextHandler(routing::installOn);
              server.accept(cfg);
            });
    for (String method : methods) {
      app.addHttpHandler(HandlerType.valueOf(method), "*", ctx -> dispatch(ctx, resolved));
    }
    app.exception(
        Exception.class,
        (e, ctx) -> {
          Routed routed = RoutingFilter.routed(ctx.req());
          boolean json = routed != null && routed.route().json();
          ErrorMap.answer(e, ctx.path(), json).writeTo(ctx);
        });
    return app;
  }

  private static void dispatch(Context ctx, Map<Route, Endpoint> resolved) throws Exception {
    Routed routed = RoutingFilter.routed(ctx.req());
    if (routed.route().mount() == Route.Mount.API) {
      ApiV1Routes.setHeaders(ctx); // on every answer of the API, errors included
    }
    resolved.get(routed.route()).handle(ctx, routed);
  }
}
