package io.kpushgateway.store;

import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.SnapshotManifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;

/** {@link SnapshotLog} on Kafka: one producer and one admin client, shared by the store's tasks. */
final class KafkaSnapshotLog implements SnapshotLog, AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A store rebuilt from scratch may read a large snapshot before it starts. */
  private static final Duration SEED_TIMEOUT = Duration.ofMinutes(4);

  private final KafkaSettings settings;
  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Admin admin;

  KafkaSnapshotLog(KafkaSettings settings, Topics topics) {
    this.settings = settings;
    this.topics = topics;
    this.producer =
        new KafkaProducer<>(
            settings.snapshotProducer(), new ByteArraySerializer(), new ByteArraySerializer());
    this.admin = Admin.create(settings.admin());
  }

  @Override
  public Appended append(int partition, Iterator<byte[]> chunks) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    chunks.forEachRemaining(chunk -> sent.add(send(partition, chunk)));
    return acknowledged(sent);
  }

  @Override
  public Appended copy(int partition, long firstOffset, long lastOffset) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      SnapshotTopic.read(
          consumer,
          snapshots(partition),
          firstOffset,
          lastOffset + 1,
          SnapshotTopic.Deadline.in(TIMEOUT),
          record -> sent.add(send(partition, record.value())));
    }
    return acknowledged(sent);
  }

  @Override
  public SnapshotManifest newestManifest(int partition) {
    TopicPartition tp = snapshots(partition);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      SnapshotTopic.Deadline deadline = SnapshotTopic.Deadline.in(SEED_TIMEOUT);
      long start = consumer.beginningOffsets(List.of(tp), deadline.left()).get(tp);
      long end = consumer.endOffsets(List.of(tp), deadline.left()).get(tp);
      return SnapshotTopic.newestManifest(consumer, tp, start, end, deadline);
    }
  }

  @Override
  public void load(SnapshotManifest snapshot, BiConsumer<Bytes, byte[]> group) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      SnapshotTopic.load(
          consumer,
          snapshots(snapshot.getPartition()),
          snapshot,
          SnapshotTopic.Deadline.in(SEED_TIMEOUT),
          group);
    }
  }

  @Override
  public long pushesStartOffset(int partition) {
    return offset(new TopicPartition(topics.pushes(), partition), OffsetSpec.earliest());
  }

  @Override
  public long pushesEndOffset(int partition) {
    return offset(new TopicPartition(topics.pushes(), partition), OffsetSpec.latest());
  }

  @Override
  public long snapshotsStartOffset(int partition) {
    return offset(snapshots(partition), OffsetSpec.earliest());
  }

  private TopicPartition snapshots(int partition) {
    return new TopicPartition(topics.snapshots(), partition);
  }

  private Future<RecordMetadata> send(int partition, byte[] value) {
    return producer.send(new ProducerRecord<>(topics.snapshots(), partition, null, value));
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        settings.historyConsumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The offsets of the first and last record sent, once every one is acknowledged. */
  private Appended acknowledged(List<Future<RecordMetadata>> sent) {
    if (sent.isEmpty()) {
      throw new IllegalArgumentException("nothing to append");
    }
    producer.flush();
    long first = offset(sent.get(0));
    long last = first;
    for (Future<RecordMetadata> record : sent) { // every one acknowledged, not only the last
      last = offset(record);
    }
    return new Appended(first, last);
  }

  private long offset(TopicPartition tp, OffsetSpec spec) {
    try {
      return admin
          .listOffsets(Map.of(tp, spec))
          .partitionResult(tp)
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .offset();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read the offsets of " + tp + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the offsets of " + tp, e);
    }
  }

  private static long offset(Future<RecordMetadata> sent) {
    try {
      return sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("a snapshot record was not acknowledged: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a snapshot", e);
    }
  }

  @Override
  public void close() {
    producer.close(TIMEOUT);
    admin.close(TIMEOUT);
  }
}
