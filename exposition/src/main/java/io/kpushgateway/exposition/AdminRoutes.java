package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.format.GoSyntax;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.RestorePlan;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.core.select.LabelMatcher;
import io.kpushgateway.core.select.SeriesSelector;
import io.kpushgateway.kafka.PublishFailedException;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.LabelPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API (with {@code --web.enable-admin-api}), writing ordinary records to the push log so
 * that history, replicas and replays agree with what it did:
 *
 * <ul>
 *   <li>{@code PUT /api/v1/admin/wipe} deletes every group, one DELETE record per group, as
 *       upstream enqueues one delete per group; 202 once the broker has acknowledged every one;
 *   <li>{@code PUT /api/v1/admin/restore?at=T[&match[]=...][&dry_run=true]} makes the groups (those
 *       whose grouping labels a {@code match[]} selects, or all) what they were at T: a RESTORE
 *       record brings a group back as it was, push times included, a DELETE removes one that did
 *       not exist then; equal groups are left alone. 200 with the list of changes, once
 *       acknowledged; with {@code dry_run=true} the list only;
 *   <li>{@code DELETE /api/v1/admin/groups?match[]=...[&dry_run=true]} deletes the groups whose
 *       grouping labels a {@code match[]} selects, one DELETE record each, as a push API DELETE
 *       writes it; 200 with their grouping labels once acknowledged; with {@code dry_run=true} the
 *       list only.
 * </ul>
 */
