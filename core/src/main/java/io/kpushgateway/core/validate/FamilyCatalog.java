package io.kpushgateway.core.validate;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.List;
import java.util.Map;

/**
 * Every group's shape (family names, types, series identities) and the two jobs done on it: the
 * ingest's cross-group {@link ConsistencyCheck} and the {@link RaceDetector}, at a cost that
 * depends on the push, not on the store (a few hash lookups per pushed series, in a {@link
 * ShapeIndex}).
 *
 * <p>Fed by the store's shapes (authoritative, possibly late) and by the pushes this node has just
 * had acknowledged (so a client that pushes twice in a row through one node sees its first push). A
 * shape older than the one known for its group is ignored. Thread-safe: one lock for the index and
 * both jobs.
 */
public final class FamilyCatalog {

  /** A group that holds families conflicting with a group of smaller key. */
  public record Conflict(GroupingKey loser, List<Revocation> revoked, String reason) {}

  private final ShapeIndex index = new ShapeIndex();
  private final ConsistencyCheck check = new ConsistencyCheck(index);
  private final RaceDetector races = new RaceDetector(index);

  /** The gateway's own families: a pushed family of such a name must have the same type. */
  public void setOwnFamilies(Map<String, MetricType> ownTypes) {
    check.setOwnFamilies(ownTypes);
  }

  public synchronized int size() {
    return index.size();
  }

  /** The shape known for {@code key}, or null. */
  public synchronized GroupShape shape(GroupingKey key) {
    return index.shape(key);
  }

  /**
   * Records a group's shape unless a newer one (or a newer deletion) is known.
   *
   * @return whether the shape was taken
   */
  public synchronized boolean put(GroupShape shape) {
    return index.put(shape);
  }

  /**
   * Forgets a group deleted at {@code asOfUnixNanos}, unless it was pushed again later. A deletion
   * {@code confirmed} by the store clears this node's pending mark; an unconfirmed one (a DELETE
   * this node took) sets it, so a late older shape cannot bring the group back.
   */
  public synchronized void remove(GroupingKey key, long asOfUnixNanos, boolean confirmed) {
    index.remove(key, asOfUnixNanos, confirmed);
  }

  /** Takes in a push this node has just had acknowledged, ahead of the store's shape. */
  public void accepted(PushRecord push) {
    accepted(push, Map.of());
  }

  /**
   * {@link #accepted(PushRecord)} with the shapes {@link #check} returned for the push, so a big
   * push's series are not hashed a second time (on the producer's thread, which answers pushes).
   */
  public synchronized void accepted(PushRecord push, Map<String, FamilyShape> checked) {
    index.accepted(push, checked);
  }

  /**
   * Checks a push against every other group and the gateway's own families, as upstream's
   * consistency check would after applying it.
   *
   * @param families the push, sanitized and checked on its own by {@link PushValidator}
   * @return the shapes of the pushed families with series, by name, for {@link #accepted}
   * @throws PushRejectedException {@link PushRejectedException.Reason#INVALID_METRICS}, with
   *     upstream's wording, naming the first conflict
   */
  public synchronized Map<String, FamilyShape> check(
      GroupingKey key, Method method, List<MetricFamily> families) {
    return check.check(key, method, families);
  }

  /**
   * The groups that must give up families because they conflict with a group of smaller key,
   * looking only at conflicts that involve {@code key}.
   */
  public synchronized List<Conflict> conflictsOf(GroupingKey key) {
    return races.conflictsOf(key);
  }

  /** Every conflict in the catalog (e.g. once it has caught up after a start). */
  public synchronized List<Conflict> allConflicts() {
    return races.allConflicts();
  }
}
