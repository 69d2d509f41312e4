package io.kpushgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Plain Kafka clients on purpose: this module sits below kafka/ and testkit/.
class EmbeddedKafkaIT {

  private static final String TOPIC = "restart-test";

  @TempDir Path dataDir;

  @Test
  void keepsTopicsAndRecordsAcrossARestartOnTheSameDirectory() throws Exception {
    Set<Thread> threadsBefore = liveNonDaemonThreads();
    String clusterId;
    RecordMetadata written;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
      clusterId = kafka.clusterId();
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      }
      written = produce(kafka.bootstrapServers(), "group-a", "first");
      assertThat(consumeAll(kafka.bootstrapServers(), written)).containsExactly("group-a=first");
    }
    assertThat(liveNonDaemonThreads()).isSubsetOf(threadsBefore);

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      assertThat(kafka.clusterId()).isEqualTo(clusterId);
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).contains(TOPIC);
      }
      assertThat(consumeAll(kafka.bootstrapServers(), written)).containsExactly("group-a=first");
    }
    assertThat(liveNonDaemonThreads()).isSubsetOf(threadsBefore);
  }

  @Test
  void startsOnAGivenPortWithoutAutoCreatingTopicsAndClosesIdempotently() throws Exception {
    int port = freePort();
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port);
    assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            500);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("typo", "k", "v")).get())
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).doesNotContain("typo");
    }
    kafka.close();
    kafka.close();
  }

  @Test
  void aHaltFromKafkaFailsTheBrokerInsteadOfTheJvmAndARestartServesTheSameLog() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }
      RecordMetadata before = produce(kafka.bootstrapServers(), "group-a", "before");
      assertThat(kafka.failure()).isNull();
      assertThat(kafka.restartIfFailed()).as("nothing to restart").isTrue();

      // what LogManager does once its last log directory has failed
      assertThatThrownBy(() -> Exit.halt(1))
          .isInstanceOf(EmbeddedKafka.BrokerHaltedException.class);

      assertThat(kafka.failure())
          .startsWith("Kafka stopped the embedded broker")
          .contains("halt(1)");
      assertThat(kafka.restartIfFailed()).isTrue();
      assertThat(kafka.failure()).isNull();
      RecordMetadata after = produce(kafka.bootstrapServers(), "group-a", "after");
      assertThat(consumeAll(kafka.bootstrapServers(), after))
          .containsExactly("group-a=before", "group-a=after");
      assertThat(after.offset()).isEqualTo(before.offset() + 1);
    }
  }

  @Test
  void rejectsAPortOutOfRange() {
    assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, 70_000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forcesEachAppendToDiskWhenToldTo() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0, EmbeddedKafka.Flush.EVERY_APPEND)) {
      assertThat(brokerConfig(kafka, "log.flush.interval.messages")).isEqualTo("1");
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }
      long before = logFlushes();
      Map<String, Object> config =
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 20; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "k", "v" + i)).get(); // one append each
        }
      }
      assertThat(logFlushes() - before).as("log flushes").isGreaterThanOrEqualTo(20);
    }
  }

  @Test
  void forcesTheLogToDiskAtAnIntervalWhenToldTo() throws Exception {
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dataDir, 0, EmbeddedKafka.Flush.every(Duration.ofMillis(250)))) {
      assertThat(brokerConfig(kafka, "log.flush.interval.ms")).isEqualTo("250");
      assertThat(brokerConfig(kafka, "log.flush.scheduler.interval.ms")).isEqualTo("250");
      assertThat(brokerConfig(kafka, "log.flush.interval.messages"))
          .isEqualTo(Long.toString(Long.MAX_VALUE));
    }
  }

  private static String brokerConfig(EmbeddedKafka kafka, String name) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
      return admin.describeConfigs(List.of(broker)).all().get().get(broker).get(name).value();
    }
  }

  /** How many times the broker (any broker of this JVM) forced a log to disk. */
  private static long logFlushes() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return (Long)
        server.getAttribute(
            new ObjectName("kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs"), "Count");
  }

  private static RecordMetadata produce(String bootstrap, String key, String value)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            10_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      return producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
    }
  }

  /** Reads the written record's partition from the start up to and including its offset. */
  private static List<String> consumeAll(String bootstrap, RecordMetadata upTo) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<String> seen = new ArrayList<>();
    TopicPartition partition = new TopicPartition(upTo.topic(), upTo.partition());
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(partition) <= upTo.offset() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + r.value());
        }
      }
    }
    return seen;
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
