package io.kpushgateway.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store has applied the push log as far as it reached when the store last began
 * running: until then a node that was down (or took over partitions) would answer reads without
 * pushes the broker acknowledged while it was away, so it is not ready.
 *
 * <p>When the store starts running, the end offsets (read committed) of the pushes partitions it
 * serves are taken once; then the store's committed offsets are polled until each reaches its end.
 * Kafka Streams commits a partition's consumer position when it has processed everything fetched,
 * so the markers of committed batches at the end of a partition do not hold it back. A partition
 * without a committed offset is caught up when its end is its start (nothing to apply).
 */
final class CatchUp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

  /** How often the committed offsets are asked while catching up (Streams commits every 100 ms). */
  static final Duration POLL = Duration.ofMillis(100);

  /** How long a partition fetched to its end must stay so before it counts as applied. */
  static final Duration IDLE = Duration.ofSeconds(2);

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Admin admin;
  private final String groupId;
  private final Supplier<Set<TopicPartition>> active;
  private final ToDoubleFunction<TopicPartition> fetchLag;

  /** Since when (ms) each partition's fetch lag has been 0 while its commit stayed behind. */
  private final Map<TopicPartition, Long> idleSince = new HashMap<>();

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "store-catch-up");
            t.setDaemon(true);
            return t;
          });

  /** Why the store is not caught up; null once it is. Replaced whole by the catch-up thread. */
  private volatile String behind = "the groups store is not running";

  private long run; // which start of running counts now; guarded by this

  /**
   * @param groupId the Streams application id: its consumer group's committed offsets are read
   * @param active the pushes partitions this node's store serves as active, now
   * @param fetchLag the store consumer's lag on a partition (NaN: unknown)
   */
  CatchUp(
      Admin admin,
      String groupId,
      Supplier<Set<TopicPartition>> active,
      ToDoubleFunction<TopicPartition> fetchLag) {
    this.admin = admin;
    this.groupId = groupId;
    this.active = active;
    this.fetchLag = fetchLag;
  }

  /** Null when caught up, else what the store is still applying. */
  String notCaughtUpBecause() {
    return behind;
  }

  /** The store started running (after a start or a rebalance): catch up again. */
  synchronized void running() {
    long mine = ++run;
    behind = "the groups store is reading where the push log ends";
    thread.execute(() -> measure(mine));
  }

  /** The store stopped running: whatever it caught up to no longer counts. */
  synchronized void stopped() {
    run++;
    behind = "the groups store is not running";
  }

  /** What the work for the start {@code mine} found, unless the store started again since. */
  private synchronized boolean report(long mine, String why) {
    if (mine != run) {
      return false;
    }
    behind = why;
    return true;
  }

  private synchronized boolean current(long mine) {
    return mine == run;
  }

  private void measure(long mine) {
    if (!current(mine)) {
      return;
    }
    try {
      Set<TopicPartition> partitions = active.get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      for (TopicPartition tp : partitions) {
        latest.put(tp, OffsetSpec.latest());
        earliest.put(tp, OffsetSpec.earliest());
      }
      ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          admin
              .listOffsets(latest, committed)
              .all()
              .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, ListOffsetsResultInfo> starts =
          admin.listOffsets(earliest).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> targets = new HashMap<>();
      for (TopicPartition tp : partitions) {
        long end = ends.get(tp).offset();
        if (end > starts.get(tp).offset()) {
          targets.put(tp, end);
        }
      }
      LOG.info("store catching up to the push log's end: {}", targets);
      idleSince.clear();
      check(mine, targets);
    } catch (Exception e) {
      retry(mine, e, () -> measure(mine));
    }
  }

  private void check(long mine, Map<TopicPartition, Long> targets) {
    if (!current(mine)) {
      return;
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          targets.isEmpty()
              ? Map.of()
              : admin
                  .listConsumerGroupOffsets(groupId)
                  .partitionsToOffsetAndMetadata()
                  .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
        OffsetAndMetadata at = committed.get(target.getKey());
        long applied = at == null ? 0 : at.offset();
        if (applied < target.getValue() && !idle(target.getKey())) {
          if (report(
              mine,
              "the groups store is applying the push log: partition "
                  + target.getKey().partition()
                  + " at offset "
                  + applied
                  + " of "
                  + target.getValue())) {
            later(() -> check(mine, targets), POLL);
          }
          return;
        }
      }
      if (report(mine, null)) {
        LOG.info("store caught up with the push log");
      }
    } catch (Exception e) {
      retry(mine, e, () -> check(mine, targets));
    }
  }

  /**
   * A partition whose commit stays behind its end although the store has fetched all of it for
   * {@link #IDLE}: Streams commits only after processing a record, so a restarted task whose
   * partition ends in the markers of committed batches, with nothing after them, never commits past
   * them.
   */
  private boolean idle(TopicPartition tp) {
    long now = System.currentTimeMillis();
    if (fetchLag.applyAsDouble(tp) != 0) {
      idleSince.remove(tp);
      return false;
    }
    return now - idleSince.computeIfAbsent(tp, p -> now) >= IDLE.toMillis();
  }

  private void retry(long mine, Exception e, Runnable again) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return;
    }
    if (current(mine)) {
      LOG.debug("catching up: {}; again in {}", e.toString(), RETRY);
      later(again, RETRY);
    }
  }

  /** Runs {@code work} on the catch-up thread after {@code delay}; its failures are its own. */
  private void later(Runnable work, Duration delay) {
    var unused = thread.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}
