package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  private static final KafkaOptions OPTIONS =
      TestKafkaOptions.of("127.0.0.1:1", Path.of("/var/lib/kpg"))
          .applicationServer("node-1:9091")
          .build();
  private static final KafkaSettings SETTINGS = new KafkaSettings(OPTIONS);

  @Test
  void the_producer_acknowledges_durably_and_times_out_within_the_produce_timeout() {
    Properties p = SETTINGS.producer();
    assertThat(p)
        .containsEntry("bootstrap.servers", "127.0.0.1:1")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("max.in.flight.requests.per.connection", 5)
        .containsEntry("linger.ms", 0)
        .containsEntry("delivery.timeout.ms", 10_000)
        .containsEntry("request.timeout.ms", 5_000)
        .containsEntry("max.block.ms", 0)
        .containsEntry("metadata.max.age.ms", 5_000)
        .containsEntry("compression.type", "lz4");
  }

  @Test
  void a_batch_producer_is_transactional_with_a_timeout_just_above_the_produce_timeout() {
    Properties p = SETTINGS.batchProducer("t.pushes.batch.node-1:9091.0");
    assertThat(p)
        .containsEntry("transactional.id", "t.pushes.batch.node-1:9091.0")
        .containsEntry("transaction.timeout.ms", 11_000)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("max.block.ms", 10_000);
    assertThat(SETTINGS.producer()).doesNotContainKey("transactional.id");
  }

  @Test
  void every_reader_of_the_push_log_reads_committed_batches_only() {
    assertThat(SETTINGS.streams()).containsEntry("consumer.isolation.level", "read_committed");
    assertThat(SETTINGS.consumer()).containsEntry("isolation.level", "read_committed");
    assertThat(SETTINGS.historyConsumer()).containsEntry("isolation.level", "read_committed");
  }

  @Test
  void every_rocksdb_store_shares_the_memory_its_owner_opens() {
    assertThat(SETTINGS.streams())
        .containsEntry("rocksdb.config.setter", RocksDBMemory.ConfigSetter.class);
  }

  @Test
  void timeouts_follow_the_produce_timeout() {
    KafkaOptions fast = TestKafkaOptions.from(OPTIONS).produceTimeout(Duration.ofMillis(3)).build();
    Properties p = new KafkaSettings(fast).producer();
    assertThat(p).containsEntry("delivery.timeout.ms", 3).containsEntry("request.timeout.ms", 1);
  }

  @Test
  void streams_run_one_thread_without_cache_and_name_this_node() {
    Properties p = SETTINGS.streams();
    assertThat(p)
        .containsEntry("application.id", "kpushgateway")
        .containsEntry("bootstrap.servers", "127.0.0.1:1")
        .containsEntry("state.dir", Path.of("/var/lib/kpg").toAbsolutePath().toString())
        .containsEntry("commit.interval.ms", 100L)
        .containsEntry("statestore.cache.max.bytes", 0L)
        .containsEntry("processing.guarantee", "at_least_once")
        .containsEntry("num.stream.threads", 1)
        .containsEntry("replication.factor", 1)
        .containsEntry("application.server", "node-1:9091")
        .containsEntry("main.consumer.fetch.max.wait.ms", 100)
        .doesNotContainKeys("default.key.serde", "default.value.serde");
    KafkaOptions readsNothing = TestKafkaOptions.from(OPTIONS).applicationServer(null).build();
    assertThat(new KafkaSettings(readsNothing).streams()).doesNotContainKey("application.server");
  }

  @Test
  void every_client_accepts_its_properties() {
    // Kafka checks cross-setting rules (e.g. delivery >= linger + request timeout) only when a
    // client is built; none of these needs a reachable broker.
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                SETTINGS.producer(),
                ProtoSerdes.groupingKey().serializer(),
                ProtoSerdes.groupingKey().serializer());
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                SETTINGS.consumer(),
                ProtoSerdes.groupingKey().deserializer(),
                ProtoSerdes.groupingKey().deserializer());
        Admin admin = Admin.create(SETTINGS.admin())) {
      assertThat(producer.metrics()).isNotEmpty();
      assertThat(consumer.metrics()).isNotEmpty();
      assertThat(admin.metrics()).isNotEmpty();
    }
    assertThat(
            new StreamsConfig(SETTINGS.streams()).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(100L);
  }

  @Test
  void each_call_returns_a_fresh_copy() {
    SETTINGS.producer().put("acks", "0");
    assertThat(SETTINGS.producer()).containsEntry("acks", "all");
  }
}
