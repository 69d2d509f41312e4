package io.kpushgateway.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.model.DecidingRecords;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.SnapshotManifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups of some partitions as they were at an instant: for each partition, the newest snapshot
 * taken at or before it (from the snapshot index and the snapshots topic), then the pushes after
 * the snapshot up to the instant, with the result of applying them with {@link GroupState#apply} as
 * the store applied them: only the records that decide each group's state are parsed and applied
 * ({@link DecidingRecords}), so a read costs about one parse of the partition's state however many
 * pushes it covers. "At T" means after every push the broker appended at or before T (the
 * millisecond of T included), which is a prefix of each partition, found with {@code
 * offsetsForTimes}.
 *
 * <p>A partition whose retained history starts after T is reported in {@link
 * PartitionRead#beforeHistory()} with its oldest answerable instant.
 *
 * <p>The snapshot a partition was last read from is kept (its groups parsed as pages need them)
 * with the state the last read built on it, until no read used them for {@link #KEEP_SNAPSHOT}: the
 * reads of an investigation ask for instants near each other, which start from the same snapshot
 * (or, later than the last read, from its state), and then cost only the pushes in between. The two
 * share the groups no push changed in between, so they hold about one parsed copy of the
 * partition's state.
 */
public final class AsOfReader implements AutoCloseable {

  /**
   * The oldest instant of a partition whose retained pushes no snapshot covers (the pushes before
   * them are gone, and no snapshot was taken since): no instant can be rebuilt.
   */
  public static final Instant NOTHING_RETAINED = Instant.MAX;

  private static final Logger LOG = LoggerFactory.getLogger(AsOfReader.class);

  /** Partitions read at once, each with its own consumer, kept between reads. */
  private static final int READERS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private static final int IDLE_CONSUMERS = READERS;

  /** How long a partition's last snapshot stays parsed after the last read that used it. */
  static final Duration KEEP_SNAPSHOT = Duration.ofMinutes(5);

  /**
   * A partition's last read: the snapshot it started from (offset -1 and no groups: none, the
   * partition read from its start) and the state it built, before push offset {@code end}.
   */
  private record Kept(
      long snapshotOffset,
      SortedMap<Bytes, StoredGroup> snapshot,
      long end,
      SortedMap<Bytes, StoredGroup> state,
      long usedAtNanos) {}

  private final Map<Integer, Kept> kept = new ConcurrentHashMap<>();

  private final ExecutorService readers =
      Executors.newFixedThreadPool(
          READERS,
          r -> {
            Thread t = new Thread(r, "history-read");
            t.setDaemon(true);
            return t;
          });

  private final Deque<KafkaConsumer<byte[], byte[]>> idle = new ArrayDeque<>();
  private boolean closed; // guarded by idle
  private final KafkaSettings settings;
  private final Topics topics;
  private final Duration timeout;

  /**
   * @param timeout how long one read may take, at most
   */
  public AsOfReader(KafkaSettings settings, Topics topics, Duration timeout) {
    this.settings = settings;
    this.topics = topics;
    this.timeout = timeout;
  }

  /** Lets go of the snapshots no read used for {@link #KEEP_SNAPSHOT}. */
  private void forgetIdle() {
    long now = System.nanoTime();
    kept.values().removeIf(k -> now - k.usedAtNanos() > KEEP_SNAPSHOT.toNanos());
  }

  /**
   * @param index the snapshot index of a partition; throws when this node has none for it
   */
  PartitionRead readAt(
      Collection<Integer> partitions,
      Instant at,
      IntFunction<ReadOnlyKeyValueStore<Bytes, byte[]>> index) {
    SnapshotTopic.Deadline deadline = SnapshotTopic.Deadline.in(timeout);
    forgetIdle();
    // the partitions at once, one consumer each: a read is CPU-bound (parse and apply)
    List<Future<Result>> reads = new ArrayList<>();
    for (int partition : partitions) {
      reads.add(readers.submit(() -> readOne(partition, at, index, deadline)));
    }
    List<StoredGroup> groups = new ArrayList<>();
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    SortedMap<Integer, Instant> beforeHistory = new TreeMap<>();
    int i = 0;
    for (int partition : partitions) {
      Result r;
      try {
        r = reads.get(i++).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reads.forEach(f -> f.cancel(true));
        throw new IllegalStateException("interrupted while reading the history", e);
      } catch (ExecutionException e) {
        r =
            new Result(
                List.of(), null, "its history could not be read here (" + e.getCause() + ")");
      }
      groups.addAll(r.groups());
      if (r.beforeHistory() != null) {
        beforeHistory.put(partition, r.beforeHistory());
      }
      if (r.unavailable() != null) {
        unavailable.put(partition, r.unavailable());
      }
    }
    return new PartitionRead(groups, unavailable, beforeHistory);
  }

  /** One partition's answer: its groups, or the start of its history, or why it is unread. */
  private record Result(List<StoredGroup> groups, Instant beforeHistory, String unavailable) {}

  private Result readOne(
      int partition,
      Instant at,
      IntFunction<ReadOnlyKeyValueStore<Bytes, byte[]>> index,
      SnapshotTopic.Deadline deadline) {
    KafkaConsumer<byte[], byte[]> consumer = borrow();
    boolean healthy = false;
    try {
      Result result;
      try {
        Partition p = new Partition(consumer, partition, index.apply(partition), deadline);
        Instant oldest = p.oldest();
        result =
            oldest != null && at.isBefore(oldest)
                ? new Result(List.of(), oldest, null)
                : new Result(p.at(at), null, null);
      } catch (RuntimeException e) { // not hosted here, moved, the broker not answering in time
        result =
            new Result(
                List.of(), null, "its history could not be read here (" + e.getMessage() + ")");
      }
      healthy = true;
      return result;
    } finally {
      giveBack(consumer, healthy);
    }
  }

  /** An idle consumer, or a new one: making one costs a connection and metadata. */
  private KafkaConsumer<byte[], byte[]> borrow() {
    synchronized (idle) {
      if (closed) {
        throw new IllegalStateException("the history reader is closed");
      }
      KafkaConsumer<byte[], byte[]> consumer = idle.poll();
      if (consumer != null) {
        return consumer;
      }
    }
    return new KafkaConsumer<>(
        settings.historyConsumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void giveBack(KafkaConsumer<byte[], byte[]> consumer, boolean healthy) {
    consumer.unsubscribe(); // no assignment left to fetch for while idle
    synchronized (idle) {
      if (healthy && !closed && idle.size() < IDLE_CONSUMERS) {
        idle.push(consumer);
        return;
      }
    }
    consumer.close(Duration.ZERO);
  }

  @Override
  public void close() {
    readers.shutdownNow();
    kept.clear();
    synchronized (idle) {
      closed = true;
      idle.forEach(c -> c.close(Duration.ZERO));
      idle.clear();
    }
  }

  /** One partition's history: its offsets, read once, and its snapshot index. */
  private final class Partition {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition pushes;
    private final TopicPartition snapshots;
    private final ReadOnlyKeyValueStore<Bytes, byte[]> index;
    private final SnapshotTopic.Deadline deadline;
    private final long pushesStart;
    private final long pushesEnd;
    private final long snapshotsStart;

    Partition(
        KafkaConsumer<byte[], byte[]> consumer,
        int partition,
        ReadOnlyKeyValueStore<Bytes, byte[]> index,
        SnapshotTopic.Deadline deadline) {
      this.consumer = consumer;
      this.pushes = new TopicPartition(topics.pushes(), partition);
      this.snapshots = new TopicPartition(topics.snapshots(), partition);
      this.index = index;
      this.deadline = deadline;
      Duration left = deadline.left();
      Map<TopicPartition, Long> starts =
          consumer.beginningOffsets(List.of(pushes, snapshots), left);
      this.pushesStart = starts.get(pushes);
      this.snapshotsStart = starts.get(snapshots);
      this.pushesEnd = consumer.endOffsets(List.of(pushes), left).get(pushes);
    }

    /**
     * The oldest instant this partition can be read at: its oldest usable snapshot once retention
     * has deleted pushes; null while the log is whole (before its first push it was empty).
     */
    Instant oldest() {
      if (pushesStart == 0) {
        return null;
      }
      SnapshotManifest m = SnapshotIndex.oldestUsable(index, pushesStart, snapshotsStart);
      return m != null ? Instant.ofEpochMilli(m.getPushTimestampMs()) : NOTHING_RETAINED;
    }

    List<StoredGroup> at(Instant at) {
      long end = endAt(at);
      SnapshotManifest snapshot =
          SnapshotIndex.newestUsable(index, end - 1, pushesStart, snapshotsStart);
      long base = snapshot == null ? -1 : snapshot.getPushOffset();
      Kept k = kept.get(pushes.partition());
      SortedMap<Bytes, StoredGroup> snapshotState;
      SortedMap<Bytes, StoredGroup> start;
      long from;
      long startedNanos = System.nanoTime();
      boolean reused = k != null && k.snapshotOffset() == base;
      if (reused) {
        snapshotState = k.snapshot();
        boolean later = k.end() <= end; // the last read's state is on the way to this one
        start = later ? k.state() : snapshotState;
        from = later ? k.end() : base + 1;
      } else {
        snapshotState = snapshot == null ? new TreeMap<>() : loadSnapshot(snapshot);
        start = snapshotState;
        from = base + 1;
      }
      long loadedNanos = System.nanoTime();
      TreeMap<Bytes, StoredGroup> groups;
      try {
        groups = decided(start, from, end);
      } catch (DecidingRecords.CorruptLogException e) { // the store skipped a record
        LOG.warn("{}: {}; replaying offsets {} to {} record by record", pushes, e, from, end - 1);
        groups = appliedEach(start, from, end);
      }
      if (LOG.isDebugEnabled()) {
        long doneNanos = System.nanoTime();
        LOG.debug(
            "{} at {}: snapshot at offset {} ({} ms{}), pushes from offset {} to {} ({} ms)",
            pushes,
            at,
            snapshot == null ? "none" : base,
            (loadedNanos - startedNanos) / 1_000_000,
            reused ? ", kept" : ", loaded",
            from,
            end - 1,
            (doneNanos - loadedNanos) / 1_000_000);
      }
      kept.put(pushes.partition(), new Kept(base, snapshotState, end, groups, System.nanoTime()));
      return new ArrayList<>(groups.values());
    }

    /**
     * {@code start} with the pushes from {@code from} to before {@code end}: each group pushed to
     * is built from the records that decide its state ({@link DecidingRecords}), so it is parsed
     * once however often it was pushed, and a group a PUT replaced is not parsed at all.
     */
    private TreeMap<Bytes, StoredGroup> decided(
        SortedMap<Bytes, StoredGroup> start, long from, long end) {
      Map<Bytes, DecidingRecords> pushed = new HashMap<>();
      SnapshotTopic.read(
          consumer,
          pushes,
          from,
          end,
          deadline,
          record -> {
            if (record.key() != null && record.value() != null) {
              pushed
                  .computeIfAbsent(Bytes.wrap(record.key()), key -> deciding(start.get(key)))
                  .add(record.value());
            }
          });
      TreeMap<Bytes, StoredGroup> groups = new TreeMap<>(start);
      pushed.forEach(
          (key, records) -> {
            GroupRecord after = records.state();
            if (after == null) {
              groups.remove(key);
            } else {
              groups.put(key, StoredGroup.parsed(key.get(), after));
            }
          });
      return groups;
    }

    /** As {@link #decided}, every record parsed and applied in turn, as the store applied them. */
    private TreeMap<Bytes, StoredGroup> appliedEach(
        SortedMap<Bytes, StoredGroup> start, long from, long end) {
      TreeMap<Bytes, StoredGroup> groups = new TreeMap<>(start);
      SnapshotTopic.read(consumer, pushes, from, end, deadline, record -> apply(record, groups));
      return groups;
    }

    /** The groups of {@code snapshot}, as bytes: each is parsed when a page first needs it. */
    private SortedMap<Bytes, StoredGroup> loadSnapshot(SnapshotManifest snapshot) {
      TreeMap<Bytes, StoredGroup> groups = new TreeMap<>();
      SnapshotTopic.load(
          consumer,
          snapshots,
          snapshot,
          deadline,
          (key, value) -> groups.put(key, new StoredGroup(key.get(), value)));
      return groups;
    }

    /** The first offset after {@code at}: the pushes before it make the state at {@code at}. */
    private long endAt(Instant at) {
      long afterMs = at.toEpochMilli() + 1; // toEpochMilli floors: T's millisecond included
      OffsetAndTimestamp after =
          consumer.offsetsForTimes(Map.of(pushes, afterMs), deadline.left()).get(pushes);
      return after == null ? pushesEnd : Math.min(after.offset(), pushesEnd);
    }
  }

  /** A group's deciding records, starting from its state {@code before} (null: none). */
  private static DecidingRecords deciding(StoredGroup before) {
    return before == null
        ? new DecidingRecords(() -> null, () -> 0L)
        : new DecidingRecords(before::record, before::pushFailureTimeNanos);
  }

  /** Applies one push as the store does: a record that is not a push is skipped, as there. */
  private static void apply(
      ConsumerRecord<byte[], byte[]> record, TreeMap<Bytes, StoredGroup> groups) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    PushRecord push;
    try {
      push = PushRecord.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    Bytes key = Bytes.wrap(record.key());
    StoredGroup before = groups.get(key);
    GroupRecord after;
    try {
      after = GroupState.apply(before == null ? null : before.record(), push);
    } catch (RuntimeException e) {
      return; // the store skips it too (SkipBadRecords)
    }
    if (after == null) {
      groups.remove(key);
    } else {
      groups.put(key, StoredGroup.parsed(key.get(), after));
    }
  }
}
