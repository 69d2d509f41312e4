package io.kpushgateway.store;

import io.kpushgateway.proto.HistoryPage;

/**
 * The push history as its readers see it, in our own types: where a group's history lives, and one
 * page of it from this node's copy. Implemented over Kafka Streams' interactive queries ({@link
 * StreamsHistoryStore}); the exposition knows only this seam.
 */
public interface HistoryStore {

  /**
   * Where the history of the group with the grouping key bytes {@code groupKey} lives: the
   * partition of the push log it is on, its active node and its standby copies.
   *
   * @throws StoreUnavailableException while this node's store is not started, or Kafka Streams does
   *     not know the placement yet
   */
  KeyPlacement placementOf(byte[] groupKey);

  /**
   * One page of the group's history, newest first, from this node's copy: the active one, or with
   * {@code fromStandby} also a standby copy (which lacks the pushes its active had not applied
   * yet). Reads only that group's entries. A group without history is an empty page.
   *
   * @throws StoreUnavailableException when this node cannot read the group's partition right now
   *     (not hosted here, restoring, moved during the read)
   */
  HistoryPage read(byte[] groupKey, HistoryQuery query, boolean fromStandby);
}
