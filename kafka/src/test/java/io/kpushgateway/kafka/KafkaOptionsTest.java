package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaOptionsTest {

  private static final KafkaOptions DEFAULTS =
      KafkaOptions.defaults("localhost:9092", Path.of("state"));

  @Test
  void defaults_are_the_documented_ones() {
    assertThat(DEFAULTS.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(DEFAULTS.topicPrefix()).isEqualTo("kpushgateway");
    assertThat(DEFAULTS.applicationId()).isEqualTo("kpushgateway");
    assertThat(DEFAULTS.partitions()).isEqualTo(4);
    assertThat(DEFAULTS.replicationFactor()).isEqualTo((short) 1);
    assertThat(DEFAULTS.stateDir()).isEqualTo(Path.of("state"));
    assertThat(DEFAULTS.commitInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(DEFAULTS.produceTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(DEFAULTS.applicationServer()).isNull();
    assertThat(DEFAULTS.nodeName()).isNotBlank();
    assertThat(DEFAULTS.pushRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(DEFAULTS.maxInFlightPushes()).isEqualTo(10_000);
  }

  @Test
  void withers_change_one_value() {
    KafkaOptions changed =
        DEFAULTS
            .withTopicPrefix("t")
            .withApplicationId("a")
            .withApplicationServer("node-1:8080")
            .withProduceTimeout(Duration.ofSeconds(3))
            .withMaxInFlightPushes(7);
    assertThat(changed)
        .isEqualTo(
            new KafkaOptions(
                "localhost:9092",
                "t",
                "a",
                4,
                (short) 1,
                Path.of("state"),
                Duration.ofMillis(100),
                Duration.ofSeconds(3),
                "node-1:8080",
                DEFAULTS.nodeName(),
                Duration.ofDays(7),
                7,
                KafkaOptions.DEFAULT_MAX_RECORD_BYTES,
                    1,
                    0,
                    KafkaOptions.DEFAULT_SESSION_TIMEOUT));
  }

  @Test
  void no_retention_keeps_pushes_forever() {
    KafkaOptions forever = DEFAULTS.withPushRetention(null);
    assertThat(forever.pushRetention()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "slash/es", "ümlaut"})
  void a_prefix_that_cannot_be_part_of_a_topic_name_is_refused(String prefix) {
    assertThatThrownBy(() -> DEFAULTS.withTopicPrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topicPrefix");
    assertThatThrownBy(() -> DEFAULTS.withApplicationId(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("applicationId");
  }

  @Test
  void nonsense_values_are_refused() {
    assertThatThrownBy(() -> DEFAULTS.withProduceTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withProduceTimeout(Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withMaxInFlightPushes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withApplicationServer(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new KafkaOptions(
                    "b:1",
                    "p",
                    "a",
                    0,
                    (short) 1,
                    Path.of("s"),
                    Duration.ofMillis(1),
                    Duration.ofSeconds(1),
                    null,
                    "n",
                    null,
                    1,
                    KafkaOptions.DEFAULT_MAX_RECORD_BYTES,
                    1,
                    0,
                    KafkaOptions.DEFAULT_SESSION_TIMEOUT))
        .hasMessageContaining("partitions");
    assertThatThrownBy(
            () ->
                new KafkaOptions(
                    "b:1",
                    "p",
                    "a",
                    1,
                    (short) 0,
                    Path.of("s"),
                    Duration.ofMillis(1),
                    Duration.ofSeconds(1),
                    null,
                    "n",
                    null,
                    1,
                    KafkaOptions.DEFAULT_MAX_RECORD_BYTES,
                    1,
                    0,
                    KafkaOptions.DEFAULT_SESSION_TIMEOUT))
        .hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> DEFAULTS.withPushRetention(Duration.ofDays(-1)))
        .hasMessageContaining("pushRetention");
    assertThatThrownBy(() -> KafkaOptions.defaults(" ", Path.of("s")))
        .hasMessageContaining("bootstrapServers");
  }
}
