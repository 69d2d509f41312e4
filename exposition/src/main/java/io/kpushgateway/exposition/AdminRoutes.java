package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.kafka.PublishFailedException;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /api/v1/admin/wipe} (with {@code --web.enable-admin-api}): deletes every group by
 * publishing one DELETE record per group to the push log, as upstream enqueues one delete per
 * group. The log stays a plain sequence of pushes and deletes, so replaying it rebuilds the same
 * (empty) state. The answer is 202 once the broker has acknowledged every delete.
 */
public final class AdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

  /** Deletes in flight at once: leaves most of the publisher's in-flight limit to pushes. */
  static final int WIPE_BATCH = 500;

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
    List<GroupRecord> all = groups.readAll();
    Instant now = clock.instant();
    long receivedAt = UnixNanos.of(now);
    AtomicInteger deleted = new AtomicInteger();
    CompletableFuture<Void> done = deleteInBatches(all, receivedAt, deleted);
    ctx.future(
        () ->
            done.handle(
                (ok, failure) -> {
                  if (failure != null) {
                    Throwable cause =
                        failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    throw cause instanceof PublishFailedException
                        ? new WipeIncompleteException(deleted.get(), all.size(), cause)
                        : new CompletionException(cause);
                  }
                  LOG.info("wiped {} groups", all.size());
                  ctx.status(202);
                  return null;
                }));
  }

  /** One batch after the other; stops at the first batch with a failed delete. */
  private CompletableFuture<Void> deleteInBatches(
      List<GroupRecord> all, long receivedAt, AtomicInteger deleted) {
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < all.size(); from += WIPE_BATCH) {
      List<GroupRecord> batch = all.subList(from, Math.min(all.size(), from + WIPE_BATCH));
      // async: a batch completes on a Kafka client thread, which is not the place to publish
      done = done.thenComposeAsync(ignored -> deleteAll(batch, receivedAt, deleted));
    }
    return done;
  }

  private CompletableFuture<Void> deleteAll(
      List<GroupRecord> batch, long receivedAt, AtomicInteger deleted) {
    CompletableFuture<?>[] acks = new CompletableFuture<?>[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      GroupRecord group = batch.get(i);
      PushRecord delete =
          PushRecord.newBuilder()
              .setMethod(Method.DELETE)
              .addAllGrouping(group.getGroupingList())
              .setReceivedAtUnixNanos(receivedAt)
              .setIngestNode(nodeName)
              .build();
      byte[] key = GroupingKey.fromLabelPairs(group.getGroupingList()).toBytes();
      acks[i] = publisher.publish(key, delete).thenRun(deleted::incrementAndGet);
    }
    return CompletableFuture.allOf(acks);
  }
}
