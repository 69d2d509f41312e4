package io.kpushgateway.app.role;

/** One condition of a node's readiness ({@code /-/ready}), for a part it runs. */
@FunctionalInterface
public interface Readiness {
  /** Null when met, else why the node is not ready, e.g. "the groups store is REBALANCING". */
  String notReadyBecause();
}
