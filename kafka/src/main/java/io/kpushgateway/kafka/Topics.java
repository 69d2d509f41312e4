package io.kpushgateway.kafka;

import java.util.Objects;

/** The names of the gateway's topics, derived once from the prefix. Never inline a topic name. */
public final class Topics {

  private final String pushes;
  private final String catalog;
  private final String snapshots;

  private Topics(String prefix) {
    this.pushes = prefix + ".pushes";
    this.catalog = prefix + ".catalog";
    this.snapshots = prefix + ".snapshots";
  }

  public static Topics from(KafkaOptions options) {
    return new Topics(options.topics().prefix());
  }

  /**
   * {@code <prefix>.pushes}: the push log, keyed by the canonical grouping key, value {@code
   * PushRecord}, record timestamp = the broker's append time. Delete retention: it is the history.
   */
  public String pushes() {
    return pushes;
  }

  /**
   * {@code <prefix>.catalog}: every group's shape (family names, types, series identities), keyed
   * by the canonical grouping key, value {@code GroupShape}, a tombstone when the group is deleted.
   * Written by the store when a shape changes, compacted, read whole by every node for the
   * cross-group consistency check. One partition: its readers need all of it anyway.
   */
  public String catalog() {
    return catalog;
  }

  /**
   * {@code <prefix>.snapshots}: periodic snapshots of the store, {@code SnapshotChunk} records; the
   * snapshot of pushes partition P is in partition P. Kept a little longer than the pushes, so a
   * replay of the state as of any retained instant starts from one of them.
   */
  public String snapshots() {
    return snapshots;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topics other
        && pushes.equals(other.pushes)
        && catalog.equals(other.catalog)
        && snapshots.equals(other.snapshots);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pushes, catalog, snapshots);
  }

  @Override
  public String toString() {
    return "Topics[pushes=" + pushes + ", catalog=" + catalog + ", snapshots=" + snapshots + "]";
  }
}
