package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoreService;
import io.kpushgateway.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/** Reads every group of this node's partitions through interactive queries. */
public final class LocalGroupReader {

  private final StoreService store;

  public LocalGroupReader(StoreService store) {
    this.store = store;
  }

  /**
   * All local groups in canonical grouping-key order (the order of the merge rules), which the
   * per-partition iterators do not give across partitions.
   */
  public List<GroupRecord> readAll() {
    List<KeyValue<Bytes, GroupRecord>> groups = new ArrayList<>();
    try (KeyValueIterator<Bytes, GroupRecord> it = store.groups().all()) {
      it.forEachRemaining(groups::add);
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the groups store moved while reading: " + e.getMessage());
    }
    groups.sort(Comparator.comparing(kv -> kv.key));
    List<GroupRecord> records = new ArrayList<>(groups.size());
    for (KeyValue<Bytes, GroupRecord> kv : groups) {
      records.add(kv.value);
    }
    return records;
  }
}
