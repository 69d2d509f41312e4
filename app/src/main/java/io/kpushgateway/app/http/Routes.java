package io.kpushgateway.app.http;

import static io.kpushgateway.app.http.Route.Mount.API;
import static io.kpushgateway.app.http.Route.Mount.PREFIX;
import static io.kpushgateway.app.http.Route.Mount.ROOT;
import static io.kpushgateway.app.http.Route.Serves.EVERY_NODE;
import static io.kpushgateway.app.http.Route.Serves.INGEST;
import static io.kpushgateway.app.http.Route.Serves.STORE;

import io.javalin.http.Handler;
import io.kpushgateway.app.http.Route.Mount;
import io.kpushgateway.app.http.Route.Serves;
import io.kpushgateway.exposition.HistoryRoutes;
import io.kpushgateway.exposition.PeerGroupsRoutes;
import io.kpushgateway.proto.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every route of the gateway: the one place a route exists. Upstream's routes with their {@code
 * handler} labels, in the order its routers try them, and ours ({@code /federate}, {@code
 * /history}, {@code /api/v1/history/...}, {@code /api/v1/batch}, the peers' {@code
 * /internal/v1/groups} and {@code /internal/v1/history}). Adding a route is a line here and a
 * handler.
 */
public final class Routes {

  private static final String[] PUSH_PATTERNS = {
    "/metrics/job/:job/*labels",
    "/metrics/job/:job",
    "/metrics/job@base64/:job/*labels",
    "/metrics/job@base64/:job",
  };

  /** Ours: a group's push history, under the API, in the push URL's grammar. */
  private static final String[] HISTORY_PATTERNS = {
    "/history/job/:job/*labels",
    "/history/job/:job",
    "/history/job@base64/:job/*labels",
    "/history/job@base64/:job",
  };

  private final List<Route> routes = new ArrayList<>();

  private Routes() {}

  /**
   * @param telemetryPath the scrape route relative to the prefix ({@link #telemetryPath})
   * @param adminApi whether {@code PUT /api/v1/admin/wipe} exists ({@code --web.enable-admin-api})
   */
  public static List<Route> table(String telemetryPath, boolean adminApi) {
    Routes t = new Routes();
    // Healthy says the process serves HTTP; ready says pushes and scrapes will succeed.
    t.add("GET", PREFIX, "/-/healthy", "healthy", EVERY_NODE, e -> e.lifecycle()::healthy);
    t.add("GET", PREFIX, "/-/ready", "ready", EVERY_NODE, e -> e.lifecycle()::ready);
    // scrapes are not counted; an ingest node serves its own metrics only
    t.add("GET", PREFIX, telemetryPath, null, EVERY_NODE, e -> e.metrics()::scrape);
    // ours: Prometheus' federation endpoint (a telemetry path of that name wins, being first)
    t.add("GET", PREFIX, "/federate", "federate", EVERY_NODE, e -> e.federate()::federate);
    for (String push : PUSH_PATTERNS) {
      t.routed("PUT", push, "push", INGEST, e -> push(e, Method.PUT));
      t.routed("POST", push, "push", INGEST, e -> push(e, Method.POST));
      t.routed("DELETE", push, "delete", INGEST, e -> push(e, Method.DELETE));
    }
    t.routed(
        "GET",
        "/static/*filepath",
        "static",
        STORE,
        e -> (ctx, r) -> e.store().webUi().asset(ctx, r.param("filepath").substring(1)));
    t.add("GET", PREFIX, "/status", "status", STORE, e -> e.store().webUi()::page);
    t.add("GET", PREFIX, "/", "status", STORE, e -> e.store().webUi()::page);
    // ours: the web UI's page of one group's pushes
    t.add("GET", PREFIX, "/history", "history", STORE, e -> e.store().webUi()::history);
    t.add("PUT", PREFIX, "/-/quit", null, EVERY_NODE, e -> e.lifecycle()::quit);
    t.add("POST", PREFIX, "/-/quit", null, EVERY_NODE, e -> e.lifecycle()::quit);
    // upstream registers this one without the prefix
    t.add("GET", ROOT, "/-/quit", null, EVERY_NODE, e -> e.lifecycle()::quitNotAllowed);
    // ours: a store node's groups for a peer's cluster-wide read
    t.add(
        "GET",
        PREFIX,
        PeerGroupsRoutes.PATH,
        "internal/v1/groups",
        STORE,
        e -> e.store().peers()::groups);
    t.add("OPTIONS", API, "/*path", "api/v1/options", EVERY_NODE, e -> e.api()::preflight);
    t.json("GET", "/status", "api/v1/status", EVERY_NODE, e -> e.api()::status);
    t.json("GET", "/metrics", "api/v1/metrics", STORE, e -> e.api()::metrics);
    // ours: many groups in one push, all or none visible (a Kafka transaction)
    t.json("PUT", "/batch", "api/v1/batch", INGEST, e -> ctx -> e.ingest().batch(ctx, Method.PUT));
    t.json(
        "POST", "/batch", "api/v1/batch", INGEST, e -> ctx -> e.ingest().batch(ctx, Method.POST));
    for (String history : HISTORY_PATTERNS) {
      t.routedJson("GET", history, "api/v1/history", STORE, e -> history(e));
    }
    // ours: one group's history from a store node's own copy, for a peer's history read
    t.add(
        "GET",
        PREFIX,
        HistoryRoutes.PEER_PATH,
        "internal/v1/history",
        STORE,
        e -> e.store().history()::peer);
    if (adminApi) {
      t.add("PUT", API, "/admin/wipe", "wipe", STORE, e -> e.store().admin()::wipe);
      t.json("PUT", "/admin/restore", "restore", STORE, e -> e.store().admin()::restore);
      t.json(
          "DELETE", "/admin/groups", "delete_groups", STORE, e -> e.store().admin()::deleteGroups);
    }
    return List.copyOf(t.routes);
  }

