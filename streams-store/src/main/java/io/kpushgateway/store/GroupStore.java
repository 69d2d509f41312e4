package io.kpushgateway.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The store as its readers see it, in our own types: where each partition of the push log lives,
 * and this node's groups. Implemented over Kafka Streams' interactive queries ({@link
 * StreamsGroupStore}); the exposition knows only this seam, so its read policies are tested against
 * a fake.
 */
public interface GroupStore {

  /**
   * Where each partition lives, from the group's last assignment.
   *
   * @throws StoreUnavailableException while this node's store is not started or is shutting down
   */
  Placement placement();

  /**
   * The groups of the given partitions from this node's active copies (with {@code fromStandby},
   * also from its standby copies, which lack the pushes their active had not applied yet); each
   * partition this node cannot read right now is reported instead, with the reason. Never throws
   * for an unavailable partition.
   */
  PartitionRead read(Collection<Integer> partitions, boolean fromStandby);

  /**
   * The groups of the given partitions as they were at {@code at} (see {@link AsOfReader}), from
   * this node's snapshot index of each (with {@code fromStandby}, also a standby copy's); a
   * partition whose history starts after {@code at} is in {@link PartitionRead#beforeHistory()}.
   * Never throws for an unavailable partition.
   */
  PartitionRead readAt(Collection<Integer> partitions, boolean fromStandby, Instant at);

  /**
   * Every group of the partitions this node serves as active, in no particular order.
   *
   * @throws StoreUnavailableException while the store is starting, rebalancing or restoring, or
   *     when its partitions move during the read
   */
  List<StoredGroup> readLocal();

  /** This node's share of the partitions right now; none while not started. */
  LocalShare localShare();

  /** An estimate of the groups in this node's active partitions; NaN while not running. */
  double approximateGroups();

  /** Pushes on Kafka that this node's active partitions have not applied yet. */
  double pushesLag();

  /** Groups an expiry removed on this node since it started (their TTL ran out). */
  long groupsExpired();
}
