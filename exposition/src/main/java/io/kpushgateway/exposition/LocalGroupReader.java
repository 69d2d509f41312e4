package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoreService;
import io.kpushgateway.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads every group of this node's partitions through interactive queries: the whole store of a
 * single node, one shard of a cluster ({@code /metrics?scope=local}).
 */
public final class LocalGroupReader implements GroupSource {

  private final StoreService store;
  private final ParsedGroups parsed = new ParsedGroups();

  public LocalGroupReader(StoreService store) {
    this.store = store;
  }

  @Override
  public List<GroupRecord> readAll() {
    List<KeyValue<Bytes, byte[]>> stored = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.groups().all()) {
      it.forEachRemaining(stored::add);
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the groups store moved while reading: " + e.getMessage());
    }
    return parsed.parse(stored);
  }
}
