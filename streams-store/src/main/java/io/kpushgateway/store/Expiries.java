package io.kpushgateway.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the store's processors share about expiry: the node name they write into EXPIRE records, and
 * how many groups an EXPIRE removed on this node (its self-metric).
 */
final class Expiries {

  private final String node;
  private final LongAdder expired = new LongAdder();

  Expiries(String node) {
    this.node = node;
  }

  String node() {
    return node;
  }

  void expired() {
    expired.increment();
  }

  long count() {
    return expired.sum();
  }
}
