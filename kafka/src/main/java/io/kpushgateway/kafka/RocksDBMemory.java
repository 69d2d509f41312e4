package io.kpushgateway.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The one memory bound of every RocksDB store of a Kafka Streams application ({@code
 * --store.rocksdb-memory}): one LRU block cache that also holds the stores' index and filter
 * blocks, and a write buffer manager that charges their memtables to that cache, as Kafka Streams'
 * "RocksDB memory management" describes. Without it each store of each task has its own 50 MiB
 * cache and up to 3 x 16 MiB of memtables (five stores per partition: ~2 GiB for four partitions),
 * and its index and filter blocks outside any cache, growing with the data.
 *
 * <p>Kafka Streams creates its {@link RocksDBConfigSetter} by class, so {@link ConfigSetter} finds
 * the memory of its application by the {@code state.dir} and {@code application.id} it is given:
 * the owner {@link #open opens} it before the application starts and {@link #close closes} it once
 * every store is closed. An application's state directory has one instance at a time (Kafka Streams
 * locks it), so gateways in one JVM (tests) have one bound each.
 */
public final class RocksDBMemory implements AutoCloseable {

  /** Below this the stores' memtables alone would flush at every few pushes. */
  public static final long MIN_BYTES = 16L << 20;

  /** Share of the cache kept for index and filter blocks (RocksDB's high-priority pool). */
  private static final double INDEX_FILTER_SHARE = 0.1;

  /** Memtables may take up to half the bound; flushing them frees it for reads. */
  private static final int MEMTABLE_SHARE_DIVISOR = 2;

  /** Kafka Streams' memtable size per store; smaller when the bound is small. */
  private static final long WRITE_BUFFER_BYTES = 16L << 20;

  private static final ConcurrentMap<String, RocksDBMemory> BY_APPLICATION =
      new ConcurrentHashMap<>();

  static {
    // the cache is made before any store opens, and RocksDB's classes load its JNI library lazily
    RocksDB.loadLibrary();
  }

  private final String application;
  private final long capacityBytes;
  private final long writeBufferBytes;
  private final Cache cache;
  private final WriteBufferManager writeBuffers;
  private boolean closed;

  private RocksDBMemory(String application, long capacityBytes) {
    this.application = application;
    this.capacityBytes = capacityBytes;
    long memtables = capacityBytes / MEMTABLE_SHARE_DIVISOR;
    // several stores can each hold a memtable before the manager makes the largest flush
    this.writeBufferBytes = Math.min(WRITE_BUFFER_BYTES, memtables / 4);
    // not strict: a full cache makes RocksDB evict later, instead of failing a read or a write
    this.cache = new LRUCache(capacityBytes, -1, false, INDEX_FILTER_SHARE);
    this.writeBuffers = new WriteBufferManager(memtables, cache);
  }

  /**
   * The memory of the Kafka Streams application with this {@code state.dir} and {@code
   * application.id}, until {@link #close}.
   *
   * @throws IllegalStateException when that application has one open already
   */
  public static RocksDBMemory open(Path stateDir, String applicationId, long capacityBytes) {
    if (capacityBytes < MIN_BYTES) {
      throw new IllegalArgumentException(
          "RocksDB memory must be at least " + MIN_BYTES + " bytes: " + capacityBytes);
    }
    String key = key(stateDir.toString(), applicationId);
    RocksDBMemory memory = new RocksDBMemory(key, capacityBytes);
    if (BY_APPLICATION.putIfAbsent(key, memory) != null) {
      memory.release();
      throw new IllegalStateException("RocksDB memory of " + key + " is open already");
    }
    return memory;
  }

  /** Where Kafka Streams keeps the application's stores: {@code <state.dir>/<application.id>}. */
  private static String key(String stateDir, String applicationId) {
    return Path.of(stateDir).toAbsolutePath().normalize().resolve(applicationId).toString();
  }

  /** The bound: the shared cache's capacity, memtables included. */
  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * What the shared cache holds: data, index and filter blocks and the memtables' reservations; NaN
   * once closed.
   */
  public synchronized double usageBytes() {
    return closed ? Double.NaN : cache.getUsage();
  }

  /** The part of {@link #usageBytes} that readers or the memtables hold pinned; NaN once closed. */
  public synchronized double pinnedUsageBytes() {
    return closed ? Double.NaN : cache.getPinnedUsage();
  }

  /** Points a store's options at the shared cache and write buffer manager. */
  synchronized void configure(String storeName, Options options) {
    if (closed) {
      throw new IllegalStateException(
          "RocksDB memory of " + application + " is closed; cannot open store " + storeName);
    }
    // the instance Kafka Streams made: it reads the cache back from it for its metrics
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBuffers);
    options.setWriteBufferSize(writeBufferBytes);
    options.setTableFormatConfig(table);
  }

  /**
   * Frees the cache and the write buffer manager. Call it only once the application's stores are
   * closed: Kafka Streams' own metrics read the cache through the stores' options until then. A
   * store opening afterwards fails instead of going unbounded.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    BY_APPLICATION.remove(application, this);
    release();
  }

  private void release() {
    // RocksDB keeps what an open store still uses (its options hold their own references)
    writeBuffers.close();
    cache.close();
  }

  /**
   * The {@code rocksdb.config.setter} of the store's Kafka Streams application: every store gets
   * the memory {@link #open} for the application's {@code state.dir} and {@code application.id}.
   */
  public static final class ConfigSetter implements RocksDBConfigSetter {

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
      Object stateDir = configs.get(StreamsConfig.STATE_DIR_CONFIG);
      Object applicationId = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
      RocksDBMemory memory =
          stateDir == null || applicationId == null
              ? null
              : BY_APPLICATION.get(key(stateDir.toString(), applicationId.toString()));
      if (memory == null) {
        throw new IllegalStateException(
            "no RocksDB memory open for state.dir "
                + stateDir
                + " and application.id "
                + applicationId
                + " (store "
                + storeName
                + ")");
      }
      memory.configure(storeName, options);
    }

    @Override
    public void close(String storeName, Options options) {
      // the cache and the manager are shared by every store: their owner closes them
    }
  }
}
