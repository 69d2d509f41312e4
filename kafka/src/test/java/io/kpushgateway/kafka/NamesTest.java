package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void the_push_log_is_named_after_the_prefix() {
    KafkaOptions options = TestKafkaOptions.of("b:1", Path.of("s")).topicPrefix("pg-prod").build();
    assertThat(Topics.from(options).pushes()).isEqualTo("pg-prod.pushes");
    KafkaOptions otherApplication = TestKafkaOptions.from(options).applicationId("other").build();
    assertThat(Topics.from(options)).isEqualTo(Topics.from(otherApplication));
  }

  @Test
  void the_groups_changelog_follows_kafka_streams_naming() {
    assertThat(Stores.GROUPS).isEqualTo("groups");
    assertThat(Stores.changelogTopic("kpushgateway", Stores.GROUPS))
        .isEqualTo("kpushgateway-groups-changelog");
  }
}
