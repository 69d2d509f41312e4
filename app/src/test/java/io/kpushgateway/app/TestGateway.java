package io.kpushgateway.app;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;

/** A started, ready {@link Gateway} with a plain HTTP client for its API. */
final class TestGateway implements AutoCloseable {

  /** What Prometheus 2 asks a target for when OpenMetrics is possible. */
  static final String PROMETHEUS_2_ACCEPT =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
          + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  static final String PROTOBUF_ACCEPT =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

  private static final Duration READY = Duration.ofSeconds(60);

  private final Gateway gateway;
  private final String authorization;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestGateway(Gateway gateway, String authorization) {
    this.gateway = gateway;
    this.authorization = authorization;
  }

  static TestGateway startReady(String... flags) {
    return startReadyWith(null, flags);
  }

  /**
   * @param authorization the {@code Authorization} header every request carries, or null
   */
  static TestGateway startReadyWith(String authorization, String... flags) {
    Gateway gateway = Gateway.start(GatewayConfig.parse(flags));
    return awaitOk(new TestGateway(gateway, authorization), "/-/ready");
  }

  /** Ready, with the data directory's free space read from {@code spaceSource}. */
  static TestGateway startReadyOn(
      Function<Path, DataDirWatcher.SpaceSource> spaceSource, String... flags) {
    Gateway gateway = Gateway.start(GatewayConfig.parse(flags), spaceSource);
    return awaitOk(new TestGateway(gateway, null), "/-/ready");
  }

  /** Started and scraped, not waited for to be ready: for a node that is not, by design. */
  static TestGateway startServing(String... flags) {
    return awaitOk(new TestGateway(Gateway.start(GatewayConfig.parse(flags)), null), "/metrics");
  }

  /** {@code gw} once {@code path} answers 200; closed if it does not in time. */
  private static TestGateway awaitOk(TestGateway gw, String path) {
    try {
      Await.until(
          READY, path + " answers 200", () -> gw.send("GET", path, null).statusCode() == 200);
    } catch (RuntimeException | Error e) {
      gw.close();
      throw e;
    }
    return gw;
  }

  /** {@link #flags}, started and ready. */
  static TestGateway startOn(KafkaBrokerExtension kafka, String name, Path data, String... more) {
    return startReady(flags(kafka, name, data, more));
  }

  /**
   * The flags of a gateway on a free loopback port with its data in {@code data}, on {@code kafka}
   * under topics and an application id of its own, made from {@code name}; {@code more} after
   * those.
   */
  static String[] flags(KafkaBrokerExtension kafka, String name, Path data, String... more) {
    String unique = kafka.uniqueName(name);
    String[] base = {
      "--web.listen-address=127.0.0.1:0",
      "--data.dir=" + data,
      "--kafka.bootstrap-servers=" + kafka.bootstrapServers(),
      "--kafka.topic-prefix=" + unique,
      "--kafka.application-id=" + unique
    };
    String[] flags = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, flags, base.length, more.length);
    return flags;
  }

  String url(String path) {
    return "http://127.0.0.1:" + gateway.port() + path;
  }

  HttpResponse<String> send(String method, String path, String body) {
    return send(method, path, body, new String[0]);
  }

  /**
   * @param headers names and values, in turn
   */
  HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .method(method, publisher)
            .timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** PUTs {@code body} to {@code /metrics/<groupPath>} and fails unless it is answered 200. */
  void push(String groupPath, String body) {
    HttpResponse<String> r = send("PUT", "/metrics/" + groupPath, body);
    if (r.statusCode() != 200) {
      throw new AssertionError(
          "push to " + groupPath + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  String scrape() {
    HttpResponse<String> r = send("GET", "/metrics", null);
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  @Override
  public void close() {
    gateway.close();
  }
}
