package io.kpushgateway.exposition;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * The Pushgateway's own HTTP metrics, with upstream's names, help texts, labels and quantiles:
 * every answered request of a counted handler, and the duration and approximate size of pushes
 * (whatever their outcome).
 */
public final class HttpMetrics {

  /** The handler label of pushes (PUT and POST), the only ones with duration and size. */
  public static final String PUSH_HANDLER = "push";

  private final Counter requests;
  private final Summary pushDuration;
  private final Summary pushSize;

  public HttpMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("pushgateway_http_requests_total")
            .help("Total HTTP requests processed by the Pushgateway, excluding scrapes.")
            .labelNames("handler", "code", "method")
            .withoutExemplars()
            .register(registry);
    pushSize =
        pushSummary(
            "pushgateway_http_push_size_bytes",
            "HTTP request size for pushes to the Pushgateway.",
            registry);
    pushDuration =
        pushSummary(
            "pushgateway_http_push_duration_seconds",
            "HTTP request duration for pushes to the Pushgateway.",
            registry);
  }

  /** Go's client defaults (10 minutes in 5 buckets) with the Pushgateway's objectives. */
  private static Summary pushSummary(String name, String help, PrometheusRegistry registry) {
    return Summary.builder()
        .name(name)
        .help(help)
        .labelNames("method")
        .quantile(0.1, 0.01)
        .quantile(0.5, 0.05)
        .quantile(0.9, 0.01)
        .maxAgeSeconds(600)
        .numberOfAgeBuckets(5)
        .withoutExemplars()
        .register(registry);
  }

  /**
   * One answered request.
   *
   * @param handler upstream's handler label, e.g. {@code push}, {@code api/v1/status}
   * @param approximateSizeBytes promhttp's approximate request size (URL, method, protocol,
   *     headers, host, body length)
   */
  public void observe(
      String handler, String method, int status, double seconds, long approximateSizeBytes) {
    String m = method.toLowerCase(Locale.ROOT);
    requests.labelValues(handler, Integer.toString(status), m).inc();
    if (PUSH_HANDLER.equals(handler)) {
      pushDuration.labelValues(m).observe(seconds);
      pushSize.labelValues(m).observe((double) approximateSizeBytes);
    }
  }
}
