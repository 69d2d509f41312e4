package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.KafkaPushPublisher;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.TestKafkaOptions;
import io.kpushgateway.kafka.TopicAdmin;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.store.StoreService;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import io.prometheus.client.Metrics.Gauge;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on a real store: key order, the stored bytes read family by family, and every change
 * seen on the next read (nothing is kept between reads).
 */
class LocalGroupReaderIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final GroupingKey A = GroupingKey.of(Map.of("job", "a"));
  private static final GroupingKey B = GroupingKey.of(Map.of("job", "b", "x", "1"));

  private long receivedAt = 1_700_000_000_000_000_000L;

  @Test
  void readsEveryGroupInKeyOrderAndSeesEachChange(@TempDir Path state) throws Exception {
    KafkaOptions options =
        TestKafkaOptions.of(KAFKA.bootstrapServers(), state)
            .topicPrefix(KAFKA.uniqueName("reader"))
            .applicationId(KAFKA.uniqueName("reader"))
            .build();
    KafkaSettings settings = new KafkaSettings(options);
    Topics topics = Topics.from(options);
    TopicAdmin.ensureTopics(settings, topics, options);
    try (KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics);
        StoreService store = new StoreService(settings, topics)) {
      store.start();
      Await.until(WAIT, "store running", store::isRunning);
      LocalGroupReader reader = new LocalGroupReader(store.groupStore());
      assertThat(reader.readAll()).isEmpty();

      publish(publisher, B, Method.PUT, 1);
      publish(publisher, A, Method.PUT, 2);
      Await.until(WAIT, "both groups stored", () -> reader.readAll().size() == 2);
      List<GroupRecord> first = reader.readAll();
      assertThat(first).extracting(g -> g.getGrouping(0).getValue()).containsExactly("a", "b");

      List<GroupFamilies> page = reader.page();
      assertThat(page).allSatisfy(group -> assertThat(group.familyCount()).isEqualTo(1));
      assertThat(page.get(0).name(0)).isEqualTo("g");
      assertThat(page.get(0).type(0)).isEqualTo(MetricType.GAUGE);
      assertThat(page.get(0).family(0)).isEqualTo(first.get(0).getFamilies(0).getFamily());

      publish(publisher, A, Method.PUT, 3);
      Await.until(WAIT, "a's new value", () -> value(reader.readAll().get(0)) == 3);
      List<GroupRecord> afterPush = reader.readAll();
      assertThat(afterPush.get(1)).as("b, untouched").isEqualTo(first.get(1));

      publish(publisher, B, Method.DELETE, 0);
      Await.until(WAIT, "b deleted", () -> reader.readAll().size() == 1);
      assertThat(reader.readAll()).singleElement().isEqualTo(afterPush.get(0));
    }
  }

  private void publish(KafkaPushPublisher publisher, GroupingKey key, Method method, double value)
      throws Exception {
    PushRecord.Builder push =
        PushRecord.newBuilder()
            .setMethod(method)
            .addAllGrouping(key.toLabelPairs())
            .setReceivedAtUnixNanos(receivedAt += 1_000_000_000L)
            .setIngestNode("test");
    if (method != Method.DELETE) {
      Metric.Builder series = Metric.newBuilder().setGauge(Gauge.newBuilder().setValue(value));
      for (LabelPair label : key.toLabelPairs()) {
        series.addLabel(label);
      }
      push.addFamilies(
          MetricFamily.newBuilder().setName("g").setType(MetricType.GAUGE).addMetric(series));
    }
    publisher.publish(key.toBytes(), push.build()).get(30, TimeUnit.SECONDS);
  }

  private static double value(GroupRecord group) {
    return group.getFamilies(0).getFamily().getMetric(0).getGauge().getValue();
  }
}
