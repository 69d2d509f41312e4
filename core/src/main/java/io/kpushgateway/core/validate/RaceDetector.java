package io.kpushgateway.core.validate;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.NameClash;
import io.kpushgateway.core.validate.FamilyCatalog.Conflict;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the conflicts the consistency check could not prevent: two nodes that took conflicting
 * pushes to different groups at the same time both let theirs pass. Of two conflicting groups the
 * one with the larger grouping key loses, which is also the one the exposition hides (it serves
 * groups in key order, first type wins), so every node names the same loser and the same families.
 * The rules are the {@link ConsistencyCheck}'s, between stored shapes. Reads a {@link ShapeIndex};
 * not thread-safe on its own.
 */
final class RaceDetector {

  private final ShapeIndex index;

  RaceDetector(ShapeIndex index) {
    this.index = index;
  }

  /** See {@link FamilyCatalog#conflictsOf}. */
  List<Conflict> conflictsOf(GroupingKey key) {
    Map<GroupingKey, Conflicting> losers = new LinkedHashMap<>();
    collect(key, losers);
    return toConflicts(losers);
  }

  /** See {@link FamilyCatalog#allConflicts}. */
  List<Conflict> allConflicts() {
    Map<GroupingKey, Conflicting> losers = new TreeMap<>();
    for (GroupingKey key : index.keys()) {
      collect(key, losers);
    }
    return toConflicts(losers);
  }

  /** One loser's revocations so far, and the reason of the first. */
  private static final class Conflicting {
    final Set<Revocation> revoked = new LinkedHashSet<>();
    String reason;
  }

  private void collect(GroupingKey key, Map<GroupingKey, Conflicting> losers) {
    GroupShape shape = index.shape(key);
    if (shape == null) {
      return;
    }
    for (FamilyShape f : shape.getFamiliesList()) {
      String name = f.getName();
      index.forEachHolderNot(
          f.getType(),
          name,
          key,
          (other, type) ->
              settle(key, f, other, name, type, "holds " + name + " as " + type, losers));
      String kind = NameClash.kind(f.getType());
      for (String suffix : NameClash.suffixes(f.getType())) {
        index.forEachHolder(
            name + suffix,
            key,
            (other, type) ->
                settle(
                    key,
                    f,
                    other,
                    name + suffix,
                    type,
                    "collides with " + kind + " " + name,
                    losers));
      }
      String base = NameClash.base(name);
      if (base != null) {
        index.forEachHolder(
            base,
            key,
            (other, type) -> {
              if (NameClash.claims(type, name)) {
                settle(
                    key,
                    f,
                    other,
                    base,
                    type,
                    "collides with " + NameClash.kind(type) + " " + base,
                    losers);
              }
            });
      }
      for (int i = 0; i < f.getSeriesCount(); i++) {
        for (GroupingKey other : index.holdersOf(f.getSeries(i))) {
          if (!other.equals(key)) {
            MetricType type = index.typeIn(other, name);
            if (type != null) {
              settle(key, f, other, name, type, "holds the same series of " + name, losers);
            }
          }
        }
      }
    }
  }

  /**
   * Of {@code key}'s family {@code f} and {@code other}'s family ({@code otherName}, {@code
   * otherType}), the one in the larger key loses.
   */
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
          "lost a race against a conflicting push: group "
              + winner
              + " "
              + (keyLoses ? what : "holds " + f.getName() + " as " + f.getType());
    }
  }

  private static List<Conflict> toConflicts(Map<GroupingKey, Conflicting> losers) {
    List<Conflict> result = new ArrayList<>(losers.size());
    losers.forEach((k, c) -> result.add(new Conflict(k, List.copyOf(c.revoked), c.reason)));
    return result;
  }
}
