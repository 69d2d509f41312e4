package io.kpushgateway.core.model;

import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of a group: what the cross-group consistency check needs of it (family names, types
 * and series identities, no values). Pure functions shared by the store, which publishes shapes,
 * and ingest, which checks pushes against them.
 */
public final class GroupShapes {

  private static final byte SEPARATOR = (byte) 0xFF;

  private GroupShapes() {}

  /** The shape of a stored group, stamped with the receive time of the push that made it. */
  public static GroupShape of(GroupRecord group, long asOfUnixNanos) {
    GroupShape.Builder shape =
        GroupShape.newBuilder()
            .addAllGrouping(group.getGroupingList())
            .setAsOfUnixNanos(asOfUnixNanos);
    for (StoredFamily stored : group.getFamiliesList()) {
      shape.addFamilies(of(stored.getFamily()));
    }
    return shape.build();
  }

  /** The shape of one (sanitized) family: its series identities sorted. */
  public static FamilyShape of(MetricFamily family) {
    long[] ids = new long[family.getMetricCount()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = seriesId(family.getName(), family.getMetric(i));
    }
    Arrays.sort(ids);
    FamilyShape.Builder shape =
        FamilyShape.newBuilder().setName(family.getName()).setType(family.getType());
    for (long id : ids) {
      shape.addSeries(id);
    }
    return shape.build();
  }

  /**
   * A 64-bit identity of a series: the first 8 bytes of SHA-256 over its name and label pairs
   * (sanitized, so sorted by name). Two different series share one with probability about
   * n²/2⁶⁵ for n stored series: about 3·10⁻⁸ at a million.
   */
  public static long seriesId(String familyName, Metric metric) {
    MessageDigest sha = sha256();
    sha.update(familyName.getBytes(StandardCharsets.UTF_8));
    for (LabelPair pair : metric.getLabelList()) {
      sha.update(SEPARATOR);
      sha.update(pair.getName().getBytes(StandardCharsets.UTF_8));
      sha.update(SEPARATOR);
      sha.update(pair.getValueBytes().toByteArray());
    }
    byte[] d = sha.digest();
    long id = 0;
    for (int i = 0; i < 8; i++) {
      id = (id << 8) | (d[i] & 0xFF);
    }
    return id;
  }

  /** Whether two shapes hold the same families, whenever they were taken. */
  public static boolean sameFamilies(GroupShape a, GroupShape b) {
    return a.getFamiliesList().equals(b.getFamiliesList());
  }

  private static final GroupState.FamilyForm<FamilyShape> SHAPE =
      new GroupState.FamilyForm<>(FamilyShape::getName, FamilyShape::getType);

  /**
   * The shape a group will have once {@code push} is applied to a group of shape {@code current}
   * ({@code null}: absent), stamped with its receive time; {@code null} if the push deletes it.
   * {@link GroupState#apply}'s rules over shapes, so only the pushed families are hashed.
   */
  public static GroupShape afterPush(GroupShape current, PushRecord push) {
    List<FamilyShape> families =
        GroupState.families(
            current == null ? List.of() : current.getFamiliesList(), SHAPE, push, GroupShapes::of);
    if (families == null) {
      return null;
    }
    return GroupShape.newBuilder()
        .addAllGrouping(push.getGroupingList())
        .addAllFamilies(families)
        .setAsOfUnixNanos(push.getReceivedAtUnixNanos())
        .build();
  }

  /** The grouping key a shape belongs to. */
  public static GroupingKey key(GroupShape shape) {
    return GroupingKey.fromLabelPairs(shape.getGroupingList());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
