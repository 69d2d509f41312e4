package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoreService;
import io.kpushgateway.store.StoreUnavailableException;
import io.kpushgateway.store.StoredGroups;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads every group of this node's partitions through interactive queries.
 *
 * <p>A group whose stored bytes are the same as at the previous read is not parsed again: the
 * record parsed then is handed out (protobuf messages are immutable). Scrapes then cost no parsing
 * and little garbage for the groups nobody pushed to meanwhile, instead of a fresh copy of every
 * group that lives through the whole scrape and, on a big store, through several collections. The
 * price is that the parsed groups of the last read stay in memory, as upstream keeps all of them.
 */
public final class LocalGroupReader implements GroupSource {

  private final StoreService store;

  /** The groups of the last complete read, by key; replaced whole, never changed. */
  private volatile Map<Bytes, Parsed> lastRead = Map.of();

  private record Parsed(byte[] bytes, GroupRecord group) {}

  public LocalGroupReader(StoreService store) {
    this.store = store;
  }

  /**
   * All local groups in canonical grouping-key order (the order of the merge rules), which the
   * per-partition iterators do not give across partitions.
   */
  @Override
  public List<GroupRecord> readAll() {
    List<KeyValue<Bytes, byte[]>> stored = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.groups().all()) {
      it.forEachRemaining(stored::add);
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the groups store moved while reading: " + e.getMessage());
    }
    stored.sort(Comparator.comparing(kv -> kv.key));
    Map<Bytes, Parsed> previous = lastRead;
    Map<Bytes, Parsed> current = new HashMap<>(stored.size() * 4 / 3 + 1);
    List<GroupRecord> records = new ArrayList<>(stored.size());
    for (KeyValue<Bytes, byte[]> kv : stored) {
      Parsed parsed = previous.get(kv.key);
      if (parsed == null || !Arrays.equals(parsed.bytes(), kv.value)) {
        parsed = new Parsed(kv.value, StoredGroups.parse(kv.value));
      }
      current.put(kv.key, parsed);
      records.add(parsed.group());
    }
    lastRead = current; // concurrent reads: the last to finish is kept, each one is complete
    return records;
  }
}
