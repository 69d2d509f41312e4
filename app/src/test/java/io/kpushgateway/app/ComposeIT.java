package io.kpushgateway.app;

import static io.kpushgateway.app.ComposeCluster.INGEST_NODES;
import static io.kpushgateway.app.ComposeCluster.STORE_NODES;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The repository's {@code docker-compose.yml} for real: the image built from the Dockerfile, one
 * Kafka broker, two ingest and two store nodes. Groups pushed through both ingest nodes are read
 * back, every one of them, through both store nodes, so each store node serves partitions it does
 * not own by asking its peer.
 *
 * <p>Needs a Docker engine and Compose v2 ({@code docker compose}); without them the class is
 * skipped, saying which is missing, after two quick CLI calls. The first run builds the image (a
 * full Maven build inside Docker, minutes); later runs reuse Docker's build cache.
 */
@ExtendWith(ComposeIT.NeedsDockerCompose.class)
class ComposeIT {

  /** Building the image is part of {@code up}; this bounds what comes after it. */
  private static final Duration HEALTHY = Duration.ofMinutes(3);

  private static final Duration VISIBLE = Duration.ofSeconds(60);
  private static final int GROUPS = 8;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Host port of each gateway node: free ports, so a gateway already on 9091 is no obstacle. */
  private static final Map<String, Integer> HOST_PORTS = new LinkedHashMap<>();

  private static ComposeContainer cluster;

  @BeforeAll
  static void up() {
    // Without an image name the local CLI's `docker compose` runs (not one in a container), so
    // it builds the image from the repository as a user would.
    ComposeContainer compose =
        new ComposeContainer(ComposeCluster.COMPOSE_FILE.toFile())
            .withBuild(true)
            // our image is built, not pulled; compose pulls apache/kafka when missing
            .withPull(false);
    Stream.concat(INGEST_NODES.stream(), STORE_NODES.stream())
        .forEach(
            node -> {
              int port = FreePorts.next();
              HOST_PORTS.put(node, port);
              compose
                  .withEnv(ComposeCluster.hostPortVariable(node), String.valueOf(port))
                  .waitingFor(node, Wait.forHealthcheck().withStartupTimeout(HEALTHY));
            });
    cluster = compose;
    cluster.start(); // `docker compose up`, then the nodes' health checks (/-/ready)
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.stop(); // `docker compose down -v`: containers, network and volumes
    }
  }

  @Test
  void groupsPushedThroughEitherIngestNodeAreServedByEitherStoreNode() {
    for (int i = 0; i < GROUPS; i++) {
      String ingest = INGEST_NODES.get(i % INGEST_NODES.size());
      HttpResponse<String> pushed =
          send(
              ingest,
              "PUT",
              "/metrics/job/compose/instance/" + i,
              "# TYPE compose_pushed gauge\ncompose_pushed " + i + "\n");
      assertThat(pushed.statusCode())
          .as("push %d through %s: %s", i, ingest, pushed.body())
          .isEqualTo(200);
    }
    for (String store : STORE_NODES) {
      Await.untilAsserted(
          VISIBLE,
          () -> {
            HttpResponse<String> page = send(store, "GET", "/metrics", null);
            assertThat(page.statusCode()).as("%s /metrics: %s", store, page.body()).isEqualTo(200);
            for (int i = 0; i < GROUPS; i++) {
              assertThat(page.body())
                  .as("%s serves group %d", store, i)
                  .contains("compose_pushed{instance=\"" + i + "\",job=\"compose\"} " + i);
            }
          });
    }
  }

  private static HttpResponse<String> send(String node, String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HOST_PORTS.get(node) + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Disables the class, saying what is missing, where the cluster cannot run. */
  static final class NeedsDockerCompose implements ExecutionCondition {

    /** Checked once per run: the class and its test ask alike. */
    private static final String MISSING = missingDocker();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (MISSING == null) {
        return ConditionEvaluationResult.enabled("Docker with Compose v2 answers");
      }
      String reason = "needs Docker with Compose v2: " + MISSING;
      if (context.getTestMethod().isEmpty()) {
        // Failsafe's console names skipped classes but not why; the report has the reason too.
        System.out.println(context.getDisplayName() + " skipped: " + reason);
      }
      return ConditionEvaluationResult.disabled(reason);
    }
  }

  /**
   * What keeps the cluster from running here, or null. Asks the docker CLI first: it answers in
   * milliseconds and quietly, where Testcontainers' own search for an engine logs every strategy it
   * tried.
   */
  private static String missingDocker() {
    if (!succeeds("docker", "version", "--format", "{{.Server.Version}}")) {
      return "no Docker engine answers `docker version`";
    }
    if (!succeeds("docker", "compose", "version")) {
      return "`docker compose` (the Compose v2 plugin) is not installed";
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return "Testcontainers finds no Docker environment";
    }
    return null;
  }

  private static boolean succeeds(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false; // no docker CLI at all
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
