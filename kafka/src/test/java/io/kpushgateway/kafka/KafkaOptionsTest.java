package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The options records refuse what Kafka would refuse later, or worse, accept. */
class KafkaOptionsTest {

  private static TestKafkaOptions defaults() {
    return TestKafkaOptions.of("localhost:9092", Path.of("state"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "slash/es", "ümlaut"})
  void a_prefix_that_cannot_be_part_of_a_topic_name_is_refused(String prefix) {
    assertThatThrownBy(() -> defaults().topicPrefix(prefix).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topicPrefix");
    assertThatThrownBy(() -> defaults().applicationId(prefix).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("applicationId");
  }

  @Test
  void nonsense_values_are_refused() {
    assertThatThrownBy(() -> defaults().produceTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults().produceTimeout(Duration.ofMillis(1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults().maxInFlightPushes(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults().applicationServer(" ").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults().partitions(0).build()).hasMessageContaining("partitions");
    assertThatThrownBy(() -> defaults().replicationFactor((short) 0).build())
        .hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> defaults().pushRetention(Duration.ofDays(-1)).build())
        .hasMessageContaining("pushRetention");
    assertThatThrownBy(() -> TestKafkaOptions.of(" ", Path.of("s")).build())
        .hasMessageContaining("bootstrapServers");
  }
}
