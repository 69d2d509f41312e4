package io.kpushgateway.store;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

/**
 * What a read of some partitions gave: the groups, each partition it could not read, and, for a
 * read of the state as of an instant, each partition whose retained history starts after it (with
 * the oldest instant it can answer).
 */
public record PartitionRead(
    List<StoredGroup> groups,
    SortedMap<Integer, String> unavailable,
    SortedMap<Integer, Instant> beforeHistory) {

  public PartitionRead(List<StoredGroup> groups, SortedMap<Integer, String> unavailable) {
    this(groups, unavailable, Collections.emptySortedMap());
  }
}
