package io.kpushgateway.kafka;

import io.kpushgateway.proto.PushRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads the push log back in tests, with the adapter's own consumer settings and serdes. */
final class Pushes {

  private Pushes() {}

  /** Every record of the pushes topic, polling until {@code count} arrived or the deadline. */
  static List<ConsumerRecord<byte[], PushRecord>> read(
      KafkaSettings settings, Topics topics, int count) {
    List<ConsumerRecord<byte[], PushRecord>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], PushRecord> consumer =
        new KafkaConsumer<>(
            settings.consumer(),
            ProtoSerdes.groupingKey().deserializer(),
            ProtoSerdes.pushRecord().deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.pushes()).stream()
              .map(PartitionInfo::partition)
              .map(p -> new TopicPartition(topics.pushes(), p))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }
}
