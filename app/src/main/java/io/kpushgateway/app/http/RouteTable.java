package io.kpushgateway.app.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the Pushgateway's routers (it has two: the main one and the one mounted at {@code
 * /api/v1/}), answering the way its router (julienschmidt/httprouter, through
 * prometheus/common/route) does: an exact match, else a trailing-slash or letter-case redirect
 * among the routes of the same method, else {@code OPTIONS} and {@code 405} from the routes of
 * other methods, else {@code 404}.
 *
 * <p>Patterns use httprouter's syntax: {@code :name} matches one non-empty path segment, a final
 * {@code /*name} matches the rest of the path from its slash on. Patterns and paths are
 * percent-decoded byte strings, as {@link io.kpushgateway.core.path.PathDecoding#toBytes} makes
 * them.
 */
final class RouteTable {

  /** What the router does with a request. */
  sealed interface Lookup {}

  /** The route, and the values of its pattern's parameters (byte strings) by name. */
  record Found(Route route, Map<String, String> params) implements Lookup {}

  /** Go's http.Redirect: 301 for GET, 307 (same method again) for the others. */
  record Redirect(int status, String path) implements Lookup {}

  /** An OPTIONS request answered from the routes of other methods. */
  record Options(String allow) implements Lookup {}

  record MethodNotAllowed(String allow) implements Lookup {}

  record NotFound() implements Lookup {}

  private final List<Compiled> routes = new ArrayList<>();

  /**
   * @param pattern the route's pattern where this table sees it, prefix included
   */
  void add(Route route, String pattern) {
    routes.add(new Compiled(route, pattern));
  }

  Lookup lookup(String method, String path) {
    for (Compiled c : routes) {
      Matcher m = c.exact.matcher(path);
      if (c.method.equals(method) && m.matches()) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < c.paramNames.size(); i++) {
          params.put(c.paramNames.get(i), m.group(i + 1));
        }
        return new Found(c.route, params);
      }
    }
    if (!method.equals("CONNECT") && !path.equals("/") && hasMethod(method)) {
      int status = method.equals("GET") ? 301 : 307;
      String slash = trailingSlashRedirect(method, path);
      if (slash != null) {
        return new Redirect(status, slash);
      }
      String fixed = caseInsensitiveMatch(method, path);
      if (fixed != null) {
        return new Redirect(status, fixed);
      }
    }
    String allow = allowed(method, path);
    if (allow.isEmpty()) {
      return new NotFound();
    }
    return method.equals("OPTIONS") ? new Options(allow) : new MethodNotAllowed(allow);
  }

  private boolean hasMethod(String method) {
    return routes.stream().anyMatch(c -> c.method.equals(method));
  }

  private boolean matches(String method, String path) {
    return routes.stream()
        .anyMatch(c -> c.method.equals(method) && c.exact.matcher(path).matches());
  }

  /**
   * The same path with or without its trailing slash, when that is a route. httprouter also
   * proposes dropping the slash of a path that stops right where a {@code :param} would start, if
   * that slash is a node of its own in the radix tree, i.e. another route branches off just before
   * it: so {@code PUT /metrics/job/} redirects (to a 404) while {@code PUT /metrics/job@base64/} is
   * a plain 404.
   */
  private String trailingSlashRedirect(String method, String path) {
    if (path.endsWith("/")) {
      String without = path.substring(0, path.length() - 1);
      if (matches(method, without)) {
        return without;
      }
      for (Compiled c : routes) {
        if (c.method.equals(method)
            && c.staticPrefix.equals(path)
            && branchesOffAt(method, without)) {
          return without;
        }
      }
      return null;
    }
    return matches(method, path + "/") ? path + "/" : null;
  }

  private boolean branchesOffAt(String method, String shared) {
    int at = shared.length();
    return routes.stream()
        .filter(c -> c.method.equals(method) && c.pattern.startsWith(shared))
        .anyMatch(c -> c.pattern.length() == at || c.pattern.charAt(at) != '/');
  }

  /** httprouter's RedirectFixedPath: the route that matches ignoring case (and the slash). */
  private String caseInsensitiveMatch(String method, String path) {
    String toggled = path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
    for (String candidate : new String[] {path, toggled}) {
      for (Compiled c : routes) {
        if (c.method.equals(method)) {
          String fixed = c.fix(candidate);
          if (fixed != null) {
            return fixed;
          }
        }
      }
    }
    return null;
  }

  /** The methods whose routes match the path, plus OPTIONS, sorted: httprouter's Allow header. */
  private String allowed(String requestMethod, String path) {
    TreeSet<String> methods = new TreeSet<>();
    for (Compiled c : routes) {
      String m = c.method;
      if (!m.equals(requestMethod) && !m.equals("OPTIONS") && c.exact.matcher(path).matches()) {
        methods.add(m);
      }
    }
    if (methods.isEmpty()) {
      return "";
    }
    methods.add("OPTIONS");
    return String.join(", ", methods);
  }

  /** A route with its pattern turned into regular expressions. */
  private static final class Compiled {
    private static final String PARAM = "([^/]+)";
    private static final String CATCH_ALL = "(/.*)";

    final Route route;
    final String method;
    final String pattern;
    final Pattern exact;
    final Pattern ignoringCase;

    /** Literal pieces of the pattern, and {@code null} where a parameter's value goes. */
    final List<String> literals = new ArrayList<>();

    /** The names of the parameters, in the order of the pattern's groups. */
    final List<String> paramNames = new ArrayList<>();

    /** The pattern up to its first {@code :param}; the whole pattern if it has none. */
    final String staticPrefix;

    Compiled(Route route, String p) {
      this.route = route;
      this.method = route.method();
      this.pattern = p;
      StringBuilder regex = new StringBuilder();
      StringBuilder literal = new StringBuilder();
      int colon = p.indexOf(':');
      this.staticPrefix = colon < 0 ? p : p.substring(0, colon);
      for (int i = 0; i < p.length(); i++) {
        char ch = p.charAt(i);
        if (ch == ':') {
          flush(literal, regex);
          regex.append(PARAM);
          literals.add(null);
          int end = p.indexOf('/', i);
          paramNames.add(p.substring(i + 1, end < 0 ? p.length() : end));
          i = (end < 0 ? p.length() : end) - 1;
        } else if (ch == '*'
            && literal.length() > 0
            && literal.charAt(literal.length() - 1) == '/') {
          // the catch-all takes its slash with it: /static/*filepath matches /static/
          literal.setLength(literal.length() - 1);
          flush(literal, regex);
          regex.append(CATCH_ALL);
          literals.add(null);
          paramNames.add(p.substring(i + 1));
          break;
        } else {
          literal.append(ch);
        }
      }
      flush(literal, regex);
      this.exact = Pattern.compile(regex.toString());
      this.ignoringCase =
          Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private void flush(StringBuilder literal, StringBuilder regex) {
      if (literal.length() > 0) {
        regex.append(Pattern.quote(literal.toString()));
        literals.add(literal.toString());
        literal.setLength(0);
      }
    }

    /** The path with the pattern's letters in the route's case; parameters as given. */
    String fix(String path) {
      Matcher m = ignoringCase.matcher(path);
      if (!m.matches()) {
        return null;
      }
      StringBuilder fixed = new StringBuilder();
      int group = 1;
      for (String literal : literals) {
        fixed.append(literal != null ? literal : m.group(group++));
      }
      return fixed.toString();
    }
  }
}
