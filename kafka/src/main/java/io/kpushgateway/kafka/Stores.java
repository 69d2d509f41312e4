package io.kpushgateway.kafka;

/** The names of the gateway's Kafka Streams state stores. Never inline a store name. */
public final class Stores {

  /**
   * The latest state of every group: grouping key bytes → {@code GroupRecord}. Backed by the
   * compacted changelog {@code <application.id>-groups-changelog}, which Kafka Streams creates.
   */
  public static final String GROUPS = "groups";

  /**
   * Where each snapshot of a partition is: push-log offset (8 bytes, big-endian) → {@code
   * SnapshotManifest}. Small, backed by its changelog, so it moves with its partition.
   */
  public static final String SNAPSHOT_INDEX = "snapshot-index";

  private Stores() {}

  /** The changelog topic Kafka Streams names for {@code store} (e.g. to reset or inspect it). */
  public static String changelogTopic(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }
}
