package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.StoredGroups;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * Turns stored groups (grouping key → {@code GroupRecord} bytes) into records in grouping-key
 * order, reusing the record parsed at the previous read for a group whose bytes did not change.
 *
 * <p>Scrapes then cost no parsing and little garbage for the groups nobody pushed to meanwhile,
 * instead of a fresh copy of every group that lives through the whole scrape and, on a big store,
 * through several collections. The price is that the parsed groups of the last read stay in
 * memory, as upstream keeps all of them. Protobuf messages are immutable, so sharing is safe.
 */
final class ParsedGroups {

  /** The groups of the last complete read, by key; replaced whole, never changed. */
  private volatile Map<Bytes, Parsed> lastRead = Map.of();

  private record Parsed(byte[] bytes, GroupRecord group) {}

  /**
   * The records of {@code stored}, sorted by grouping key (the order of the merge rules, which
   * per-partition reads do not give across partitions). Sorts {@code stored} in place.
   */
  List<GroupRecord> parse(List<KeyValue<Bytes, byte[]>> stored) {
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
