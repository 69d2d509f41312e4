package io.kpushgateway.kafka;

import static io.kpushgateway.kafka.TestPushes.RECEIVED_AT_NANOS;
import static io.kpushgateway.kafka.TestPushes.key;
import static io.kpushgateway.kafka.TestPushes.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.kafka.PublishFailedException.Reason;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a broker that stays up. Broker failures: {@link PublisherBrokerDownIT}. */
class KafkaPushPublisherIT {

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final Duration ACK_WAIT = Duration.ofSeconds(15);

  @TempDir Path stateDir;

  private KafkaOptions options;
  private KafkaSettings settings;
  private Topics topics;

  @BeforeEach
  void createTopic() {
    options =
        TestKafkaOptions.of(kafka.bootstrapServers(), stateDir)
            .topicPrefix(kafka.uniqueName("pub"))
            .build();
    settings = new KafkaSettings(options);
    topics = Topics.from(options);
    TopicAdmin.ensureTopics(settings, topics, options);
  }

  @Test
  void an_acknowledged_push_is_in_the_log_with_its_key_and_receive_time() throws Exception {
    byte[] key = key("backup", "instance", "db-1");
    PushRecord record = push("backup", 3);
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      publisher.publish(key, record).get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(publisher.inFlight()).isZero();
    }

    List<ConsumerRecord<byte[], PushRecord>> log = Pushes.read(settings, topics, 1);
    assertThat(log).hasSize(1);
    ConsumerRecord<byte[], PushRecord> stored = log.get(0);
    assertThat(stored.key()).isEqualTo(key);
    assertThat(stored.value()).isEqualTo(record);
    // stamped by the broker when it appended the push (the receive time is in the record)
    assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(stored.timestamp()).isGreaterThanOrEqualTo(RECEIVED_AT_NANOS / 1_000_000);
  }

  @Test
  void pushes_of_one_group_share_a_partition_and_keep_their_order() throws Exception {
    byte[] key = key("etl", "instance", "a");
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      for (int i = 0; i < 50; i++) {
        acks.add(
            publisher.publish(
                key,
                push("etl", 1).toBuilder().setReceivedAtUnixNanos(RECEIVED_AT_NANOS + i).build()));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<ConsumerRecord<byte[], PushRecord>> log = Pushes.read(settings, topics, 50);
    assertThat(log).hasSize(50);
    assertThat(log).extracting(ConsumerRecord::partition).containsOnly(log.get(0).partition());
    assertThat(log)
        .extracting(r -> r.value().getReceivedAtUnixNanos() - RECEIVED_AT_NANOS)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void a_publish_right_after_construction_waits_for_metadata_off_the_callers_thread()
      throws Exception {
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      long start = System.nanoTime();
      CompletableFuture<Void> ack = publisher.publish(key("early"), push("early", 1));
      long publishMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      ack.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(publishMillis).isLessThan(500); // not held for the produce timeout
    }
    assertThat(Pushes.read(settings, topics, 1)).hasSize(1);
  }

  @Test
  void becomes_ready_once_it_has_the_topics_metadata() {
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      Await.until(ACK_WAIT, "publisher ready", publisher::isReady);
    }
  }

  @Test
  void a_missing_topic_fails_the_push_within_the_produce_timeout_and_is_not_ready() {
    KafkaOptions fast =
        TestKafkaOptions.from(options)
            .topicPrefix(kafka.uniqueName("absent"))
            .produceTimeout(Duration.ofSeconds(1))
            .build();
    try (KafkaPushPublisher publisher =
        new KafkaPushPublisher(new KafkaSettings(fast), Topics.from(fast))) {
      CompletableFuture<Void> ack = publisher.publish(key("lost"), push("lost", 1));
      assertThat(ack)
          .failsWithin(Duration.ofSeconds(3))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(PublishFailedException.class)
          .withMessageStartingWith(
              "Kafka broker unavailable: no metadata for topic " + Topics.from(fast).pushes());
      assertThat(publisher.isReady()).isFalse();
      assertThat(publisher.inFlight()).isZero();
    }
  }

  @Test
  void a_push_larger_than_kafka_accepts_fails_as_too_large() {
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      Await.until(ACK_WAIT, "publisher ready", publisher::isReady);
      PushRecord huge = push("huge", 20_000); // ~5 MB, over the 1 MiB max.request.size
      assertThat(publisher.publish(key("huge"), huge))
          .failsWithin(ACK_WAIT)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              PublishFailedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }
  }

  @Test
  void a_closed_publisher_refuses_pushes() {
    KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics);
    publisher.close();
    publisher.close();
    assertThat(publisher.isReady()).isFalse();
    assertThat(publisher.publish(key("late"), push("late", 1)))
        .isCompletedExceptionally()
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            PublishFailedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
  }

  @Test
  void a_push_without_receive_time_is_a_programming_error() {
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      assertThatThrownBy(() -> publisher.publish(key("x"), PushRecord.getDefaultInstance()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
