package io.kpushgateway.app;

import io.kpushgateway.app.RouteTable.Found;
import io.kpushgateway.app.RouteTable.Lookup;
import io.kpushgateway.app.RouteTable.MethodNotAllowed;
import io.kpushgateway.app.RouteTable.NotFound;
import io.kpushgateway.app.RouteTable.Options;
import io.kpushgateway.app.RouteTable.Redirect;
import io.kpushgateway.core.path.PathDecoding;
import io.kpushgateway.exposition.PeerGroupsRoutes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every route of the Pushgateway, under {@code --web.route-prefix}, with the {@code handler}
 * label it is counted under, and the answers upstream gives before any handler runs: Go's
 * ServeMux path cleaning (301), the {@code /api/v1} mount, and its routers' redirects, 404s and
 * 405s. A request that reaches a route is handed to the Javalin handlers registered for it.
 *
 * <p>This is the one place where routes are named: a Javalin handler that is not listed here is
 * never reached.
 */
final class UpstreamRouter {

  static final String PUSH = "push";
  static final String DELETE = "delete";

  private static final String API_V1 = "/api/v1";
  private static final String[] PUSH_PATTERNS = {
    "/metrics/job/:job/*labels",
    "/metrics/job/:job",
    "/metrics/job@base64/:job/*labels",
    "/metrics/job@base64/:job",
  };

  /** What to do with a request. */
  sealed interface Decision {}

  /**
   * Hand the request to Javalin, which sees {@code contextPath} (raw, as in the request) as the
   * context path; {@code handler} is the label it is counted under, {@code null} for none.
   */
  record Forward(String handler, String contextPath) implements Decision {}

  /** Answer here, as Go's net/http would. */
  record Answer(int status, Map<String, String> headers, String body) implements Decision {}

  private final String prefix;
  private final String telemetryPath;
  private final RouteTable main = new RouteTable();
  private final RouteTable api = new RouteTable();

  /**
   * @param prefix the route prefix as {@link GatewayConfig#routePrefix()} computes it
   * @param telemetryPath {@code --web.telemetry-path}
   * @param adminApi whether {@code PUT /api/v1/admin/wipe} exists ({@code --web.enable-admin-api})
   */
  UpstreamRouter(String prefix, String telemetryPath, boolean adminApi) {
    this.prefix = prefix;
    // upstream joins the two with path.Join, which cleans the result
    String joined = cleanPath(prefix + "/" + telemetryPath);
    if (joined.length() > 1 && joined.endsWith("/")) {
      joined = joined.substring(0, joined.length() - 1);
    }
    this.telemetryPath = joined.length() > prefix.length() ? joined.substring(prefix.length()) : "/";
    String p = PathDecoding.bytesOf(prefix);
    main.add("GET", p + "/-/healthy", "healthy", prefix)
        .add("GET", p + "/-/ready", "ready", prefix)
        .add("GET", PathDecoding.bytesOf(joined), null, prefix) // scrapes are not counted
        // ours, not upstream's: Prometheus' federation endpoint (a telemetry path there wins)
        .add("GET", p + "/federate", "federate", prefix);
    for (String push : PUSH_PATTERNS) {
      main.add("PUT", p + push, PUSH, prefix)
          .add("POST", p + push, PUSH, prefix)
          .add("DELETE", p + push, DELETE, prefix);
    }
    main.add("GET", p + "/static/*filepath", "static", prefix)
        .add("GET", p + "/status", "status", prefix)
        .add("GET", p + "/", "status", prefix)
        .add("PUT", p + "/-/quit", null, prefix)
        .add("POST", p + "/-/quit", null, prefix)
        // upstream registers this one without the prefix
        .add("GET", "/-/quit", null, "")
        // ours: a store node's groups for a peer's cluster-wide read
        .add("GET", p + PeerGroupsRoutes.PATH, "internal/v1/groups", prefix);
    api.add("OPTIONS", "/*path", "api/v1/options", prefix)
        .add("GET", "/status", "api/v1/status", prefix)
        .add("GET", "/metrics", "api/v1/metrics", prefix);
    if (adminApi) {
      api.add("PUT", "/admin/wipe", "wipe", prefix);
    }
  }

  /** The telemetry path relative to the prefix: where the scrape handler is registered. */
  String telemetryPath() {
    return telemetryPath;
  }

