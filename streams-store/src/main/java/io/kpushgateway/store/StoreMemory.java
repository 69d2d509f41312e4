package io.kpushgateway.store;

/**
 * What this node's RocksDB stores take outside the Java heap, in bytes, read at scrape time: the
 * bound they share ({@code --store.rocksdb-memory}) and how much of it is in use. The JVM's own
 * memory (heap, metaspace, direct buffers) is the JVM metrics' part.
 */
public interface StoreMemory {

  /** The bound: the shared block cache's capacity, memtables included. */
  long limitBytes();

  /**
   * What the shared block cache holds: data, index and filter blocks and the memtables'
   * reservations; NaN once the store is closed.
   */
  double blockCacheUsageBytes();

  /** The part of the block cache held pinned by readers or memtables; NaN once closed. */
  double blockCachePinnedBytes();

  /** The memtables of every open store: active, immutable and not yet flushed, and pinned. */
  double memtableBytes();

  /** RocksDB stores open on this node (each store of each active or standby task). */
  int openStores();
}
