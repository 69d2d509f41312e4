package io.kpushgateway.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where each partition lives: the store node serving it as active (absent while nobody does: its
 * node gone, not yet reassigned) and the nodes keeping a standby copy.
 */
public record Placement(
    SortedMap<Integer, NodeAddress> active, Map<Integer, List<NodeAddress>> standbys) {

  public Placement {
    active = Collections.unmodifiableSortedMap(new TreeMap<>(active));
    standbys = Map.copyOf(standbys);
  }

  /** The nodes with a standby copy of {@code partition}, possibly none. */
  public List<NodeAddress> standbysOf(int partition) {
    return standbys.getOrDefault(partition, List.of());
  }
}
