package io.kpushgateway.exposition;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
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

  static final String WIPE_PATH = ApiV1Routes.PREFIX + "/admin/wipe";

  /** Deletes in flight at once: leaves most of the publisher's in-flight limit to pushes. */
  static final int WIPE_BATCH = 500;

  /** As for pushes the broker did not take. */
  static final String RETRY_AFTER_SECONDS = "5";

  /**
   * Methods other than PUT (and OPTIONS, the API's preflight) that get upstream's answers; HEAD
   * too, which Javalin would otherwise answer 200 through the GET handler.
   */
  private static final List<HandlerType> OTHER_METHODS =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.DELETE,
          HandlerType.PATCH);

  private final GroupSource groups;
  private final PushPublisher publisher;
  private final Clock clock;
  private final String nodeName;
  private final boolean enabled;

  public AdminRoutes(
      GroupSource groups,
      PushPublisher publisher,
      Clock clock,
      String nodeName,
      boolean enabled) {
    this.groups = groups;
    this.publisher = publisher;
    this.clock = clock;
    this.nodeName = nodeName;
    this.enabled = enabled;
  }

  public void addTo(Javalin app) {
    // Upstream's answers, body included: without the flag the route does not exist for any
    // method; with it, other methods than PUT are refused (OPTIONS stays the API's preflight).
    if (!enabled) {
      app.put(WIPE_PATH, AdminRoutes::notFound);
      OTHER_METHODS.forEach(m -> app.addHttpHandler(m, WIPE_PATH, AdminRoutes::notFound));
      return;
    }
    app.put(WIPE_PATH, this::wipe);
    OTHER_METHODS.forEach(
        m ->
            app.addHttpHandler(
                m,
                WIPE_PATH,
                ctx -> {
                  ctx.header("Allow", "OPTIONS, PUT");
                  text(ctx, 405, "Method Not Allowed");
                }));
  }

  private void wipe(Context ctx) {
    // a store that is not running throws StoreUnavailableException: 503 from MetricsRoutes' mapping
    List<GroupRecord> all = groups.readAll();
    Instant now = clock.instant();
    long receivedAt = UnixNanos.of(now);
    AtomicInteger deleted = new AtomicInteger();
    CompletableFuture<Void> done = deleteInBatches(all, receivedAt, deleted);
    ctx.future(
        () ->
            done.handle(
                (ok, failure) -> {
                  if (failure == null) {
                    LOG.info("wiped {} groups", all.size());
                    ctx.status(202);
                  } else {
                    unavailable(ctx, deleted.get(), all.size(), failure);
                  }
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

  private static void unavailable(Context ctx, int deleted, int total, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (!(cause instanceof PublishFailedException)) {
      LOG.error("wipe failed unexpectedly", cause);
      text(ctx, 500, "internal error while wiping");
      return;
    }
    LOG.warn("wipe incomplete ({} of {} groups deleted): {}", deleted, total, cause.getMessage());
    ctx.header("Retry-After", RETRY_AFTER_SECONDS);
    text(
        ctx,
        503,
        "wipe incomplete: " + deleted + " of " + total + " groups deleted: " + cause.getMessage());
  }

  private static void notFound(Context ctx) {
    text(ctx, 404, "404 page not found");
  }

  private static void text(Context ctx, int status, String body) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(body + "\n");
  }
}
