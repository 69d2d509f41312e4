package io.kpushgateway.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The cluster of the repository's {@code docker-compose.yml}, as {@link ComposeFileTest} checks it
 * and {@link ComposeIT} runs it: which services are which nodes, and how their host ports are
 * moved.
 */
final class ComposeCluster {

  /** Tests run in the module directory; the compose file and Dockerfile sit at the root. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
  static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

  static final String KAFKA = "kafka";
  static final List<String> INGEST_NODES = List.of("ingest1", "ingest2");
  static final List<String> STORE_NODES = List.of("store1", "store2");

  /** The port every gateway container listens on (the image's default). */
  static final int CONTAINER_PORT = 9091;

  private ComposeCluster() {}

  /** The variable that moves a node's host port: {@code STORE1_PORT} for {@code store1}. */
  static String hostPortVariable(String node) {
    return node.toUpperCase(java.util.Locale.ROOT) + "_PORT";
  }

  /**
   * The compose file as YAML maps and lists, with anchors and merge keys ({@code <<: *x}) expanded
   * as Compose expands them.
   */
  static Map<String, Object> load() {
    try (Reader in = Files.newBufferedReader(COMPOSE_FILE)) {
      return new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
