package io.kpushgateway.core.model;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PendingBatch;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.Revocation;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What one push does to one group: the Pushgateway's {@code processWriteRequest} as a pure function
 * over our Kafka records. Time comes only from {@link PushRecord#getReceivedAtUnixNanos}, so
 * replaying the push log rebuilds the same state, and applying a record twice changes nothing the
 * second time (at-least-once delivery is safe).
 */
public final class GroupState {

  public static final String PUSH_TIME = "push_time_seconds";
  public static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";

  static final String PUSH_TIME_HELP =
      "Last Unix time when changing this group in the Pushgateway succeeded.";
  static final String PUSH_FAILURE_TIME_HELP =
      "Last Unix time when changing this group in the Pushgateway failed.";

  private GroupState() {}

  /**
   * Applies {@code push} to the group's current state.
   *
   * <ul>
   *   <li>a rejected push (non-empty {@code rejection}) only sets the failure time, creating the
   *       group without families if absent, as upstream does; checked first, so a rejected record
   *       never changes or deletes anything else, except the families it revokes (a push that lost
   *       a race against another group's conflicting push), and only while they keep the revoked
   *       type;
   *   <li>DELETE removes the group; RESTORE sets it to the restored state, push times included (no
   *       restored state: removes it);
   *   <li>EXPIRE removes the group only while it still is the group that expired: its last
   *       successful push is the one the record names. A push in between renewed it, so a late or
   *       repeated EXPIRE changes nothing;
   *   <li>PUT replaces all families, POST the families of the pushed names; both set the push time
   *       and stamp the families they write. A group of a batch push also keeps its state before
   *       the push as {@code pending} ({@link BatchVisibility}); any other record clears it. A
   *       pushed family without series is not stored: it only removes what a POST replaces, since
   *       upstream would serve nothing for it. The pushed families are trusted to be sanitized and
   *       valid (ingest did that).
   * </ul>
   *
   * @param current the group's state, or {@code null} if the group does not exist
   * @return the new state, or {@code null} if the group is deleted
   * @throws IllegalArgumentException for a method other than PUT, POST, DELETE, RESTORE or EXPIRE
   */
  public static GroupRecord apply(GroupRecord current, PushRecord push) {
    if (push.getMethod() == Method.RESTORE && push.getRejection().isEmpty()) {
      if (!push.hasRestored()) {
        return null;
      }
      GroupRecord restored = push.getRestored(); // as it was, push times and all
      return restored.hasPending() ? restored.toBuilder().clearPending().build() : restored;
    }
    if (push.getMethod() == Method.EXPIRE) {
      return expires(current, push) ? null : current;
    }
    long receivedAt = push.getReceivedAtUnixNanos();
    List<StoredFamily> families =
        families(
            current == null ? List.of() : current.getFamiliesList(),
            STORED,
            push,
            f -> StoredFamily.newBuilder().setFamily(f).setWrittenAtUnixNanos(receivedAt).build());
    if (families == null) {
      return null;
    }
    GroupRecord.Builder next =
        current == null ? newGroup(push.getGroupingList()) : current.toBuilder();
    if (current == null || families != current.getFamiliesList()) {
      next.clearFamilies().addAllFamilies(families);
    }
    if (!push.getBatchId().isEmpty() && push.getRejection().isEmpty()) {
      next.setPending(pending(current, push));
    } else {
      next.clearPending(); // any other record ends what a batch left pending
    }
    return push.getRejection().isEmpty()
        ? next.setPushTimeUnixNanos(receivedAt).setTtlNanos(Math.max(0, push.getTtlNanos())).build()
        : next.setPushFailureTimeUnixNanos(receivedAt).build();
  }

  /**
   * What a group of a batch push keeps until the whole batch is applied: the batch, and the group
   * as it was before (without what an earlier batch left pending on it).
   */
  private static PendingBatch pending(GroupRecord current, PushRecord push) {
    PendingBatch.Builder pending =
        PendingBatch.newBuilder()
            .setBatchId(push.getBatchId())
            .setBatchGroups(push.getBatchGroups());
    if (current != null) {
      pending.setBefore(
          (current.hasPending() ? current.toBuilder().clearPending().build() : current)
              .toByteString());
    }
    return pending.build();
  }

  /** Whether the EXPIRE record {@code expire} removes {@code current}: see {@link #apply}. */
  public static boolean expires(GroupRecord current, PushRecord expire) {
    return current != null
        && expire.getMethod() == Method.EXPIRE
        && deadline(current) != NO_DEADLINE
        && current.getPushTimeUnixNanos() == expire.getExpiresPushTimeUnixNanos();
  }

  /** {@link #deadline} of a group that never expires. */
  public static final long NO_DEADLINE = 0;

  /**
   * When {@code group} expires (Unix ns): its last successful push plus that push's TTL; {@link
   * #NO_DEADLINE} without a TTL or a successful push.
   */
  public static long deadline(GroupRecord group) {
    long pushed = group.getPushTimeUnixNanos();
    long ttl = group.getTtlNanos();
    if (ttl <= 0 || pushed == 0) {
      return NO_DEADLINE;
    }
    long deadline = pushed + ttl;
    return deadline < pushed ? Long.MAX_VALUE : deadline; // a TTL past the year 2262
  }

  /**
   * The EXPIRE record for {@code group}, written at {@code nowNanos} (the store's clock): it
   * removes the group only while its last push is still the one that set the deadline.
   */
  public static PushRecord expiry(GroupRecord group, long nowNanos, String node) {
    return PushRecord.newBuilder()
        .setMethod(Method.EXPIRE)
        .addAllGrouping(group.getGroupingList())
        .setReceivedAtUnixNanos(nowNanos)
        .setIngestNode(node)
        .setExpiresPushTimeUnixNanos(group.getPushTimeUnixNanos())
        .build();
  }

  /** How {@link #families} reads a family of the group, whatever holds it. */
  record FamilyForm<F>(Function<F, String> name, Function<F, MetricType> type) {}

  private static final FamilyForm<StoredFamily> STORED =
      new FamilyForm<>(s -> s.getFamily().getName(), s -> s.getFamily().getType());

  /**
   * The family half of {@link #apply}, written once for every representation {@code F} of a family
   * (the stored family here, its shape in {@link GroupShapes#afterPush}).
   *
   * @param current the group's families, empty if the group does not exist
   * @param written {@code F} of a pushed family with series, as the push writes it
   * @return the group's families after {@code push}: {@code current} itself if the push changes
   *     none; sorted by name if it writes any; {@code null} if it deletes the group
   */
  static <F> List<F> families(
      List<F> current, FamilyForm<F> form, PushRecord push, Function<MetricFamily, F> written) {
    if (!push.getRejection().isEmpty()) {
      if (push.getRevokedCount() == 0) {
        return current;
      }
      List<F> kept = new ArrayList<>(current.size());
      for (F family : current) {
        if (!isRevoked(form.name().apply(family), form.type().apply(family), push)) {
          kept.add(family);
        }
      }
      return kept;
    }
    Method method = push.getMethod();
    if (method == Method.DELETE) {
      return null;
    }
    if (method == Method.EXPIRE) {
      return current; // decided on the whole group, by apply; only the store meets one
    }
    if (method == Method.RESTORE) {
      if (!push.hasRestored()) {
        return null;
      }
      List<F> restored = new ArrayList<>(push.getRestored().getFamiliesCount());
      push.getRestored().getFamiliesList().forEach(f -> restored.add(written.apply(f.getFamily())));
      return restored;
    }
    if (method != Method.PUT && method != Method.POST) {
      throw new IllegalArgumentException("push record without a known method: " + method);
    }
    SortedMap<String, F> families = new TreeMap<>(Utf8Order.COMPARATOR);
    if (method == Method.POST) {
      for (F kept : current) {
        families.put(form.name().apply(kept), kept);
      }
    }
    for (MetricFamily family : push.getFamiliesList()) {
      if (family.getMetricCount() == 0) {
        // a protobuf family without series: upstream stores it, and it hides what POST replaced
        families.remove(family.getName());
      } else {
        families.put(family.getName(), written.apply(family));
      }
    }
    return new ArrayList<>(families.values());
  }

  /**
   * The two timestamp gauges the gateway adds to every group, sorted by name: labelled with the
   * grouping labels plus {@code instance=""} if absent, valued in Unix seconds (0 = never).
   */
  public static List<MetricFamily> metaFamilies(GroupRecord group) {
    List<LabelPair> labels = new ArrayList<>(group.getGroupingCount() + 1);
    labels.addAll(group.getGroupingList());
    if (labels.stream().noneMatch(p -> p.getName().equals(GroupingKey.INSTANCE))) {
      labels.add(LabelPair.newBuilder().setName(GroupingKey.INSTANCE).setValue("").build());
    }
    labels.sort((a, b) -> Utf8Order.compare(a.getName(), b.getName()));
    return List.of(
        gauge(
            PUSH_FAILURE_TIME, PUSH_FAILURE_TIME_HELP, labels, group.getPushFailureTimeUnixNanos()),
        gauge(PUSH_TIME, PUSH_TIME_HELP, labels, group.getPushTimeUnixNanos()));
  }

  private static MetricFamily gauge(String name, String help, List<LabelPair> labels, long nanos) {
    double seconds = UnixNanos.toSeconds(nanos);
    return MetricFamily.newBuilder()
        .setName(name)
        .setHelp(help)
        .setType(Metrics.MetricType.GAUGE)
        .addMetric(
            Metrics.Metric.newBuilder()
                .addAllLabel(labels)
                .setGauge(Metrics.Gauge.newBuilder().setValue(seconds)))
        .build();
  }

  private static boolean isRevoked(String name, MetricType type, PushRecord push) {
    for (Revocation r : push.getRevokedList()) {
      if (r.getName().equals(name) && r.getType() == type) {
        return true;
      }
    }
    return false;
  }

  private static GroupRecord.Builder newGroup(List<LabelPair> grouping) {
    return GroupRecord.newBuilder().addAllGrouping(grouping);
  }
}
