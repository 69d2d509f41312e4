package io.kpushgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.proto.SnapshotManifest;
import org.junit.jupiter.api.Test;

/** The offline snapshot index answers {@link SnapshotIndex}'s questions as the store's does. */
class MemoryIndexTest {

  @Test
  void newestAndOldestUsableInOffsetOrderAndTombstonesRemove() {
    MemoryIndex index = new MemoryIndex();
    for (long offset : new long[] {300, 5, 256, 40}) { // 256 > 255: unsigned byte order matters
      index.put(SnapshotIndex.key(offset), manifest(offset, offset * 10).toByteArray());
    }
    index.put(SnapshotIndex.key(300), null); // a changelog tombstone

    assertThat(SnapshotIndex.newest(index).getPushOffset()).isEqualTo(256);
    assertThat(SnapshotIndex.newestUsable(index, 255, 0, 0).getPushOffset()).isEqualTo(40);
    assertThat(SnapshotIndex.newestUsable(index, 1000, 0, 0).getPushOffset()).isEqualTo(256);
    assertThat(SnapshotIndex.newestUsable(index, 4, 0, 0)).isNull();
    // chunks of the snapshots before offset 40 deleted by retention
    assertThat(SnapshotIndex.oldestUsable(index, 0, 400).getPushOffset()).isEqualTo(40);
    assertThat(index.approximateNumEntries()).isEqualTo(3);
  }

  private static SnapshotManifest manifest(long pushOffset, long firstChunk) {
    return SnapshotManifest.newBuilder()
        .setPushOffset(pushOffset)
        .setFirstChunkOffset(firstChunk)
        .setLastChunkOffset(firstChunk)
        .setChunks(1)
        .build();
  }
}
