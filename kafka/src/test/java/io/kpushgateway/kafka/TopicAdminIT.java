package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TopicAdminIT {

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @TempDir Path stateDir;

  @Test
  void creates_the_push_log_with_its_partitions_and_retention_once() throws Exception {
    KafkaOptions options =
        TestKafkaOptions.of(kafka.bootstrapServers(), stateDir)
            .topicPrefix(kafka.uniqueName("admin"))
            .build();
    KafkaSettings settings = new KafkaSettings(options);
    Topics topics = Topics.from(options);

    TopicAdmin.ensureTopics(settings, topics, options);
    TopicAdmin.ensureTopics(settings, topics, options); // idempotent

    try (Admin admin = Admin.create(settings.admin())) {
      TopicDescription description =
          admin.describeTopics(List.of(topics.pushes())).allTopicNames().get().get(topics.pushes());
      assertThat(description.partitions())
          .hasSize(4)
          .allMatch(p -> p.leader() != null && p.replicas().size() == 1);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.pushes());
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      Map<String, String> values =
          config.entries().stream()
              .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
      assertThat(values).containsAllEntriesOf(TopicAdmin.pushesConfig(options.topics()));
    }
  }

  @Test
  void keeps_an_existing_topics_partitions_and_sets_its_retention() throws Exception {
    KafkaOptions options =
        TestKafkaOptions.of(kafka.bootstrapServers(), stateDir)
            .topicPrefix(kafka.uniqueName("existing"))
            .build();
    KafkaSettings settings = new KafkaSettings(options);
    Topics topics = Topics.from(options);
    try (Admin admin = Admin.create(settings.admin())) {
      admin.createTopics(List.of(new NewTopic(topics.pushes(), 2, (short) 1))).all().get();

      TopicAdmin.ensureTopics(settings, topics, options);

      assertThat(
              admin
                  .describeTopics(List.of(topics.pushes()))
                  .allTopicNames()
                  .get()
                  .get(topics.pushes())
                  .partitions())
          .hasSize(2);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.pushes());
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
      assertThat(config.get("retention.ms").value())
          .isEqualTo(Long.toString(options.topics().pushRetention().toMillis()));
      assertThat(
              admin
                  .describeTopics(List.of(topics.snapshots()))
                  .allTopicNames()
                  .get()
                  .get(topics.snapshots())
                  .partitions())
          .hasSize(2);
    }
  }

  @Test
  void a_topic_the_broker_cannot_host_fails_at_once() {
    KafkaOptions options =
        TestKafkaOptions.of(kafka.bootstrapServers(), stateDir)
            .topicPrefix(kafka.uniqueName("rf3"))
            .partitions(1)
            .replicationFactor((short) 3)
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                TopicAdmin.ensureTopics(new KafkaSettings(options), Topics.from(options), options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Kafka refused topic " + Topics.from(options).pushes());
    assertThat(System.nanoTime() - start).isLessThan(TopicAdmin.ENSURE_TIMEOUT.toNanos());
  }
}
