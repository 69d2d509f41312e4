package io.kpushgateway.store;

import java.util.List;
import java.util.SortedMap;

/** What a read of some partitions gave: the groups, and each partition it could not read. */
public record PartitionRead(List<StoredGroup> groups, SortedMap<Integer, String> unavailable) {}
