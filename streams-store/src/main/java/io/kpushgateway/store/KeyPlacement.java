package io.kpushgateway.store;

import java.util.List;
import java.util.Optional;

/**
 * Where one key's partition lives: the store node serving it as active (empty while nobody does)
 * and the nodes keeping a standby copy.
 */
public record KeyPlacement(
    int partition, Optional<NodeAddress> active, List<NodeAddress> standbys) {

  public KeyPlacement {
    standbys = List.copyOf(standbys);
  }
}
