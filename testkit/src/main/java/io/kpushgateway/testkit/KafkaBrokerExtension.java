package io.kpushgateway.testkit;

import io.kpushgateway.broker.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real single-node Kafka broker per test class, in a fresh temporary directory that is deleted
 * afterwards. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();
 * }</pre>
 *
 * Tests sharing the broker keep apart through {@link #uniqueName(String)} for topic prefixes and
 * application ids. {@link #stop()} and {@link #restart()} take the broker down and bring it back on
 * the same port and data, so clients created earlier reconnect to it.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

  private final String runId =
      Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  private final AtomicInteger names = new AtomicInteger();

  private Path dataDir;
  private EmbeddedKafka broker;
  private int port;

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("kpushgateway-kafka-");
    broker = EmbeddedKafka.start(dataDir);
    String bootstrap = broker.bootstrapServers();
    port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    stop();
    if (dataDir != null) {
      deleteRecursively(dataDir);
      dataDir = null;
    }
  }

  /** {@code 127.0.0.1:<port>}; stays the same across {@link #restart()}. */
  public synchronized String bootstrapServers() {
    if (dataDir == null) {
      throw new IllegalStateException(
          "the broker is not set up: register the extension as a static field");
    }
    return "127.0.0.1:" + port;
  }

  /** {@code prefix-<run>-<n>}: a topic prefix or application id no other test uses. */
  public String uniqueName(String prefix) {
    return prefix + "-" + runId + "-" + names.incrementAndGet();
  }

  /**
   * The sum of the log-end offsets of every partition of {@code topic}: how many records were ever
   * written to it (while none were deleted).
   *
   * @throws IllegalStateException when the topic does not exist or the broker does not answer
   */
  public long endOffsets(String topic) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      long total = 0;
      for (ListOffsetsResultInfo offset : admin.listOffsets(latest).all().get().values()) {
        total += offset.offset();
      }
      return total;
    } catch (ExecutionException e) {
      throw new IllegalStateException("end offsets of " + topic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The broker's data directory, null before setup and after teardown. */
  synchronized Path dataDir() {
    return dataDir;
  }

  public synchronized boolean isRunning() {
    return broker != null;
  }

  /** Stops the broker (for tests of an unreachable broker); data and port are kept. */
  public synchronized void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /** Stops the broker if it runs, then starts it again on the same port and data directory. */
  public synchronized void restart() {
    if (dataDir == null) {
      throw new IllegalStateException(
          "the broker is not set up: register the extension as a static field");
    }
    stop();
    broker = EmbeddedKafka.start(dataDir, port);
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(KafkaBrokerExtension::delete);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
