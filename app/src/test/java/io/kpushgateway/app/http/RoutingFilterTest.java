package io.kpushgateway.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.kpushgateway.exposition.HttpMetrics;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The filter in front of Javalin on a real server (free port, raw HTTP/1.1 so every byte of the
 * request is known): answers counted once complete, also asynchronous and failed ones, with
 * promhttp's approximate request size.
 */
class RoutingFilterTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  @Test
  void asynchronousAnswersAreCountedWithTheirFinalStatusAndDuration() {
    withServer(
        app ->
            app.put(
                "/metrics/job/<rest>",
                ctx ->
                    ctx.future(
                        () ->
                            CompletableFuture.runAsync(
                                () -> ctx.status(503).result("broker unavailable\n"),
                                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)))),
        port -> {
          String answer =
              raw(
                  port,
                  "PUT /metrics/job/a HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
                      + "Connection: close\r\n\r\nm 1\n");
          assertThat(answer).startsWith("HTTP/1.1 503 ");
          String metrics = metrics();
          assertThat(
                  value(
                      metrics,
                      "pushgateway_http_requests_total{code=\"503\",handler=\"push\",method=\"put\"}"))
              .isEqualTo(1);
          assertThat(value(metrics, "pushgateway_http_push_duration_seconds_count{method=\"put\"}"))
              .isEqualTo(1);
          assertThat(value(metrics, "pushgateway_http_push_duration_seconds_sum{method=\"put\"}"))
              .isGreaterThanOrEqualTo(0.2);
          // URL 14 + "PUT" 3 + "HTTP/1.1" 8 + Content-Length 14+1 + Connection 10+5 + host 1
          // + the body's declared length 4 (Host counts by its value only, like Go's r.Host)
          assertThat(value(metrics, "pushgateway_http_push_size_bytes_sum{method=\"put\"}"))
              .isEqualTo(14 + 3 + 8 + 15 + 15 + 1 + 4);
        });
  }

  @Test
  void aFailingHandlerIsCountedAs500AndUncountedRoutesAreNot() {
    withServer(
        app -> {
          app.get(
              "/-/healthy",
              ctx -> {
                throw new IllegalStateException("boom");
              });
          app.exception(IllegalStateException.class, (e, ctx) -> ctx.status(500));
          app.get("/metrics", ctx -> ctx.result("scrape"));
        },
        port -> {
          assertThat(raw(port, "GET /-/healthy HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
              .startsWith("HTTP/1.1 500 ");
          assertThat(raw(port, "GET /metrics HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
              .startsWith("HTTP/1.1 200 ");
          assertThat(raw(port, "GET /nope HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
              .startsWith("HTTP/1.1 404 ");
          String metrics = metrics();
          assertThat(
                  value(
                      metrics,
                      "pushgateway_http_requests_total{code=\"500\",handler=\"healthy\",method=\"get\"}"))
              .isEqualTo(1);
          assertThat(metrics).doesNotContain("code=\"200\"").doesNotContain("code=\"404\"");
        });
  }

  @Test
  void chunkedPushesCountNoBodyLengthAndNoTransferEncoding() {
    withServer(
        app -> app.post("/metrics/job/<rest>", ctx -> ctx.status(200)),
        port -> {
          String answer =
              raw(
                  port,
                  "POST /metrics/job/a?x=y HTTP/1.1\r\nHost: hh\r\n"
                      + "Transfer-Encoding: chunked\r\nX-Twice: 1\r\nX-Twice: 22\r\nConnection: close\r\n\r\n"
                      + "4\r\nm 1\n\r\n0\r\n\r\n");
          assertThat(answer).startsWith("HTTP/1.1 200 ").doesNotContain("Content-Type");
          // "/metrics/job/a?x=y" 18 + 4 + 8 + X-Twice 7+1+2 (a name counts once) + Connection 15
          // + host 2; as measured on the Pushgateway 1.5.1 with the same bytes
          assertThat(value(metrics(), "pushgateway_http_push_size_bytes_sum{method=\"post\"}"))
              .isEqualTo(18 + 4 + 8 + 10 + 15 + 2);
        });
  }

  private void withServer(Consumer<Javalin> routes, Consumer<Integer> test) {
    RoutingFilter filter =
        new RoutingFilter(
            new UpstreamRouter("", Routes.table("/metrics", false)), new HttpMetrics(registry));
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.jetty.modifyServletContextHandler(filter::installOn);
            });
    routes.accept(app);
    app.start("127.0.0.1", 0);
    try {
      test.accept(app.port());
    } finally {
      app.stop();
    }
  }

  private String metrics() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static double value(String page, String series) {
    return page.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " not in\n" + page));
  }

  /** One request with exactly these bytes; the whole answer, read until the server closes. */
  private static String raw(int port, String request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
