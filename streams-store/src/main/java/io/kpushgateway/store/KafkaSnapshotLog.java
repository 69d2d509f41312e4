package io.kpushgateway.store;

import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@link SnapshotLog} on Kafka: one producer and one admin client, shared by the store's tasks. */
final class KafkaSnapshotLog implements SnapshotLog, AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(200);

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
    while (chunks.hasNext()) {
      sent.add(
          producer.send(new ProducerRecord<>(topics.snapshots(), partition, null, chunks.next())));
    }
    if (sent.isEmpty()) {
      throw new IllegalArgumentException("a snapshot has at least one chunk");
    }
    producer.flush();
    long first = offset(sent.get(0));
    long last = first;
    for (Future<RecordMetadata> chunk : sent) { // every one acknowledged, not only the last
      last = offset(chunk);
    }
    return new Appended(first, last);
  }

  @Override
  public Appended copy(int partition, long firstOffset, long lastOffset) {
    TopicPartition tp = new TopicPartition(topics.snapshots(), partition);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            settings.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, firstOffset);
      Iterator<byte[]> chunks =
          new Iterator<>() {
            private Iterator<ConsumerRecord<byte[], byte[]>> polled =
                List.<ConsumerRecord<byte[], byte[]>>of().iterator();
            private ConsumerRecord<byte[], byte[]> next;

            @Override
            public boolean hasNext() {
              while (next == null) {
                if (polled.hasNext()) {
                  ConsumerRecord<byte[], byte[]> r = polled.next();
                  if (r.offset() <= lastOffset) {
                    next = r;
                  }
                } else if (consumer.position(tp) > lastOffset) {
                  return false;
                } else if (System.nanoTime() > deadline) {
                  throw new IllegalStateException("copying a snapshot took longer than " + TIMEOUT);
                } else {
                  polled = consumer.poll(POLL).records(tp).iterator();
                }
              }
              return true;
            }

            @Override
            public byte[] next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              byte[] value = next.value();
              next = null;
              return value;
            }
          };
      return append(partition, chunks);
    }
  }

  @Override
  public long pushesEndOffset(int partition) {
    return offset(new TopicPartition(topics.pushes(), partition), OffsetSpec.latest());
  }

  @Override
  public long snapshotsStartOffset(int partition) {
    return offset(new TopicPartition(topics.snapshots(), partition), OffsetSpec.earliest());
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
      throw new IllegalStateException("a snapshot chunk was not acknowledged: " + e, e);
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
