package io.kpushgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerExtensionIT {

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @Test
  @Order(1)
  void unique_names_never_repeat() {
    assertThat(Set.of(kafka.uniqueName("app"), kafka.uniqueName("app"), kafka.uniqueName("app")))
        .hasSize(3)
        .allMatch(name -> name.matches("app-[0-9a-f]+-[0-9]+"));
  }

  @Test
  @Order(2)
  void the_broker_stops_and_comes_back_on_the_same_address_with_its_topics() throws Exception {
    String topic = kafka.uniqueName("topic");
    String bootstrap = kafka.bootstrapServers();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();

      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      assertThatThrownBy(
              () -> admin.listTopics(new ListTopicsOptions().timeoutMs(500)).names().get())
          .isInstanceOf(ExecutionException.class);

      kafka.restart();
      assertThat(kafka.isRunning()).isTrue();
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      // The admin created before the restart reconnects by itself.
      Await.untilAsserted(
          Duration.ofSeconds(20), () -> assertThat(listTopics(admin)).contains(topic));
    }
  }

  @Test
  void a_manual_lifecycle_deletes_its_data_directory() throws Exception {
    KafkaBrokerExtension own = new KafkaBrokerExtension();
    own.beforeAll(null);
    Path dataDir = own.dataDir();
    assertThat(Files.list(dataDir)).isNotEmpty();
    assertThat(own.bootstrapServers()).isNotEqualTo(kafka.bootstrapServers());
    own.afterAll(null);
    assertThat(dataDir).doesNotExist();
    assertThat(own.isRunning()).isFalse();
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static Set<String> listTopics(Admin admin) {
    try {
      return admin.listTopics().names().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
