package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

  private static final KafkaOptions DEFAULTS = TestKafkaOptions.of("b:1", Path.of("s")).build();

  @Test
  void the_push_log_is_deleted_by_age_in_daily_segments() {
    assertThat(TopicAdmin.pushesConfig(DEFAULTS.topics()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "cleanup.policy",
                "delete",
                "message.timestamp.type",
                "LogAppendTime",
                "retention.ms",
                Long.toString(Duration.ofDays(7).toMillis()),
                "segment.ms",
                Long.toString(Duration.ofDays(1).toMillis()),
                "max.message.bytes",
                Integer.toString(TestKafkaOptions.MAX_RECORD_BYTES),
                "min.insync.replicas",
                "1"));
  }

  @Test
  void the_push_log_takes_records_up_to_the_configured_size() {
    KafkaOptions large = TestKafkaOptions.from(DEFAULTS).maxRecordBytes(65 << 20).build();
    assertThat(TopicAdmin.pushesConfig(large.topics()))
        .containsEntry("max.message.bytes", Integer.toString(65 << 20));
  }

  @Test
  void a_short_retention_rolls_segments_as_often() {
    TopicOptions hour =
        TestKafkaOptions.from(DEFAULTS).pushRetention(Duration.ofHours(1)).build().topics();
    assertThat(TopicAdmin.pushesConfig(hour))
        .containsEntry("retention.ms", "3600000")
        .containsEntry("segment.ms", "3600000");
  }

  @Test
  void no_retention_keeps_the_history_forever() {
    TopicOptions forever = TestKafkaOptions.from(DEFAULTS).pushRetention(null).build().topics();
    assertThat(TopicAdmin.pushesConfig(forever))
        .containsEntry("retention.ms", "-1")
        .doesNotContainKey("segment.ms");
  }

  @Test
  void snapshots_outlive_the_pushes_by_a_day_and_a_segment() {
    assertThat(TopicAdmin.snapshotsConfig(DEFAULTS.topics()))
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(Duration.ofDays(9).toMillis()))
        .containsEntry("segment.ms", Long.toString(Duration.ofDays(1).toMillis()));
    TopicOptions forever = TestKafkaOptions.from(DEFAULTS).pushRetention(null).build().topics();
    assertThat(TopicAdmin.snapshotsConfig(forever)).containsEntry("retention.ms", "-1");
  }
}
