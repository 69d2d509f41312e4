package io.kpushgateway.kafka;

import static io.kpushgateway.kafka.TestPushes.key;
import static io.kpushgateway.kafka.TestPushes.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.kafka.PublishFailedException.Reason;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The batch publisher's transactions on a real broker, read back read-committed. */
class KafkaBatchPublisherIT {

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final Duration COMMIT_WAIT = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private KafkaSettings settings;
  private Topics topics;

  @BeforeEach
  void createTopic() {
    KafkaOptions options =
        TestKafkaOptions.of(kafka.bootstrapServers(), stateDir)
            .topicPrefix(kafka.uniqueName("batch"))
            .build();
    settings = new KafkaSettings(options);
    topics = Topics.from(options);
    TopicAdmin.ensureTopics(settings, topics, options);
  }

  @Test
  void a_committed_batch_is_in_the_log_whole() throws Exception {
    List<BatchPublisher.Push> batch =
        List.of(
            new BatchPublisher.Push(key("a"), push("a", 1)),
            new BatchPublisher.Push(key("b"), push("b", 2)),
            new BatchPublisher.Push(key("c"), push("c", 3)));
    try (KafkaBatchPublisher publisher = new KafkaBatchPublisher(settings, topics, "node-1:1")) {
      publisher.publishAll(batch).get(COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    assertThat(Pushes.read(settings, topics, 3))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder(
            batch.get(0).record(), batch.get(1).record(), batch.get(2).record());
  }

  @Test
  void a_batch_with_a_record_kafka_refuses_is_aborted_whole_and_the_next_commits()
      throws Exception {
    byte[] key = key("same"); // one partition: the log's order is the publish order
    PushRecord aborted = push("same", 1);
    PushRecord tooLarge = push("same", 5000);
    assertThat(tooLarge.getSerializedSize()).isGreaterThan(TestKafkaOptions.MAX_RECORD_BYTES);
    PushRecord next = push("same", 2);
    try (KafkaBatchPublisher publisher = new KafkaBatchPublisher(settings, topics, "node-1:1")) {
      assertThatThrownBy(
              () ->
                  publisher
                      .publishAll(
                          List.of(
                              new BatchPublisher.Push(key, aborted),
                              new BatchPublisher.Push(key, tooLarge)))
                      .get(COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(PublishFailedException.class)
          .satisfies(
              e -> assertThat(((PublishFailedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
      publisher
          .publishAll(List.of(new BatchPublisher.Push(key, next)))
          .get(COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    // the first committed record of the partition is the next batch's: the aborted one is skipped
    assertThat(Pushes.read(settings, topics, 1))
        .extracting(ConsumerRecord::value)
        .containsExactly(next);
  }
}
