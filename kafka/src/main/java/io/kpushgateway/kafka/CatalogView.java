package io.kpushgateway.kafka;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.proto.GroupShape;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link FamilyCatalog} up to date from the catalog topic: reads it whole from the start,
 * then follows it. Once caught up, every shape that arrives is checked for conflicts with other
 * groups (two nodes accepted conflicting pushes at the same time), and so is the whole catalog
 * once; conflicts go to {@code onConflicts}, which settles them.
 */
public final class CatalogView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogView.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long RETRY_MS = 500;

  private final FamilyCatalog catalog;
  private final KafkaConsumer<byte[], GroupShape> consumer;
  private final String topic;
  private final Consumer<List<FamilyCatalog.Conflict>> onConflicts;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile boolean running = true;

  public CatalogView(
      KafkaSettings settings,
      Topics topics,
      FamilyCatalog catalog,
      Consumer<List<FamilyCatalog.Conflict>> onConflicts) {
    this.catalog = catalog;
    this.topic = topics.catalog();
    this.onConflicts = onConflicts;
    this.consumer =
        new KafkaConsumer<>(
            settings.consumer(),
            new ByteArrayDeserializer(),
            ProtoSerdes.groupShape().deserializer());
    this.thread = new Thread(this::run, "catalog-view");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Whether every shape written before this view started has been read. */
  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Waits until {@link #isCaughtUp()}; false on timeout. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      Map<TopicPartition, Long> end = assign();
      while (running) {
        try {
          ConsumerRecords<byte[], GroupShape> records = consumer.poll(POLL);
          for (ConsumerRecord<byte[], GroupShape> record : records) {
            apply(record);
          }
          if (!isCaughtUp() && caughtUpTo(end)) {
            LOG.info("catalog read: {} groups", catalog.size());
            caughtUp.countDown();
            settle(catalog.allConflicts());
          }
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          LOG.warn("reading the catalog failed, retrying: {}", e.toString());
          sleep();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private Map<TopicPartition, Long> assign() {
    while (running) {
      try {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions != null && !partitions.isEmpty()) {
          List<TopicPartition> assigned =
              partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
          consumer.assign(assigned);
          consumer.seekToBeginning(assigned);
          return consumer.endOffsets(assigned, Duration.ofSeconds(10));
        }
      } catch (WakeupException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("catalog topic {} not readable yet: {}", topic, e.toString());
      }
      sleep();
    }
    throw new WakeupException();
  }

  private boolean caughtUpTo(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecord<byte[], GroupShape> record) {
    if (record.key() == null) {
      return;
    }
    GroupingKey key;
    try {
      key = GroupingKey.fromBytes(record.key());
    } catch (RuntimeException e) {
      LOG.warn("skipping a catalog record with an unreadable key at offset {}", record.offset());
      return;
    }
    if (record.value() == null) {
      // a record timestamp has milliseconds: the deletion happened within that millisecond
      catalog.remove(key, record.timestamp() * 1_000_000L + 999_999L, true);
    } else if (catalog.put(record.value()) && isCaughtUp()) {
      settle(catalog.conflictsOf(key));
    }
  }

  private void settle(List<FamilyCatalog.Conflict> conflicts) {
    if (!conflicts.isEmpty()) {
      onConflicts.accept(conflicts);
    }
  }

  private void sleep() {
    try {
      Thread.sleep(RETRY_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
