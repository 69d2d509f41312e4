package io.kpushgateway.core.validate;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.NameClash;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cross-group half of the Pushgateway's consistency check, asked at ingest before a push is
 * published: a pushed family must not clash with a family another group holds (name and type,
 * histogram and summary suffixes, the very same series), nor with the gateway's own families. Reads
 * a {@link ShapeIndex}; not thread-safe on its own.
 */
final class ConsistencyCheck {

  private final ShapeIndex index;

  /** The gateway's own families: a pushed family of such a name must have the same type. */
  private volatile Map<String, MetricType> own = Map.of();

  ConsistencyCheck(ShapeIndex index) {
    this.index = index;
  }

  void setOwnFamilies(Map<String, MetricType> ownTypes) {
    this.own = Map.copyOf(ownTypes);
  }

  /** See {@link FamilyCatalog#check}. */
  Map<String, FamilyShape> check(GroupingKey key, Method method, List<MetricFamily> families) {
    Set<String> pushed = new HashSet<>();
    for (MetricFamily f : families) {
      pushed.add(f.getName());
    }
    // what the group keeps besides the push: nothing for PUT, the other families for POST
    Map<String, MetricType> retained = new HashMap<>();
    GroupShape current = index.shape(key);
    if (method == Method.POST && current != null) {
      for (FamilyShape f : current.getFamiliesList()) {
        if (!pushed.contains(f.getName())) {
          retained.put(f.getName(), f.getType());
        }
      }
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

  /** Checks one family with series; returns its shape, its series hashed once. */
  private FamilyShape checkFamily(
      GroupingKey key, MetricFamily family, Map<String, MetricType> retained) {
    String name = family.getName();
    MetricType type = family.getType();
    Map<String, MetricType> own = this.own;
    MetricType ownType = own.get(name);
    if (ownType != null && ownType != type) {
      throw PushRejectedException.invalidMetrics(
          "gathered metric family " + name + " has type " + type + " but should have " + ownType);
    }
    for (MetricType other : index.typesElsewhere(name, key)) {
      if (other != type) {
        throw PushRejectedException.invalidMetrics(
            PushValidator.describe(family, family.getMetric(0)) + " is not a " + other);
      }
    }
    for (String suffix : NameClash.suffixes(type)) {
      String suffixed = name + suffix;
      if (own.containsKey(suffixed)
          || retained.containsKey(suffixed)
          || !index.typesElsewhere(suffixed, key).isEmpty()) {
        throw PushRejectedException.invalidMetrics(
            "collected "
                + NameClash.kind(type)
                + " named \""
                + name
                + "\" collides with previously collected metric named \""
                + suffixed
                + "\"");
      }
    }
    String base = NameClash.base(name);
    if (base != null) {
      Set<MetricType> baseTypes = new HashSet<>(index.typesElsewhere(base, key));
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
    long[] ids = GroupShapes.seriesIds(family);
    for (int i = 0; i < ids.length; i++) {
      if (index.heldBesides(ids[i], key)) {
        throw PushRejectedException.invalidMetrics(
            PushValidator.describe(family, family.getMetric(i))
                + " was collected before with the same name and label values");
      }
    }
    return GroupShapes.of(family, ids);
  }
}
