package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

  private static final KafkaOptions DEFAULTS = KafkaOptions.defaults("b:1", Path.of("s"));

  @Test
  void the_push_log_is_deleted_by_age_in_daily_segments() {
    assertThat(TopicAdmin.pushesConfig(DEFAULTS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "cleanup.policy",
                "delete",
                "message.timestamp.type",
                "CreateTime",
                "retention.ms",
                Long.toString(Duration.ofDays(7).toMillis()),
                "segment.ms",
                Long.toString(Duration.ofDays(1).toMillis()),
                "max.message.bytes",
                Integer.toString(KafkaOptions.DEFAULT_MAX_RECORD_BYTES),
                "min.insync.replicas",
                "1"));
  }

  @Test
  void the_push_log_takes_records_up_to_the_configured_size() {
    assertThat(TopicAdmin.pushesConfig(DEFAULTS.withMaxRecordBytes(65 << 20)))
        .containsEntry("max.message.bytes", Integer.toString(65 << 20));
  }

  @Test
  void a_short_retention_rolls_segments_as_often() {
    KafkaOptions hour = DEFAULTS.withPushRetention(Duration.ofHours(1));
    assertThat(TopicAdmin.pushesConfig(hour))
        .containsEntry("retention.ms", "3600000")
        .containsEntry("segment.ms", "3600000");
  }

  @Test
  void no_retention_keeps_the_history_forever() {
    KafkaOptions forever = DEFAULTS.withPushRetention(null);
    assertThat(TopicAdmin.pushesConfig(forever))
        .containsEntry("retention.ms", "-1")
        .doesNotContainKey("segment.ms");
  }
}
