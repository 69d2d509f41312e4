package io.kpushgateway.core.validate;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every group's shape, indexed for the cross-group rules: who holds a family name with which type,
 * and who holds a series, each a few hash lookups. A shape older than the one known for its group
 * is ignored. Not thread-safe: {@link FamilyCatalog} guards it.
 */
final class ShapeIndex {

  /** Told each group holding a family of some name, and the type it holds it as. */
  interface HolderSink {
    void accept(GroupingKey holder, MetricType type);
  }

  /**
   * Each group's shape as its encoding: about a fifth of the heap of the parsed message (whose
   * families, id lists and name strings are objects of their own), parsed when a check asks.
   */
  private final Map<GroupingKey, byte[]> groups = new HashMap<>();

  /** family name → type → the groups holding a family of that name and type. */
  private final Map<String, EnumMap<MetricType, Set<GroupingKey>>> holders = new HashMap<>();

  private final SeriesIndex series = new SeriesIndex();

  /** Groups this node deleted whose deletion the store has not confirmed yet: key → when. */
  private final Map<GroupingKey, Long> deletedAt = new HashMap<>();

  int size() {
    return groups.size();
  }

  GroupShape shape(GroupingKey key) {
    byte[] shape = groups.get(key);
    if (shape == null) {
      return null;
    }
    try {
      return GroupShape.parseFrom(shape);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a shape this index encoded does not parse", e);
    }
  }

  /** The groups known, in a copy the caller may hold while the index changes. */
  List<GroupingKey> keys() {
    return new ArrayList<>(groups.keySet());
  }

  /** See {@link FamilyCatalog#put}. */
  boolean put(GroupShape shape) {
    GroupingKey key = GroupShapes.key(shape);
    return put(key, shape, shape(key));
  }

  /** {@link #put(GroupShape)} given the shape known for its group ({@code old}, or null). */
  private boolean put(GroupingKey key, GroupShape shape, GroupShape old) {
    long asOf = shape.getAsOfUnixNanos();
    Long deleted = deletedAt.get(key);
    if (deleted != null) {
      if (asOf < deleted) {
        return false;
      }
      deletedAt.remove(key);
    }
    if (old != null && asOf < old.getAsOfUnixNanos()) {
      return false;
    }
    groups.put(key, shape.toByteArray());
    // a group pushed again with the same series (the usual push) keeps its index entries
    if (old == null || !old.getFamiliesList().equals(shape.getFamiliesList())) {
      unindex(key, old);
      index(key, shape);
    }
    return true;
  }

  /** See {@link FamilyCatalog#remove}. */
  void remove(GroupingKey key, long asOfUnixNanos, boolean confirmed) {
    if (confirmed) {
      Long pending = deletedAt.get(key);
      if (pending != null && pending <= asOfUnixNanos) {
        deletedAt.remove(key);
      }
    } else {
      deletedAt.merge(key, asOfUnixNanos, Math::max);
    }
    GroupShape old = shape(key);
    if (old == null || old.getAsOfUnixNanos() > asOfUnixNanos) {
      return;
    }
    unindex(key, old);
    groups.remove(key);
  }

  /** See {@link FamilyCatalog#accepted(PushRecord, Map)}. */
  void accepted(PushRecord push, Map<String, FamilyShape> checked) {
    if (!push.getRejection().isEmpty()) {
      return;
    }
    GroupingKey key = GroupingKey.fromLabelPairs(push.getGroupingList());
    GroupShape before = shape(key);
    GroupShape after = GroupShapes.afterPush(before, push, checked);
    if (after == null) {
      remove(key, push.getReceivedAtUnixNanos(), false);
    } else {
      put(key, after, before);
    }
  }

  /** The types {@code name} is held as by groups other than {@code except}. */
  Set<MetricType> typesElsewhere(String name, GroupingKey except) {
    EnumMap<MetricType, Set<GroupingKey>> byType = holders.get(name);
    if (byType == null) {
      return Set.of();
    }
    Set<MetricType> types = new HashSet<>();
    byType.forEach(
        (type, keys) -> {
          if (keys.size() > 1 || !keys.contains(except)) {
            types.add(type);
          }
        });
    return types;
  }

  /** Tells {@code sink} each group other than {@code except} that holds {@code name}. */
  void forEachHolder(String name, GroupingKey except, HolderSink sink) {
    forEachHolder(name, null, except, sink);
  }

  /**
   * Tells {@code sink} each group other than {@code except} that holds {@code name} as another type
   * than {@code type}: the conflicting ones, without visiting the many groups that agree (a fleet's
   * groups share their family names, so those are most of them).
   */
  void forEachHolderNot(MetricType type, String name, GroupingKey except, HolderSink sink) {
    forEachHolder(name, type, except, sink);
  }

  private void forEachHolder(String name, MetricType skip, GroupingKey except, HolderSink sink) {
    EnumMap<MetricType, Set<GroupingKey>> byType = holders.get(name);
    if (byType == null) {
      return;
    }
    byType.forEach(
        (type, keys) -> {
          if (type == skip) {
            return;
          }
          for (GroupingKey other : keys) {
            if (!other.equals(except)) {
              sink.accept(other, type);
            }
          }
        });
  }

  /** The groups holding the series of identity {@code id}, usually one. */
  List<GroupingKey> holdersOf(long id) {
    return series.holdersOf(id);
  }

  /**
   * Whether a group other than {@code key} holds the series. The identity includes the family name,
   * and a push replaces the whole family of its name, so {@code key}'s own copy goes away.
   */
  boolean heldBesides(long id, GroupingKey key) {
    return !series.onlyHeldBy(id, key);
  }

  /** The type {@code key}'s group holds {@code name} as, or null. */
  MetricType typeIn(GroupingKey key, String name) {
    GroupShape shape = shape(key);
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
