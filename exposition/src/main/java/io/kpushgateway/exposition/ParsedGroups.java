package io.kpushgateway.exposition;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.StoredFamily;
import io.kpushgateway.store.StoredGroup;
import io.kpushgateway.store.StoredGroups;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns stored groups (grouping key → {@code GroupRecord} bytes) into records in grouping-key
 * order, reusing the record parsed at the previous read for a group whose bytes did not change.
 *
 * <p>Scrapes then cost no parsing and little garbage for the groups nobody pushed to meanwhile,
 * instead of a fresh copy of every group that lives through the whole scrape and, on a big store,
 * through several collections. The price is that the parsed groups of the last read stay in memory,
 * as upstream keeps all of them. Protobuf messages are immutable, so sharing is safe.
 */
final class ParsedGroups {

  /** The groups of the last complete read, by key bytes; replaced whole, never changed. */
  private volatile Map<ByteBuffer, Parsed> lastRead = Map.of();

  @SuppressWarnings("ArrayRecordComponent") // bytes compared with Arrays.equals
  private record Parsed(byte[] bytes, GroupRecord group) {}

  /**
   * The records of {@code stored}, sorted by grouping key (the order of the merge rules, which
   * per-partition reads do not give across partitions), remembered for the next read. Sorts {@code
   * stored} in place.
   */
  List<GroupRecord> parse(List<StoredGroup> stored) {
    stored.sort(StoredGroup.KEY_ORDER);
    Map<ByteBuffer, Parsed> previous = lastRead;
    Map<ByteBuffer, Parsed> current = new HashMap<>(stored.size() * 4 / 3 + 1);
    List<GroupRecord> records = new ArrayList<>(stored.size());
    for (StoredGroup group : stored) {
      ByteBuffer key = ByteBuffer.wrap(group.key()); // equal and hashed by content
      Parsed parsed = previous.get(key);
      if (parsed == null || !Arrays.equals(parsed.bytes(), group.value())) {
        parsed = new Parsed(group.value(), StoredGroups.parse(group.value()));
      }
      current.put(key, parsed);
      records.add(parsed.group());
    }
    lastRead = current; // concurrent reads: the last to finish is kept, each one is complete
    return records;
  }

  /**
   * As {@link #parse(List)}, for a page of the past: a group whose bytes are those of the last
   * current read reuses its record (a group nobody pushed to since), but nothing is remembered, so
   * the cache stays that of the current page.
   */
  List<GroupRecord> parsePast(List<StoredGroup> stored) {
    stored.sort(StoredGroup.KEY_ORDER);
    Map<ByteBuffer, Parsed> previous = lastRead;
    // most groups of a past page are parsed afresh: on every core, the page is waiting for them
    return stored.parallelStream()
        .map(
            group -> {
              if (group.parsed() != null) { // built or parsed by the read of the past
                return decodeStrings(group.parsed());
              }
              Parsed parsed = previous.get(ByteBuffer.wrap(group.key()));
              return parsed != null && Arrays.equals(parsed.bytes(), group.value())
                  ? parsed.group()
                  : decodeStrings(group.record()); // kept with the snapshot the reader keeps
            })
        .toList();
  }

  /**
   * Decodes the group's names, label names and values, which protobuf turns from UTF-8 bytes into
   * strings (once) when they are first asked for: here on every core, not one by one while the page
   * is merged and written on one thread. A page of the past is made of freshly parsed groups, which
   * the current page's cache holds already decoded.
   */
  private static GroupRecord decodeStrings(GroupRecord group) {
    for (StoredFamily stored : group.getFamiliesList()) {
      MetricFamily family = stored.getFamily();
      family.getName();
      family.getHelp();
      for (Metric metric : family.getMetricList()) {
        for (LabelPair label : metric.getLabelList()) {
          label.getName();
          label.getValue();
        }
      }
    }
    return group;
  }
}
