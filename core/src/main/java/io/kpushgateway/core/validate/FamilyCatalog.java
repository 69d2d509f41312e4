package io.kpushgateway.core.validate;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.NameClash;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cross-group half of the Pushgateway's consistency check, at a cost that depends on the push,
 * not on the store: an index of every group's shape (family names, types, series identities)
 * answers "does another group hold this name with another type, a colliding histogram or summary
 * suffix, or this very series?" with a few hash lookups per pushed series.
 *
 * <p>Fed by the store's shapes (authoritative, possibly late) and by the pushes this node has just
 * had acknowledged (so a client that pushes twice in a row through one node sees its first push).
 * A shape older than the one known for its group is ignored.
 *
 * <p>Two conflicting pushes taken at the same time by different nodes both pass; {@link
 * #conflictsOf} then names the loser deterministically: of two conflicting groups, the one with the
 * larger grouping key, which is also the one the exposition hides (it serves groups in key order,
 * first type wins). Thread-safe.
 */
public final class FamilyCatalog {

  /** A group that holds families conflicting with a group of smaller key. */
  public record Conflict(GroupingKey loser, List<Revocation> revoked, String reason) {}

  private final Map<GroupingKey, GroupShape> groups = new HashMap<>();
  /** family name → type → the groups holding a family of that name and type. */
  private final Map<String, EnumMap<MetricType, Set<GroupingKey>>> holders = new HashMap<>();
  /** series identity → the group holding it, or a {@code List<GroupingKey>} when several do. */
  private final Map<Long, Object> series = new HashMap<>();
  /** Groups this node deleted whose deletion the store has not confirmed yet: key → when. */
  private final Map<GroupingKey, Long> deletedAt = new HashMap<>();
  /** The gateway's own families: a pushed family of such a name must have the same type. */
  private volatile Map<String, MetricType> own = Map.of();

  public void setOwnFamilies(Map<String, MetricType> ownTypes) {
    this.own = Map.copyOf(ownTypes);
  }

  public synchronized int size() {
    return groups.size();
  }

  /** The shape known for {@code key}, or null. */
  public synchronized GroupShape shape(GroupingKey key) {
    return groups.get(key);
  }

  /**
   * Records a group's shape unless a newer one (or a newer deletion) is known.
   *
   * @return whether the shape was taken
   */
  public synchronized boolean put(GroupShape shape) {
    GroupingKey key = GroupShapes.key(shape);
    long asOf = shape.getAsOfUnixNanos();
    Long deleted = deletedAt.get(key);
    if (deleted != null) {
      if (asOf < deleted) {
        return false;
      }
      deletedAt.remove(key);
    }
    GroupShape old = groups.get(key);
    if (old != null && asOf < old.getAsOfUnixNanos()) {
      return false;
    }
    unindex(key, old);
    groups.put(key, shape);
    index(key, shape);
    return true;
  }

  /**
   * Forgets a group deleted at {@code asOfUnixNanos}, unless it was pushed again later. A deletion
   * {@code confirmed} by the store clears this node's pending mark; an unconfirmed one (a DELETE
   * this node took) sets it, so a late older shape cannot bring the group back.
   */
  public synchronized void remove(GroupingKey key, long asOfUnixNanos, boolean confirmed) {
    if (confirmed) {
      Long pending = deletedAt.get(key);
      if (pending != null && pending <= asOfUnixNanos) {
        deletedAt.remove(key);
      }
    } else {
      deletedAt.merge(key, asOfUnixNanos, Math::max);
    }
    GroupShape old = groups.get(key);
    if (old == null || old.getAsOfUnixNanos() > asOfUnixNanos) {
      return;
    }
    unindex(key, old);
    groups.remove(key);
  }

  /** Takes in a push this node has just had acknowledged, ahead of the store's shape. */
  public synchronized void accepted(PushRecord push) {
    if (!push.getRejection().isEmpty()) {
      return;
    }
    GroupingKey key = GroupingKey.fromLabelPairs(push.getGroupingList());
    GroupShape after = GroupShapes.afterPush(groups.get(key), push);
    if (after == null) {
      remove(key, push.getReceivedAtUnixNanos(), false);
    } else {
      put(after);
    }
  }

  /**
   * Checks a push against every other group and the gateway's own families, as upstream's
   * consistency check would after applying it.
   *
   * @param families the push, sanitized and checked on its own by {@link PushValidator}
   * @throws PushRejectedException {@link PushRejectedException.Reason#INVALID_METRICS}, with
   *     upstream's wording, naming the first conflict
   */
  public synchronized void check(GroupingKey key, Method method, List<MetricFamily> families) {
    GroupShape current = groups.get(key);
    Map<String, FamilyShape> mine = new HashMap<>();
    if (current != null) {
      for (FamilyShape f : current.getFamiliesList()) {
        mine.put(f.getName(), f);
      }
    }
    Set<String> pushed = new HashSet<>();
    for (MetricFamily f : families) {
      pushed.add(f.getName());
    }
    // what the group keeps besides the push: nothing for PUT, the other families for POST
    Map<String, MetricType> retained = new HashMap<>();
    if (method == Method.POST) {
      mine.forEach((name, f) -> {
        if (!pushed.contains(name)) {
          retained.put(name, f.getType());
        }
      });
    }
    for (MetricFamily family : families) {
      // a family without series (protobuf) only removes what the group held: nothing to check
      if (family.getMetricCount() > 0) {
        checkFamily(key, family, retained);
      }
    }
  }

  private void checkFamily(GroupingKey key, MetricFamily family, Map<String, MetricType> retained) {
    String name = family.getName();
    MetricType type = family.getType();
    Metric first = family.getMetric(0);
    MetricType ownType = own.get(name);
    if (ownType != null && ownType != type) {
      throw PushRejectedException.invalidMetrics(
          "gathered metric family " + name + " has type " + type + " but should have " + ownType);
    }
    for (MetricType other : typesElsewhere(name, key)) {
      if (other != type) {
        throw PushRejectedException.invalidMetrics(
            PushValidator.describe(family, first) + " is not a " + other);
      }
    }
    for (String suffix : NameClash.suffixes(type)) {
      String suffixed = name + suffix;
      if (own.containsKey(suffixed)
          || retained.containsKey(suffixed)
          || !typesElsewhere(suffixed, key).isEmpty()) {
        throw PushRejectedException.invalidMetrics(
            "collected " + NameClash.kind(type) + " named \"" + name
                + "\" collides with previously collected metric named \"" + suffixed + "\"");
      }
    }
    String base = NameClash.base(name);
    if (base != null) {
      Set<MetricType> baseTypes = new HashSet<>(typesElsewhere(base, key));
      if (own.containsKey(base)) {
        baseTypes.add(own.get(base));
      }
      if (retained.containsKey(base)) {
        baseTypes.add(retained.get(base));
      }
      for (MetricType baseType : baseTypes) {
        if (NameClash.claims(baseType, name)) {
          throw PushRejectedException.invalidMetrics(
              PushValidator.collision(name, NameClash.kind(baseType), base));
        }
      }
    }
    for (Metric metric : family.getMetricList()) {
      long id = GroupShapes.seriesId(name, metric);
      Object holder = series.get(id);
      if (holder != null && !onlyHeldBy(holder, key)) {
        throw PushRejectedException.invalidMetrics(
            PushValidator.describe(family, metric)
                + " was collected before with the same name and label values");
      }
    }
  }

  /**
   * The groups that must give up families because they conflict with a group of smaller key,
   * looking only at conflicts that involve {@code key}.
   */
  public synchronized List<Conflict> conflictsOf(GroupingKey key) {
    Map<GroupingKey, Conflicting> losers = new LinkedHashMap<>();
    collectConflicts(key, losers);
    return toConflicts(losers);
  }

  /** Every conflict in the catalog (e.g. once it has caught up after a start). */
  public synchronized List<Conflict> allConflicts() {
    Map<GroupingKey, Conflicting> losers = new TreeMap<>();
    for (GroupingKey key : new ArrayList<>(groups.keySet())) {
      collectConflicts(key, losers);
    }
    return toConflicts(losers);
  }

  private static final class Conflicting {
    final Set<Revocation> revoked = new LinkedHashSet<>();
    String reason;
  }

  private void collectConflicts(GroupingKey key, Map<GroupingKey, Conflicting> losers) {
    GroupShape shape = groups.get(key);
    if (shape == null) {
      return;
    }
    for (FamilyShape f : shape.getFamiliesList()) {
      String name = f.getName();
      EnumMap<MetricType, Set<GroupingKey>> byType = holders.get(name);
      if (byType != null) {
        byType.forEach((type, keys) -> {
          if (type != f.getType()) {
            for (GroupingKey other : keys) {
              settle(key, f, other, name, type, "holds " + name + " as " + type, losers);
            }
          }
        });
      }
      String kind = NameClash.kind(f.getType());
      for (String suffix : NameClash.suffixes(f.getType())) {
        forEachHolder(name + suffix, key, (other, type) ->
            settle(key, f, other, name + suffix, type, "collides with " + kind + " " + name,
                losers));
      }
      String base = NameClash.base(name);
      if (base != null) {
        forEachHolder(base, key, (other, type) -> {
          if (NameClash.claims(type, name)) {
            settle(key, f, other, base, type,
                "collides with " + NameClash.kind(type) + " " + base, losers);
          }
        });
      }
      for (long id : f.getSeriesList()) {
        for (GroupingKey other : holdersOf(series.get(id))) {
          if (!other.equals(key)) {
            MetricType type = typeIn(groups.get(other), name);
            if (type != null) {
              settle(key, f, other, name, type, "holds the same series of " + name, losers);
            }
          }
        }
      }
    }
  }

  private interface HolderSink {
    void accept(GroupingKey other, MetricType type);
  }

  private void forEachHolder(String name, GroupingKey except, HolderSink sink) {
    EnumMap<MetricType, Set<GroupingKey>> byType = holders.get(name);
    if (byType == null) {
      return;
    }
    byType.forEach((type, keys) -> {
      for (GroupingKey other : keys) {
        if (!other.equals(except)) {
          sink.accept(other, type);
        }
      }
    });
  }

  /** Of {@code key}'s family {@code f} and {@code other}'s family (name, type), the larger key loses. */
  private static void settle(
      GroupingKey key,
      FamilyShape f,
      GroupingKey other,
      String otherName,
      MetricType otherType,
      String what,
      Map<GroupingKey, Conflicting> losers) {
    boolean keyLoses = key.compareTo(other) > 0;
    GroupingKey loser = keyLoses ? key : other;
    Revocation revoked =
        keyLoses
            ? Revocation.newBuilder().setName(f.getName()).setType(f.getType()).build()
            : Revocation.newBuilder().setName(otherName).setType(otherType).build();
    Conflicting c = losers.computeIfAbsent(loser, k -> new Conflicting());
    c.revoked.add(revoked);
    if (c.reason == null) {
      GroupingKey winner = keyLoses ? other : key;
      c.reason =
          "lost a race against a conflicting push: group " + winner + " "
              + (keyLoses ? what : "holds " + f.getName() + " as " + f.getType());
    }
  }

  private static List<Conflict> toConflicts(Map<GroupingKey, Conflicting> losers) {
    List<Conflict> result = new ArrayList<>(losers.size());
    losers.forEach((k, c) -> result.add(new Conflict(k, List.copyOf(c.revoked), c.reason)));
    return result;
  }

  private Set<MetricType> typesElsewhere(String name, GroupingKey except) {
    EnumMap<MetricType, Set<GroupingKey>> byType = holders.get(name);
    if (byType == null) {
      return Set.of();
    }
    Set<MetricType> types = new HashSet<>();
    byType.forEach((type, keys) -> {
      if (keys.size() > 1 || !keys.contains(except)) {
        types.add(type);
      }
    });
    return types;
  }

  /**
   * Whether {@code holder} is only this group's own copy of the series. The identity includes the
   * family name, and a push replaces the whole family of its name, so that copy goes away.
   */
  private static boolean onlyHeldBy(Object holder, GroupingKey key) {
    return holder instanceof GroupingKey single && single.equals(key);
  }

  private static MetricType typeIn(GroupShape shape, String name) {
    if (shape == null) {
      return null;
    }
    for (FamilyShape f : shape.getFamiliesList()) {
      if (f.getName().equals(name)) {
        return f.getType();
      }
    }
    return null;
  }

  private void index(GroupingKey key, GroupShape shape) {
    for (FamilyShape f : shape.getFamiliesList()) {
      holders
          .computeIfAbsent(f.getName(), n -> new EnumMap<>(MetricType.class))
          .computeIfAbsent(f.getType(), t -> new HashSet<>(2))
          .add(key);
      for (long id : f.getSeriesList()) {
        series.merge(id, key, FamilyCatalog::addHolder);
      }
    }
  }

  private void unindex(GroupingKey key, GroupShape shape) {
    if (shape == null) {
      return;
    }
    for (FamilyShape f : shape.getFamiliesList()) {
      EnumMap<MetricType, Set<GroupingKey>> byType = holders.get(f.getName());
      if (byType != null) {
        Set<GroupingKey> keys = byType.get(f.getType());
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
          byType.remove(f.getType());
          if (byType.isEmpty()) {
            holders.remove(f.getName());
          }
        }
      }
      for (long id : f.getSeriesList()) {
        series.computeIfPresent(id, (k, holder) -> removeHolder(holder, key));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<GroupingKey> holdersOf(Object holder) {
    if (holder == null) {
      return List.of();
    }
    return holder instanceof GroupingKey k ? List.of(k) : (List<GroupingKey>) holder;
  }

  @SuppressWarnings("unchecked")
  private static Object addHolder(Object holder, Object key) {
    List<GroupingKey> many = new ArrayList<>(holdersOf(holder));
    many.add((GroupingKey) key);
    return many;
  }

  @SuppressWarnings("unchecked")
  private static Object removeHolder(Object holder, GroupingKey key) {
    if (holder instanceof GroupingKey k) {
      return k.equals(key) ? null : k;
    }
    List<GroupingKey> many = new ArrayList<>((List<GroupingKey>) holder);
    many.remove(key);
    return many.isEmpty() ? null : many.size() == 1 ? many.get(0) : many;
  }
}
