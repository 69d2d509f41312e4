package io.kpushgateway.core.validate;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
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

  private static final String[] HISTOGRAM_SUFFIXES = {"_bucket", "_count", "_sum"};
  private static final String[] SUMMARY_SUFFIXES = {"_count", "_sum"};

  private final Map<GroupingKey, GroupShape> groups = new HashMap<>();
  /** family name → type → the groups holding a family of that name and type. */
  private final Map<String, EnumMap<MetricType, Set<GroupingKey>>> holders = new HashMap<>();
  /** series identity → the groups holding it. */
  private final SeriesIndex series = new SeriesIndex();
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
  public void accepted(PushRecord push) {
    accepted(push, Map.of());
  }

  /**
   * {@link #accepted(PushRecord)} with the shapes {@link #check} returned for the push, so a big
   * push's series are not hashed a second time (on the producer's thread, which answers pushes).
   */
  public synchronized void accepted(PushRecord push, Map<String, FamilyShape> checked) {
    if (!push.getRejection().isEmpty()) {
      return;
    }
    GroupingKey key = GroupingKey.fromLabelPairs(push.getGroupingList());
    GroupShape after = GroupShapes.afterPush(groups.get(key), push, checked);
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
   * @return the shapes of the pushed families with series, by name, for {@link #accepted}
   * @throws PushRejectedException {@link PushRejectedException.Reason#INVALID_METRICS}, with
   *     upstream's wording, naming the first conflict
   */
  public synchronized Map<String, FamilyShape> check(
      GroupingKey key, Method method, List<MetricFamily> families) {
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
    Map<String, FamilyShape> shapes = new HashMap<>();
    for (MetricFamily family : families) {
      // a family without series (protobuf) only removes what the group held: nothing to check
      if (family.getMetricCount() > 0) {
        shapes.put(family.getName(), checkFamily(key, family, retained));
      }
    }
    return shapes;
  }

  private FamilyShape checkFamily(
      GroupingKey key, MetricFamily family, Map<String, MetricType> retained) {
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
    String kind = kindWithSuffixes(type);
    if (kind != null) {
      for (String suffix : kind.equals("histogram") ? HISTOGRAM_SUFFIXES : SUMMARY_SUFFIXES) {
        String suffixed = name + suffix;
        if (own.containsKey(suffixed)
            || retained.containsKey(suffixed)
            || !typesElsewhere(suffixed, key).isEmpty()) {
          throw PushRejectedException.invalidMetrics(
              "collected " + kind + " named \"" + name
                  + "\" collides with previously collected metric named \"" + suffixed + "\"");
        }
      }
    }
    String base = PushValidator.stripSuffix(name);
    if (base != null) {
      Set<MetricType> baseTypes = new HashSet<>(typesElsewhere(base, key));
      if (own.containsKey(base)) {
        baseTypes.add(own.get(base));
      }
      if (retained.containsKey(base)) {
        baseTypes.add(retained.get(base));
      }
      for (MetricType baseType : baseTypes) {
        String baseKind = kindWithSuffixes(baseType);
        if (baseKind != null && (baseKind.equals("histogram") || !name.endsWith("_bucket"))) {
          throw PushRejectedException.invalidMetrics(PushValidator.collision(name, baseKind, base));
        }
      }
    }
    long[] ids = GroupShapes.seriesIds(family);
    for (int i = 0; i < ids.length; i++) {
      // The identity includes the family name, and a push replaces the whole family of its
      // name, so this group's own copy of the series goes away.
      if (!series.onlyHeldBy(ids[i], key)) {
        throw PushRejectedException.invalidMetrics(
            PushValidator.describe(family, family.getMetric(i))
                + " was collected before with the same name and label values");
      }
    }
    return GroupShapes.of(family, ids);
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
      String kind = kindWithSuffixes(f.getType());
      if (kind != null) {
        for (String suffix : kind.equals("histogram") ? HISTOGRAM_SUFFIXES : SUMMARY_SUFFIXES) {
          forEachHolder(name + suffix, key, (other, type) ->
              settle(key, f, other, name + suffix, type, "collides with " + kind + " " + name,
                  losers));
        }
      }
      String base = PushValidator.stripSuffix(name);
      if (base != null) {
        forEachHolder(base, key, (other, type) -> {
          String baseKind = kindWithSuffixes(type);
          if (baseKind != null && (baseKind.equals("histogram") || !name.endsWith("_bucket"))) {
            settle(key, f, other, base, type, "collides with " + baseKind + " " + base, losers);
          }
        });
      }
      for (int i = 0; i < f.getSeriesCount(); i++) {
        for (GroupingKey other : series.holdersOf(f.getSeries(i))) {
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

  /** "histogram" or "summary" for the types exposed with suffixed samples, else null. */
  private static String kindWithSuffixes(MetricType type) {
    if (PushValidator.isHistogram(type)) {
      return "histogram";
    }
    return type == MetricType.SUMMARY ? "summary" : null;
  }

  private void index(GroupingKey key, GroupShape shape) {
    for (FamilyShape f : shape.getFamiliesList()) {
      holders
          .computeIfAbsent(f.getName(), n -> new EnumMap<>(MetricType.class))
          .computeIfAbsent(f.getType(), t -> new HashSet<>(2))
          .add(key);
      for (int i = 0; i < f.getSeriesCount(); i++) {
        series.add(f.getSeries(i), key); // by index: a for-each would box every id
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
      for (int i = 0; i < f.getSeriesCount(); i++) {
        series.remove(f.getSeries(i), key);
      }
    }
  }
}
