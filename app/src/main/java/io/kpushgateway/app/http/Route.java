package io.kpushgateway.app.http;

import java.util.function.Function;

/**
 * One route of the gateway, as {@link Routes#table} lists it.
 *
 * @param pattern httprouter syntax ({@code :name} one segment, a final {@code /*name} the rest),
 *     relative to its {@code mount}
 * @param label the {@code handler} label of {@code pushgateway_http_requests_total}; {@code null}:
 *     not counted, like upstream's scrapes and {@code /-/quit}
 * @param json whether the route answers JSON, errors included (the query API)
 * @param endpoint the handler, taken from the node's endpoints once at start, and only when the
 *     node runs the role the route {@code serves}
 */
public record Route(
    String method,
    Mount mount,
    String pattern,
    String label,
    Serves serves,
    boolean json,
    Function<Endpoints, Endpoint> endpoint) {

  /** Where a pattern is mounted, as in upstream's two routers. */
  public enum Mount {
    /** Outside {@code --web.route-prefix} (upstream's {@code GET /-/quit}). */
    ROOT,
    /** Under the route prefix. */
    PREFIX,
    /** Under {@code <prefix>/api/v1}: upstream's API router, with its CORS headers. */
    API
  }

  /** The role a route belongs to; a node without it answers 404 saying where to go. */
  public enum Serves {
    EVERY_NODE(null),
    INGEST("this node does not take pushes (--roles=store): push to an ingest node"),
    STORE("this node holds no groups (--roles=ingest): %s is served by the store nodes");

    private final String notHere;

    Serves(String notHere) {
      this.notHere = notHere;
    }

    /** The answer of a node without this role, for the request path {@code path}. */
    Answer notHere(String path) {
      return Answer.text(404, String.format(notHere, path));
    }
  }

  @Override
  public String toString() {
    return method + " " + mount + " " + pattern;
  }
}
