package io.kpushgateway.store;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A snapshot index held in memory, read offline ({@link HistoryReplay}) from the index's changelog
 * or the snapshots topic, in the shape {@link AsOfReader} reads the store's: keys in unsigned byte
 * order, as RocksDB and the changelog order them.
 */
final class MemoryIndex implements ReadOnlyKeyValueStore<Bytes, byte[]> {

  private final NavigableMap<Bytes, byte[]> entries = new TreeMap<>();

  /** Sets {@code key} to {@code value}; a null value (a changelog tombstone) removes it. */
  void put(Bytes key, byte[] value) {
    if (value == null) {
      entries.remove(key);
    } else {
      entries.put(key, value);
    }
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public byte[] get(Bytes key) {
    return entries.get(key);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return iterator(entries.subMap(from, true, to, true));
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    return iterator(entries.subMap(from, true, to, true).descendingMap());
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return iterator(entries);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    return iterator(entries.descendingMap());
  }

  @Override
  public long approximateNumEntries() {
    return entries.size();
  }

  private static KeyValueIterator<Bytes, byte[]> iterator(NavigableMap<Bytes, byte[]> view) {
    Iterator<Map.Entry<Bytes, byte[]>> it = view.entrySet().iterator();
    return new KeyValueIterator<>() {
      private Map.Entry<Bytes, byte[]> next = it.hasNext() ? it.next() : null;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        KeyValue<Bytes, byte[]> kv = KeyValue.pair(next.getKey(), next.getValue());
        next = it.hasNext() ? it.next() : null;
        return kv;
      }

      @Override
      public Bytes peekNextKey() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        return next.getKey();
      }

      @Override
      public void close() {}
    };
  }
}
