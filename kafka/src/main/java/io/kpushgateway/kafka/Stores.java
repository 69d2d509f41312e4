package io.kpushgateway.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

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

  /**
   * Each group's push history: (length-prefixed grouping key bytes, push-log offset) → {@code
   * HistoryEntry}, so one group's entries are one key range in push-log order. Backed by {@code
   * <application.id>-history-changelog}, configured by {@link #historyChangelogConfig}.
   */
  public static final String HISTORY = "history";

  /**
   * When each group with a TTL expires: (deadline in Unix ns, 8 bytes big-endian; grouping key
   * bytes) → nothing, so the groups due are one key range from the start. Backed by its changelog,
   * so it moves with its partition; empty while no push sets a TTL.
   */
  public static final String DEADLINES = "deadlines";

  /**
   * For each recent batch push, how many of its groups the partition has applied, and which: read
   * by every scrape so that a batch is shown whole or not at all. Backed by its changelog; entries
   * are dropped some minutes after their batch.
   */
  public static final String BATCHES = "batches";

  private static final long SEGMENT_MS_MAX = Duration.ofDays(1).toMillis();

  private Stores() {}

  /** The changelog topic Kafka Streams names for {@code store} (e.g. to reset or inspect it). */
  public static String changelogTopic(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  /**
   * The history changelog's configuration: compacted (an entry the store trims is a tombstone), and
   * with a push retention also deleted by age like the push log, so the index ages out with the
   * pushes it describes even where the store never trims (a partition nobody serves).
   *
   * @param pushRetention how long the push log keeps pushes; null keeps them forever
   */
  public static Map<String, String> historyChangelogConfig(Duration pushRetention) {
    Map<String, String> config = new LinkedHashMap<>();
    if (pushRetention == null) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      return config;
    }
    long retentionMs = pushRetention.toMillis();
    config.put(
        TopicConfig.CLEANUP_POLICY_CONFIG,
        TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
    config.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
    // as the push log: whole segments go, so roll them at least daily
    config.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Math.min(retentionMs, SEGMENT_MS_MAX)));
    return config;
  }
}
