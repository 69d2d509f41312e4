package io.kpushgateway.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.proto.SnapshotChunk;
import io.kpushgateway.proto.SnapshotGroup;
import io.kpushgateway.proto.SnapshotManifest;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;

/**
 * Reading ranges of a partition with an assigned consumer, and the snapshots topic's records: the
 * chunks of one snapshot, and the manifests that follow them.
 */
final class SnapshotTopic {

  private static final Duration POLL = Duration.ofMillis(200);

  private SnapshotTopic() {}

  /** When a read must be done by. */
  record Deadline(long nanos, Duration timeout) {
    static Deadline in(Duration timeout) {
      return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
    }

    Duration left() {
      long left = nanos - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("reading the history took longer than " + timeout);
      }
      return Duration.ofNanos(left);
    }
  }

  /** Hands every record of {@code tp} from {@code from} to before {@code to} to {@code each}. */
  static void read(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition tp,
      long from,
      long to,
      Deadline deadline,
      Consumer<ConsumerRecord<byte[], byte[]>> each) {
    if (from >= to) {
      return;
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    while (consumer.position(tp, deadline.left()) < to) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(tp)) {
        if (record.offset() < to) {
          each.accept(record);
        }
      }
      deadline.left();
    }
  }

  /**
   * Hands each group of {@code snapshot} (key, {@code GroupRecord} bytes) to {@code group}.
   *
   * @throws IllegalStateException when some of its chunks are gone
   */
  static void load(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition tp,
      SnapshotManifest snapshot,
      Deadline deadline,
      BiConsumer<Bytes, byte[]> group) {
    int[] chunks = {0};
    read(
        consumer,
        tp,
        snapshot.getFirstChunkOffset(),
        snapshot.getLastChunkOffset() + 1,
        deadline,
        record -> {
          SnapshotChunk chunk = parse(record.value());
          if (chunk == null
              || chunk.hasManifest()
              || chunk.getPushOffset() != snapshot.getPushOffset()
              || chunk.getPartition() != snapshot.getPartition()) {
            return; // another writer's record in between (a task that moved meanwhile)
          }
          chunks[0]++;
          for (SnapshotGroup g : chunk.getGroupsList()) {
            group.accept(Bytes.wrap(g.getKey().toByteArray()), g.getGroup().toByteArray());
          }
        });
    if (chunks[0] != snapshot.getChunks()) {
      throw new IllegalStateException(
          "the snapshot at offset "
              + snapshot.getPushOffset()
              + " has "
              + chunks[0]
              + " of its "
              + snapshot.getChunks()
              + " chunks");
    }
  }

  /**
   * The newest manifest in {@code tp} between {@code start} and {@code end}, looking back from the
   * end in doubling windows; null when there is none.
   */
  static SnapshotManifest newestManifest(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition tp,
      long start,
      long end,
      Deadline deadline) {
    long window = 16;
    long to = end;
    while (to > start) {
      long from = Math.max(start, to - window);
      SnapshotManifest[] newest = {null};
      read(
          consumer,
          tp,
          from,
          to,
          deadline,
          record -> {
            SnapshotChunk chunk = parse(record.value());
            if (chunk != null
                && chunk.hasManifest()
                && (newest[0] == null
                    || chunk.getManifest().getPushOffset() >= newest[0].getPushOffset())) {
              newest[0] = chunk.getManifest();
            }
          });
      if (newest[0] != null) {
        return newest[0];
      }
      to = from;
      window *= 2;
    }
    return null;
  }

  /** The record after a snapshot's chunks, that describes them. */
  static byte[] manifestRecord(SnapshotManifest manifest) {
    return SnapshotChunk.newBuilder()
        .setPartition(manifest.getPartition())
        .setPushOffset(manifest.getPushOffset())
        .setManifest(manifest)
        .build()
        .toByteArray();
  }

  static SnapshotChunk parse(byte[] value) {
    try {
      return value == null ? null : SnapshotChunk.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