  /**
   * @param rawPath the request path as sent (percent-encoded, no query)
   * @param rawQuery the query as sent, or {@code null}
   */
  Decision route(String method, String rawPath, String rawQuery) {
    String path = PathDecoding.toBytes(rawPath);
    if (path == null) {
      return text(400, "400 Bad Request");
    }
    String query = rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery;
    String apiMount = PathDecoding.bytesOf(prefix) + API_V1 + "/";
    if (!method.equals("CONNECT")) {
      String cleaned = cleanPath(path);
      if (cleaned.equals(apiMount.substring(0, apiMount.length() - 1))) {
        return redirect(301, method, escapePath(cleaned + "/") + query);
      }
      if (!cleaned.equals(path)) {
        return redirect(301, method, escapePath(cleaned) + query);
      }
    }
    if (path.startsWith(apiMount)) {
      Lookup lookup = api.lookup(method, path.substring(apiMount.length() - 1));
      // upstream's redirect drops the mount (GET /api/v1/status/ -> /status); ours keeps it
      String mount = escapePath(PathDecoding.bytesOf(prefix) + API_V1);
      return decide(lookup, method, rawPath, mount, query);
    }
    return decide(main.lookup(method, path), method, rawPath, "", query);
  }

  private static Decision decide(
      Lookup lookup, String method, String rawPath, String mount, String query) {
    if (lookup instanceof Found found) {
      String context = found.route().contextPath();
      return new Forward(found.route().handler(), rawPrefix(rawPath, context));
    } else if (lookup instanceof Redirect r) {
      return redirect(r.status(), method, mount + escapePath(r.path()) + query);
    } else if (lookup instanceof Options o) {
      return new Answer(200, Map.of("Allow", o.allow()), null);
    } else if (lookup instanceof MethodNotAllowed m) {
      Answer answer = text(405, "Method Not Allowed");
      Map<String, String> headers = new LinkedHashMap<>(answer.headers());
      headers.put("Allow", m.allow());
      return new Answer(405, headers, answer.body());
    } else if (lookup instanceof NotFound) {
      return notFound();
    }
    throw new IllegalStateException("unknown lookup " + lookup);
  }

  /** Go's http.NotFound. */
  static Answer notFound() {
    return text(404, "404 page not found");
  }

  /** Go's http.Error: plain text, a newline after the message, nosniff. */
  static Answer text(int status, String message) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain; charset=utf-8");
    headers.put("X-Content-Type-Options", "nosniff");
    return new Answer(status, headers, message + "\n");
  }

  /** Go's http.Redirect: a link for GET, a content type for GET and HEAD, nothing for others. */
  private static Answer redirect(int status, String method, String location) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Location", location);
    String body = null;
    if (method.equals("GET") || method.equals("HEAD")) {
      headers.put("Content-Type", "text/html; charset=utf-8");
    }
    if (method.equals("GET")) {
      String text = status == 301 ? "Moved Permanently" : "Temporary Redirect";
      body = "<a href=\"" + htmlEscape(location) + "\">" + text + "</a>.\n\n";
    }
    return new Answer(status, headers, body);
  }

  /**
   * The start of the raw path that decodes to the (decoded) context path, so Javalin can strip
   * it from the raw path it routes on.
   */
  private static String rawPrefix(String rawPath, String contextPath) {
    if (contextPath.isEmpty()) {
      return "";
    }
    int want = contextPath.getBytes(StandardCharsets.UTF_8).length;
    int decoded = 0;
    int i = 0;
    while (decoded < want && i < rawPath.length()) {
      char c = rawPath.charAt(i);
      decoded += c == '%' ? 1 : String.valueOf(c).getBytes(StandardCharsets.UTF_8).length;
      i += c == '%' ? 3 : 1;
    }
    return rawPath.substring(0, Math.min(i, rawPath.length()));
  }

  /**
   * Go's ServeMux cleanPath: path.Clean (no empty, "." or ".." segments), keeping a trailing
   * slash.
   */
  static String cleanPath(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        segments.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        segments.addLast(segment);
      }
    }
    String cleaned = "/" + String.join("/", segments);
    return path.endsWith("/") && !cleaned.equals("/") ? cleaned + "/" : cleaned;
  }

  /** Go's url.URL.EscapedPath for a byte string: what Go writes into a Location header. */
  static String escapePath(String bytePath) {
    StringBuilder out = new StringBuilder(bytePath.length());
    for (int i = 0; i < bytePath.length(); i++) {
      char c = bytePath.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-_.~$&+,/:;=@".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }

  private static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&#34;").replace("'", "&#39;");
  }
}