  /**
   * The telemetry path under the prefix, as upstream joins the two (path.Join, which cleans the
   * result): {@code /metrics/} is {@code /metrics}.
   */
  public static String telemetryPath(String prefix, String flag) {
    String joined = UpstreamRouter.cleanPath(prefix + "/" + flag);
    if (joined.length() > 1 && joined.endsWith("/")) {
      joined = joined.substring(0, joined.length() - 1);
    }
    return joined.length() > prefix.length() ? joined.substring(prefix.length()) : "/";
  }

  private static Endpoint history(Endpoints e) {
    return (ctx, r) -> e.store().history().history(ctx, r.rawPath());
  }

  private static Endpoint push(Endpoints e, Method method) {
    return (ctx, r) -> e.ingest().push(ctx, method, r.rawPath());
  }

  private void add(
      String method,
      Mount mount,
      String pattern,
      String label,
      Serves serves,
      Function<Endpoints, Handler> handler) {
    routes.add(new Route(method, mount, pattern, label, serves, false, plain(handler)));
  }

  /** A route of the query API, answering JSON. */
  private void json(
      String method, String pattern, String label, Serves serves, Function<Endpoints, Handler> h) {
    routes.add(new Route(method, API, pattern, label, serves, true, plain(h)));
  }

  /** A route under the prefix whose handler reads the matched path. */
  private void routed(
      String method, String pattern, String label, Serves serves, Function<Endpoints, Endpoint> e) {
    routes.add(new Route(method, PREFIX, pattern, label, serves, false, e));
  }

  /** A route of the query API, answering JSON, whose handler reads the matched path. */
  private void routedJson(
      String method, String pattern, String label, Serves serves, Function<Endpoints, Endpoint> e) {
    routes.add(new Route(method, API, pattern, label, serves, true, e));
  }

  private static Function<Endpoints, Endpoint> plain(Function<Endpoints, Handler> handler) {
    return e -> {
      Handler h = handler.apply(e);
      return (ctx, r) -> h.handle(ctx);
    };
  }
}
