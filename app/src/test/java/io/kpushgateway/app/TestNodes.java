package io.kpushgateway.app;

import io.kpushgateway.testkit.FreePorts;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Nodes of one gateway (one topic prefix and application id, six partitions) on a real broker, in
 * this JVM, each on a free port with its own state dir; all closed with it.
 */
final class TestNodes implements AutoCloseable {
  private final KafkaBrokerExtension kafka;
  private final String name;
  private final Path data;
  private final List<TestGateway> started = new ArrayList<>();

  TestNodes(KafkaBrokerExtension kafka, String name, Path data) {
    this.kafka = kafka;
    this.name = name;
    this.data = data;
  }

  TestGateway start(String id, String... extra) {
    return startWith(null, id, extra);
  }

  /**
   * @param authorization the {@code Authorization} header the test's requests carry, or null
   */
  TestGateway startWith(String authorization, String id, String... extra) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--web.listen-address=127.0.0.1:" + FreePorts.next(),
                "--kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--kafka.topic-prefix=" + name,
                "--kafka.application-id=" + name,
                "--kafka.partitions=6",
                "--data.dir=" + data.resolve(id),
                "--log.level=warn"));
    flags.addAll(List.of(extra));
    TestGateway node = TestGateway.startReadyWith(authorization, flags.toArray(String[]::new));
    started.add(node);
    return node;
  }

  void stop(TestGateway node) {
    started.remove(node);
    node.close();
  }

  @Override
  public void close() {
    started.forEach(TestGateway::close);
  }
}
