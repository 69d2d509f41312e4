package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.time.Duration;
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

  @Test
  void the_history_changelog_is_compacted_and_ages_out_with_the_push_log() {
    assertThat(Stores.changelogTopic("kpushgateway", Stores.HISTORY))
        .isEqualTo("kpushgateway-history-changelog");
    assertThat(Stores.historyChangelogConfig(null))
        .containsExactly(entry("cleanup.policy", "compact"));
    assertThat(Stores.historyChangelogConfig(Duration.ofDays(7)))
        .containsExactly(
            entry("cleanup.policy", "compact,delete"),
            entry("retention.ms", "604800000"),
            entry("segment.ms", "86400000"));
    assertThat(Stores.historyChangelogConfig(Duration.ofMinutes(10)))
        .containsEntry("segment.ms", "600000");
  }
}
