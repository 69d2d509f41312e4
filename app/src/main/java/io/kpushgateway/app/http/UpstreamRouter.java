package io.kpushgateway.app.http;

import io.kpushgateway.app.http.RouteTable.Found;
import io.kpushgateway.app.http.RouteTable.Lookup;
import io.kpushgateway.app.http.RouteTable.MethodNotAllowed;
import io.kpushgateway.app.http.RouteTable.NotFound;
import io.kpushgateway.app.http.RouteTable.Options;
import io.kpushgateway.app.http.RouteTable.Redirect;
import io.kpushgateway.core.path.PathDecoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers upstream gives before any handler runs, computed from {@link Routes#table}: Go's
 * ServeMux path cleaning (301), the {@code /api/v1} mount, and its routers' redirects, 404s and
 * 405s. A request that reaches a route is {@link Forward}ed to its endpoint.
 */
final class UpstreamRouter {

  private static final String API_V1 = "/api/v1";

  /** What to do with a request. */
  sealed interface Decision {}

  /** Hand the request to the route's endpoint. */
  record Forward(Routed request) implements Decision {}

  /** Answer here, as Go's net/http would. */
  record AnswerHere(Answer answer) implements Decision {}

  private final String prefix;
  private final RouteTable main = new RouteTable();
  private final RouteTable api = new RouteTable();

  /**
   * @param prefix the route prefix as {@code GatewayConfig} computes it
   */
  UpstreamRouter(String prefix, List<Route> routes) {
    this.prefix = prefix;
    String p = PathDecoding.bytesOf(prefix);
    for (Route route : routes) {
      String pattern = PathDecoding.bytesOf(route.pattern());
      switch (route.mount()) {
        case ROOT -> main.add(route, pattern);
        case PREFIX -> main.add(route, p + pattern);
        case API -> api.add(route, pattern);
      }
    }
  }

  /**
   * @param rawPath the request path as sent (percent-encoded, no query)
   * @param rawQuery the query as sent, or {@code null}
   */
  Decision route(String method, String rawPath, String rawQuery) {
    String path = PathDecoding.toBytes(rawPath);
    if (path == null) {
      return new AnswerHere(Answer.text(400, "400 Bad Request"));
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

  private Decision decide(
      Lookup lookup, String method, String rawPath, String mount, String query) {
    if (lookup instanceof Found found) {
      Route route = found.route();
      String under =
          route.mount() == Route.Mount.ROOT
              ? rawPath
              : rawPath.substring(rawPrefix(rawPath, prefix).length());
      Map<String, String> params = new LinkedHashMap<>();
      found.params().forEach((name, bytes) -> params.put(name, utf8OrBytes(bytes)));
      return new Forward(new Routed(route, under, params));
    } else if (lookup instanceof Redirect r) {
      return redirect(r.status(), method, mount + escapePath(r.path()) + query);
    } else if (lookup instanceof Options o) {
      return new AnswerHere(new Answer(200, Map.of("Allow", o.allow()), null));
    } else if (lookup instanceof MethodNotAllowed m) {
      return new AnswerHere(Answer.text(405, "Method Not Allowed").with("Allow", m.allow()));
    } else if (lookup instanceof NotFound) {
      return new AnswerHere(Answer.notFound());
    }
    throw new IllegalStateException("unknown lookup " + lookup);
  }

  private static String utf8OrBytes(String bytes) {
    String text = PathDecoding.utf8(bytes);
    return text != null ? text : bytes;
  }

  /** Go's http.Redirect: a link for GET, a content type for GET and HEAD, nothing for others. */
  private static Decision redirect(int status, String method, String location) {
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
    return new AnswerHere(new Answer(status, headers, body));
  }

  /**
   * The start of the raw path that decodes to the (decoded) context path, so Javalin can strip it
   * from the raw path it routes on.
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
   * Go's ServeMux cleanPath: path.Clean (no empty, "." or ".." segments), keeping a trailing slash.
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
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-_.~$&+,/:;=@".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }

  private static String htmlEscape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&#34;")
        .replace("'", "&#39;");
  }
}
