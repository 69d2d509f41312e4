package io.kpushgateway.store;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What a read of some partitions gave: the groups, each partition it could not read, and, for a
 * read of the state as of an instant, each partition whose retained history starts after it (with
 * the oldest instant it can answer). A read of the current state also gives how many groups of each
 * recent batch push the partitions read have applied (by batch id, summed), read before the groups,
 * so that a batch counted whole has every one of its groups in {@code groups}.
 */
public record PartitionRead(
    List<StoredGroup> groups,
    SortedMap<Integer, String> unavailable,
    SortedMap<Integer, Instant> beforeHistory,
    Map<String, Integer> batchesApplied) {

  public PartitionRead(
      List<StoredGroup> groups,
      SortedMap<Integer, String> unavailable,
      SortedMap<Integer, Instant> beforeHistory) {
    this(groups, unavailable, beforeHistory, Map.of());
  }

  public PartitionRead(List<StoredGroup> groups, SortedMap<Integer, String> unavailable) {
    this(groups, unavailable, Collections.emptySortedMap());
  }
}
