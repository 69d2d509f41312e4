package io.kpushgateway.store;

import io.kpushgateway.proto.SnapshotManifest;
import java.util.Iterator;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The Kafka side of taking snapshots: appending a snapshot's chunks to the snapshots topic, and the
 * offsets a snapshot writer needs to know (implemented by {@link KafkaSnapshotLog}).
 */
interface SnapshotLog {

  /** Where a snapshot's chunks went, both offsets included. */
  record Appended(long firstOffset, long lastOffset) {}

  /**
   * Appends {@code chunks} (serialized {@code SnapshotChunk}s, built as they are taken, so a
   * snapshot is never whole in memory) to the snapshots topic's {@code partition}, in order, and
   * waits until every in-sync replica has them.
   *
   * @throws RuntimeException when they are not all acknowledged: the snapshot is not taken
   */
  Appended append(int partition, Iterator<byte[]> chunks);

  /**
   * Appends again the records from {@code firstOffset} to {@code lastOffset} of the snapshots
   * topic's {@code partition} (a snapshot that retention would otherwise delete), as {@link
   * #append}.
   */
  Appended copy(int partition, long firstOffset, long lastOffset);

  /** The newest snapshot written to the snapshots topic's {@code partition}, or null. */
  SnapshotManifest newestManifest(int partition);

  /**
   * Hands each group of {@code snapshot} (key, {@code GroupRecord} bytes) to {@code group}.
   *
   * @throws RuntimeException when some of its chunks are gone
   */
  void load(SnapshotManifest snapshot, BiConsumer<Bytes, byte[]> group);

  /** The oldest offset still in the pushes topic's {@code partition}. */
  long pushesStartOffset(int partition);

  /** The next offset of the pushes topic's {@code partition}. */
  long pushesEndOffset(int partition);

  /** The oldest offset still in the snapshots topic's {@code partition}. */
  long snapshotsStartOffset(int partition);
}
