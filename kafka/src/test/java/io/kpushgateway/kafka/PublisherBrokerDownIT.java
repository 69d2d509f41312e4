package io.kpushgateway.kafka;

import static io.kpushgateway.kafka.TestPushes.key;
import static io.kpushgateway.kafka.TestPushes.push;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.kafka.PublishFailedException.Reason;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The publisher while the broker goes away and comes back. */
class PublisherBrokerDownIT {

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  private static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(2);

  /** Delivery timeouts are checked by the producer's I/O loop, not to the millisecond. */
  private static final Duration MARGIN = Duration.ofSeconds(2);

  @TempDir Path stateDir;

  private KafkaOptions options;
  private KafkaSettings settings;
  private Topics topics;

  @BeforeEach
  void createTopic() {
    options =
        TestKafkaOptions.of(kafka.bootstrapServers(), stateDir)
            .topicPrefix(kafka.uniqueName("down"))
            .produceTimeout(PRODUCE_TIMEOUT)
            .build();
    settings = new KafkaSettings(options);
    topics = Topics.from(options);
    TopicAdmin.ensureTopics(settings, topics, options);
  }

  @AfterEach
  void bringTheBrokerBack() {
    if (!kafka.isRunning()) {
      kafka.restart();
    }
  }

  @Test
  void with_the_broker_gone_a_push_fails_within_the_produce_timeout_and_readiness_drops()
      throws Exception {
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      publisher.publish(key("a"), push("a", 1)).get(15, TimeUnit.SECONDS);
      assertThat(publisher.isReady()).isTrue();

      kafka.stop();
      long start = System.nanoTime();
      CompletableFuture<Void> ack = publisher.publish(key("b"), push("b", 1));
      assertThat(elapsed(start))
          .isLessThan(Duration.ofMillis(500)); // not held for the produce timeout

      PublishFailedException failure = failure(ack, PRODUCE_TIMEOUT.plus(MARGIN));
      assertThat(elapsed(start)).isLessThan(PRODUCE_TIMEOUT.plus(MARGIN));
      assertThat(failure.reason()).isEqualTo(Reason.UNAVAILABLE);
      // "push not acknowledged within 2000 ms", or "no metadata for topic ..." once the producer
      // has dropped the metadata of its only, unreachable broker (Kafka 4 rebootstraps).
      assertThat(failure).hasMessageStartingWith("Kafka broker unavailable: ");
      Await.until(PRODUCE_TIMEOUT.plus(MARGIN), "publisher not ready", () -> !publisher.isReady());
      assertThat(publisher.inFlight()).isZero();

      kafka.restart();
      Await.until(Duration.ofSeconds(20), "publisher ready again", publisher::isReady);
      publisher.publish(key("c"), push("c", 1)).get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_publisher_started_while_the_broker_is_down_fails_pushes_in_time_then_recovers()
      throws Exception {
    kafka.stop();
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics)) {
      assertThat(publisher.isReady()).isFalse();
      long start = System.nanoTime();
      CompletableFuture<Void> ack = publisher.publish(key("a"), push("a", 1));
      assertThat(elapsed(start)).isLessThan(Duration.ofMillis(500));

      PublishFailedException failure = failure(ack, PRODUCE_TIMEOUT.plus(MARGIN));
      assertThat(failure.reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(failure).hasMessageContaining("no metadata for topic " + topics.pushes());
      assertThat(elapsed(start)).isLessThan(PRODUCE_TIMEOUT.plus(MARGIN));

      kafka.restart();
      Await.until(Duration.ofSeconds(20), "publisher ready", publisher::isReady);
      publisher.publish(key("b"), push("b", 1)).get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void beyond_the_in_flight_limit_a_push_fails_at_once() throws Exception {
    KafkaOptions limited = TestKafkaOptions.from(options).maxInFlightPushes(2).build();
    try (KafkaPushPublisher publisher =
        new KafkaPushPublisher(new KafkaSettings(limited), topics)) {
      publisher.publish(key("warm"), push("warm", 1)).get(15, TimeUnit.SECONDS);
      kafka.stop(); // nothing gets acknowledged now

      CompletableFuture<Void> first = publisher.publish(key("1"), push("1", 1));
      CompletableFuture<Void> second = publisher.publish(key("2"), push("2", 1));
      CompletableFuture<Void> third = publisher.publish(key("3"), push("3", 1));
      assertThat(publisher.inFlight()).isEqualTo(2);
      PublishFailedException overloaded = failure(third, Duration.ZERO);
      assertThat(overloaded.reason()).isEqualTo(Reason.OVERLOADED);
      assertThat(overloaded).hasMessage("too many pushes in flight (limit 2), try again later");

      // The held pushes time out and give their places back.
      assertThat(failure(first, PRODUCE_TIMEOUT.plus(MARGIN)).reason())
          .isEqualTo(Reason.UNAVAILABLE);
      assertThat(failure(second, PRODUCE_TIMEOUT.plus(MARGIN)).reason())
          .isEqualTo(Reason.UNAVAILABLE);
      assertThat(publisher.inFlight()).isZero();

      kafka.restart();
      Await.until(Duration.ofSeconds(20), "publisher ready", publisher::isReady);
      publisher.publish(key("4"), push("4", 1)).get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void closing_fails_the_pushes_still_waiting() {
    KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics);
    kafka.stop();
    CompletableFuture<Void> ack = publisher.publish(key("a"), push("a", 1));
    publisher.close();
    assertThat(failure(ack, MARGIN).reason()).isIn(Reason.CLOSED, Reason.UNAVAILABLE);
    assertThat(publisher.inFlight()).isZero();
  }

  private static PublishFailedException failure(CompletableFuture<Void> ack, Duration within) {
    try {
      ack.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(PublishFailedException.class);
      return (PublishFailedException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("push neither failed nor succeeded within " + within, e);
    }
    throw new AssertionError("push succeeded but should have failed");
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
