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
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The shape of a group: what the cross-group consistency check needs of it (family names, types and
 * series identities, no values). Pure functions shared by the store, which publishes shapes, and
 * ingest, which checks pushes against them.
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
    return of(family, seriesIds(family));
  }

  /** The shape of {@code family} from its {@link #seriesIds}; sorts {@code ids}. */
  public static FamilyShape of(MetricFamily family, long[] ids) {
    Arrays.sort(ids);
    FamilyShape.Builder shape =
        FamilyShape.newBuilder().setName(family.getName()).setType(family.getType());
    for (long id : ids) {
      shape.addSeries(id);
    }
    return shape.build();
  }

  /** The {@link #seriesId} of every series of {@code family}, in its order. */
  public static long[] seriesIds(MetricFamily family) {
    SeriesHasher hasher = new SeriesHasher(); // one per family: getting a digest costs more
    byte[] name = family.getName().getBytes(StandardCharsets.UTF_8);
    long[] ids = new long[family.getMetricCount()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = hasher.id(name, family.getMetric(i));
    }
    return ids;
  }

  /**
   * A 64-bit identity of a series: the first 8 bytes of SHA-256 over its name and label pairs
   * (sanitized, so sorted by name). Two different series share one with probability about n²/2⁶⁵
   * for n stored series: about 3·10⁻⁸ at a million.
   */
  public static long seriesId(String familyName, Metric metric) {
    return new SeriesHasher().id(familyName.getBytes(StandardCharsets.UTF_8), metric);
  }

  /**
   * Hashes series one after the other with one digest and one buffer: the name and label bytes of a
   * series are gathered and digested at once, without a copy of each string.
   */
  private static final class SeriesHasher {
    private final MessageDigest sha = sha256();
    private final byte[] digest = new byte[32];
    private byte[] buffer = new byte[256];
    private int length;

    long id(byte[] familyName, Metric metric) {
      length = 0;
      put(familyName);
      for (int i = 0; i < metric.getLabelCount(); i++) {
        LabelPair pair = metric.getLabel(i);
        put(SEPARATOR);
        put(pair.getName());
        put(SEPARATOR);
        // stored and checked values are valid UTF-8 (the validator refuses others), so the
        // string's bytes are the pushed bytes; asking for those would encode the field again
        put(pair.getValue());
      }
      sha.update(buffer, 0, length);
      try {
        sha.digest(digest, 0, digest.length);
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 gives 32 bytes", e);
      }
      long id = 0;
      for (int i = 0; i < 8; i++) {
        id = (id << 8) | (digest[i] & 0xFF);
      }
      return id;
    }

    private void put(byte b) {
      room(1);
      buffer[length++] = b;
    }

    private void put(byte[] bytes) {
      room(bytes.length);
      System.arraycopy(bytes, 0, buffer, length, bytes.length);
      length += bytes.length;
    }

    /** ASCII is copied as it is, anything else encoded as UTF-8. */
    private void put(String s) {
      int n = s.length();
      room(n);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          put(s.getBytes(StandardCharsets.UTF_8));
          return;
        }
        buffer[length + i] = (byte) c;
      }
      length += n;
    }

    private void room(int more) {
      if (length + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, length + more));
      }
    }
  }

  /**
   * Whether two groups have the same shape, told without hashing: the same families in the same
   * order with the same label sets in the same order. False may still mean equal shapes (label sets
   * in another order), never the other way round.
   */
  public static boolean sameFamilies(GroupRecord a, GroupRecord b) {
    if (a.getFamiliesCount() != b.getFamiliesCount()) {
      return false;
    }
    for (int i = 0; i < a.getFamiliesCount(); i++) {
      MetricFamily fa = a.getFamilies(i).getFamily();
      MetricFamily fb = b.getFamilies(i).getFamily();
      if (fa.getMetricCount() != fb.getMetricCount()
          || fa.getType() != fb.getType()
          || !fa.getName().equals(fb.getName())) {
        return false;
      }
      for (int j = 0; j < fa.getMetricCount(); j++) {
        if (!fa.getMetric(j).getLabelList().equals(fb.getMetric(j).getLabelList())) {
          return false;
        }
      }
    }
    return true;
  }

  private static final GroupState.FamilyForm<FamilyShape> SHAPE =
      new GroupState.FamilyForm<>(FamilyShape::getName, FamilyShape::getType);

  /**
   * The shape a group will have once {@code push} is applied to a group of shape {@code current}
   * ({@code null}: absent), stamped with its receive time; {@code null} if the push deletes it.
   * {@link GroupState#apply}'s rules over shapes, so only the pushed families are hashed.
   */
  public static GroupShape afterPush(GroupShape current, PushRecord push) {
    return afterPush(current, push, Map.of());
  }

  /**
   * {@link #afterPush(GroupShape, PushRecord)} with the shapes of pushed families already known by
   * name (computed when the push was checked), so they are not computed again.
   */
  public static GroupShape afterPush(
      GroupShape current, PushRecord push, Map<String, FamilyShape> known) {
    List<FamilyShape> families =
        GroupState.families(
            current == null ? List.of() : current.getFamiliesList(),
            SHAPE,
            push,
            f -> {
              FamilyShape shape = known.get(f.getName());
              return shape != null ? shape : of(f);
            });
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