public final class AdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

  /** Records in flight at once: leaves most of the publisher's in-flight limit to pushes. */
  static final int WIPE_BATCH = 500;

  static final String DRY_RUN_PARAM = "dry_run";

  private final GroupSource groups;
  private final PushPublisher publisher;
  private final Clock clock;
  private final String nodeName;

  public AdminRoutes(GroupSource groups, PushPublisher publisher, Clock clock, String nodeName) {
    this.groups = groups;
    this.publisher = publisher;
    this.clock = clock;
    this.nodeName = nodeName;
  }

  /** Answers 202 once every delete is acknowledged; fails with what was deleted so far. */
  public void wipe(Context ctx) {
    // a store that is not running throws StoreUnavailableException before anything is deleted
    List<GroupRecord> all = groups.readApplied();
    List<PushRecord> deletes = deletes(all);
    publish(
        ctx,
        deletes,
        "wipe",
        "deleted",
        () -> {
          LOG.info("wiped {} groups", all.size());
          ctx.status(202);
        });
  }

  /**
   * Bad input (no {@code match[]}, a bad selector or one naming a metric, a bad {@code dry_run})
   * fails before anything is read. Groups pushed between the read and the deletes' arrival at the
   * store are deleted too, as by a push API DELETE.
   */
  public void deleteGroups(Context ctx) {
    List<SeriesSelector> selectors = FederateRoutes.selectors(ctx);
    if (selectors.isEmpty()) {
      throw new BadQueryException(
          "deleting groups needs "
              + FederateRoutes.MATCH_PARAM
              + "=<selector over grouping labels>, such as {job=\"backup\"}");
    }
    for (SeriesSelector selector : selectors) {
      for (LabelMatcher matcher : selector.matchers()) {
        if (matcher.name().equals(LabelMatcher.METRIC_NAME)) {
          throw new BadQueryException(
              "bad "
                  + FederateRoutes.MATCH_PARAM
                  + " "
                  + GoSyntax.quote(selector.text())
                  + ": a group is selected by its grouping labels, not by a metric name");
        }
      }
    }
    boolean dryRun = dryRun(ctx);
    List<GroupRecord> selected =
        groups.readApplied().stream().filter(selection(selectors)).toList();
    Runnable answer =
        () -> {
          ctx.status(200);
          ctx.result(ApiV1Json.deletedGroups(dryRun, selected));
        };
    if (dryRun) {
      answer.run();
      return;
    }
    publish(
        ctx,
        deletes(selected),
        "delete",
        "deleted",
        () -> {
          LOG.info("deleted {} groups selected by {}", selected.size(), texts(selectors));
          answer.run();
        });
  }

  /** Bad input (no or a bad {@code at}, a bad selector) fails before anything is read. */
  public void restore(Context ctx) {
    Instant at =
        AtQuery.at(ctx)
            .orElseThrow(
                () ->
                    new BadQueryException(
                        "restore needs " + AtQuery.AT_PARAM + "=<time to restore>"));
    List<SeriesSelector> selectors = FederateRoutes.selectors(ctx);
    boolean dryRun = dryRun(ctx);
    Predicate<GroupRecord> selected = selectors.isEmpty() ? g -> true : selection(selectors);
    List<GroupRecord> then = groups.readAt(at);
    List<GroupRecord> now = groups.readApplied();
    List<RestorePlan.Change> changes =
        RestorePlan.of(now, then, selected, UnixNanos.of(clock.instant()), nodeName);
    Runnable answer =
        () -> {
          ctx.status(200);
          ctx.result(ApiV1Json.restore(at, dryRun, changes));
        };
    if (dryRun) {
      answer.run();
      return;
    }
    List<PushRecord> records = new ArrayList<>(changes.size());
    changes.forEach(c -> records.add(c.record()));
    publish(
        ctx,
        records,
        "restore",
        "restored",
        () -> {
          LOG.info("restored {} groups to {}", changes.size(), at);
          answer.run();
        });
  }

  /** {@code dry_run}: absent is false; anything but true or false is refused. */
  private static boolean dryRun(Context ctx) {
    String dryRun = Optional.ofNullable(ctx.queryParam(DRY_RUN_PARAM)).orElse("false");
    if (!dryRun.equals("true") && !dryRun.equals("false")) {
      throw new BadQueryException(
          "bad " + DRY_RUN_PARAM + " " + dryRun + ": use " + DRY_RUN_PARAM + "=true or false");
    }
    return dryRun.equals("true");
  }

  /** The groups whose grouping labels any of {@code selectors} selects. */
  private static Predicate<GroupRecord> selection(List<SeriesSelector> selectors) {
    return g -> selectors.stream().anyMatch(s -> s.matches(name -> label(g, name)));
  }

  private static String texts(List<SeriesSelector> selectors) {
    return selectors.stream().map(SeriesSelector::text).toList().toString();
  }

  /** One DELETE record per group, as the push API's DELETE writes it. */
  private List<PushRecord> deletes(List<GroupRecord> groups) {
    long receivedAt = UnixNanos.of(clock.instant());
    List<PushRecord> deletes = new ArrayList<>(groups.size());
    for (GroupRecord group : groups) {
      deletes.add(
          PushRecord.newBuilder()
              .setMethod(Method.DELETE)
              .addAllGrouping(group.getGroupingList())
              .setReceivedAtUnixNanos(receivedAt)
              .setIngestNode(nodeName)
              .build());
    }
    return deletes;
  }

  /** The value of a grouping label, as a selector reads a series' labels ("" when absent). */
  private static String label(GroupRecord group, String name) {
    for (LabelPair pair : group.getGroupingList()) {
      if (pair.getName().equals(name)) {
        return pair.getValue();
      }
    }
    return "";
  }

  /** Publishes the records in batches, then {@code done}; fails naming how far it got. */
  private void publish(
      Context ctx, List<PushRecord> records, String operation, String verb, Runnable done) {
    AtomicInteger written = new AtomicInteger();
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (int from = 0; from < records.size(); from += WIPE_BATCH) {
      List<PushRecord> batch = records.subList(from, Math.min(records.size(), from + WIPE_BATCH));
      // async: a batch completes on a Kafka client thread, which is not the place to publish
      all = all.thenComposeAsync(ignored -> publishAll(batch, written));
    }
    CompletableFuture<Void> finished = all;
    ctx.future(
        () ->
            finished.handle(
                (ok, failure) -> {
                  if (failure != null) {
                    Throwable cause =
                        failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    throw cause instanceof PublishFailedException
                        ? new AdminIncompleteException(
                            operation, verb, written.get(), records.size(), cause)
                        : new CompletionException(cause);
                  }
                  done.run();
                  return null;
                }));
  }

  private CompletableFuture<Void> publishAll(List<PushRecord> batch, AtomicInteger written) {
    CompletableFuture<?>[] acks = new CompletableFuture<?>[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      PushRecord record = batch.get(i);
      byte[] key = GroupingKey.fromLabelPairs(record.getGroupingList()).toBytes();
      acks[i] = publisher.publish(key, record).thenRun(written::incrementAndGet);
    }
    return CompletableFuture.allOf(acks);
  }
}
