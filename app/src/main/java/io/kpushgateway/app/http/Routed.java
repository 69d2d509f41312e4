package io.kpushgateway.app.http;

import java.util.Map;

/**
 * A request the router matched to {@code route}.
 *
 * @param rawPath the path as sent (percent-encoded), without the route prefix
 * @param params the pattern's parameters, decoded, by name ({@code :job}, {@code *filepath})
 */
public record Routed(Route route, String rawPath, Map<String, String> params) {

  public Routed {
    params = Map.copyOf(params);
  }

  String param(String name) {
    return params.get(name);
  }
}
