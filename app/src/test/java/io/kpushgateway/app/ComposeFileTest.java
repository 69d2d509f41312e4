package io.kpushgateway.app;

import static io.kpushgateway.app.ComposeCluster.CONTAINER_PORT;
import static io.kpushgateway.app.ComposeCluster.INGEST_NODES;
import static io.kpushgateway.app.ComposeCluster.KAFKA;
import static io.kpushgateway.app.ComposeCluster.STORE_NODES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cluster of {@code docker-compose.yml} and the image of {@code Dockerfile}, read without
 * Docker: every node's command line as the container would get it is parsed by {@link
 * GatewayConfig}, so a renamed or mistyped flag fails here, on every machine, and not only where
 * {@link ComposeIT} can start the cluster.
 */
class ComposeFileTest {

  private static final Map<String, Object> COMPOSE = ComposeCluster.load();

  static Stream<String> gatewayNodes() {
    return Stream.concat(INGEST_NODES.stream(), STORE_NODES.stream());
  }

  @Test
  void theServicesAreOneBrokerAndTheGatewayNodes() {
    assertThat(services().keySet())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(Stream.of(KAFKA), gatewayNodes()).toList());
  }

  @Test
  void kafkaIsOneKraftNodeOnTheClientsVersionWithItsLogOnAVolume() {
    Map<String, Object> kafka = service(KAFKA);
    // the broker the gateway's Kafka clients are built and tested against
    assertThat(kafka.get("image")).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
    Map<String, Object> env = map(kafka.get("environment"));
    assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(String.valueOf(env.get("CLUSTER_ID"))).matches("[A-Za-z0-9_-]{22}");
    assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://kafka:9092");
    assertThat(namedVolumeAt(kafka, String.valueOf(env.get("KAFKA_LOG_DIRS")))).isNotNull();
    assertThat(list(map(kafka.get("healthcheck")).get("test"))).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("gatewayNodes")
  void everyNodeRunsTheImageOfTheDockerfileAndStartsOnceKafkaIsHealthy(String node) {
    Map<String, Object> service = service(node);
    assertThat(ComposeCluster.ROOT.resolve(String.valueOf(service.get("build"))).normalize())
        .isEqualTo(ComposeCluster.DOCKERFILE.getParent());
    assertThat(service.get("image")).isEqualTo(service(INGEST_NODES.get(0)).get("image"));
    assertThat(map(map(service.get("depends_on")).get(KAFKA)))
        .containsEntry("condition", "service_healthy");
  }

  @ParameterizedTest
  @MethodSource("gatewayNodes")
  void everyNodesCommandLineIsValidForItsRole(String node) {
    List<String> args = new ArrayList<>(entrypointFlags());
    args.addAll(stringList(service(node).get("command")));
    GatewayConfig config = GatewayConfig.parse(args.toArray(String[]::new));

    assertThat(config).as("%s: %s", node, args).isNotNull();
    boolean store = STORE_NODES.contains(node);
    assertThat(config.runs(GatewayConfig.Role.store)).as("store role").isEqualTo(store);
    assertThat(config.runs(GatewayConfig.Role.ingest)).as("ingest role").isEqualTo(!store);
    assertThat(config.kafka().embeddedBroker()).isFalse();
    assertThat("PLAINTEXT://" + config.kafka().bootstrapServers())
        .isEqualTo(map(service(KAFKA).get("environment")).get("KAFKA_ADVERTISED_LISTENERS"));
    // peers reach a node by its service name on the compose network
    assertThat(config.cluster().advertisedAddress()).isEqualTo(node + ":" + CONTAINER_PORT);
    assertThat(config.web().listenSocket().getPort()).isEqualTo(CONTAINER_PORT);
    assertThat(config.data().dir()).isEqualTo(Path.of("/data"));
    if (store) {
      assertThat(config.kafka().streams().standbyReplicas()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("gatewayNodes")
  void everyNodeIsHealthyOnceReadyAndTheImageHasWhatTheCheckRuns(String node) {
    List<String> test = stringList(map(service(node).get("healthcheck")).get("test"));
    assertThat(test)
        .containsExactly(
            "CMD",
            "curl",
            "-fsS",
            "-o",
            "/dev/null",
            "http://127.0.0.1:" + CONTAINER_PORT + "/-/ready");
    assertThat(dockerfile()).containsPattern("apt-get install [^\\n]*\\bcurl\\b");
  }

  @Test
  void storeNodesKeepTheirStateOnVolumesOfTheirOwn() {
    List<String> volumes =
        STORE_NODES.stream().map(n -> namedVolumeAt(service(n), "/data")).toList();
    assertThat(volumes).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(INGEST_NODES).allSatisfy(n -> assertThat(service(n)).doesNotContainKey("volumes"));
  }

  @Test
  void hostPortsAreDistinctAndEachCanBeMoved() {
    List<Integer> defaults = new ArrayList<>();
    gatewayNodes()
        .forEach(
            node -> {
              List<String> ports = stringList(service(node).get("ports"));
              assertThat(ports).hasSize(1);
              Matcher m = Pattern.compile("\\$\\{(\\w+):-(\\d+)}:(\\d+)").matcher(ports.get(0));
              assertThat(m.matches()).as("%s ports %s", node, ports).isTrue();
              assertThat(m.group(1)).isEqualTo(ComposeCluster.hostPortVariable(node));
              assertThat(Integer.parseInt(m.group(3))).isEqualTo(CONTAINER_PORT);
              defaults.add(Integer.parseInt(m.group(2)));
            });
    assertThat(defaults).containsExactly(9091, 9092, 9093, 9094);
  }

  @ParameterizedTest
  @MethodSource("gatewayNodes")
  void everyNodeHasAMemoryLimitThatTheImagesJvmSizesItselfBy(String node) {
    // the heap is a share of the limit: without one, of the host's memory, for every node
    assertThat(String.valueOf(service(node).get("mem_limit")))
        .matches(STORE_NODES.contains(node) ? "2g" : "1g");
    assertThat(dockerfile())
        .containsPattern("(?m)^ENV JDK_JAVA_OPTIONS=\"[^\"]*-XX:MaxRAMPercentage=50\\b")
        .containsPattern("(?m)^ENV MALLOC_ARENA_MAX=2$");
  }

  @Test
  void theImageRunsAsAnUnprivilegedUserAndExposesTheGatewayPort() {
    String dockerfile = dockerfile();
    assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + CONTAINER_PORT + "$");
    Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
    assertThat(user.find()).isTrue();
    assertThat(user.group(1)).isNotIn("root", "0");
  }

  /** What the image's ENTRYPOINT passes to the gateway before the container's command. */
  private static List<String> entrypointFlags() {
    Matcher m = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile());
    assertThat(m.find()).as("Dockerfile has an exec-form ENTRYPOINT").isTrue();
    List<String> entrypoint;
    try {
      entrypoint = List.of(new ObjectMapper().readValue(m.group(1), String[].class));
    } catch (IOException e) {
      throw new AssertionError("ENTRYPOINT is not a JSON array: " + m.group(1), e);
    }
    int jar = entrypoint.indexOf("-jar");
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(jar).isPositive();
    return entrypoint.subList(jar + 2, entrypoint.size());
  }

  /** The named volume mounted at {@code target}, checked to be declared; null if none. */
  private static String namedVolumeAt(Map<String, Object> service, String target) {
    for (String mount : stringList(service.getOrDefault("volumes", List.of()))) {
      String[] parts = mount.split(":");
      if (parts.length >= 2 && parts[1].equals(target)) {
        assertThat(map(COMPOSE.get("volumes"))).containsKey(parts[0]);
        return parts[0];
      }
    }
    return null;
  }

  private static String dockerfile() {
    try {
      return Files.readString(ComposeCluster.DOCKERFILE);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Object> services() {
    return map(COMPOSE.get("services"));
  }

  private static Map<String, Object> service(String name) {
    return map(services().get(name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object yaml) {
    assertThat(yaml).isInstanceOf(Map.class);
    return (Map<String, Object>) yaml;
  }

  private static List<?> list(Object yaml) {
    assertThat(yaml).isInstanceOf(List.class);
    return (List<?>) yaml;
  }

  private static List<String> stringList(Object yaml) {
    return list(yaml).stream().map(String::valueOf).toList();
  }
}
