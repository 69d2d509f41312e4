package io.kpushgateway.ingest;

import io.javalin.http.Context;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.kafka.BatchPublisher;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.Method;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The Pushgateway's push API: PUT (push), POST (pushAdd) and DELETE on {@code
 * /metrics/job/<job>{/<label>/<value>}}, with {@code @base64} variants. The whole path after {@code
 * /metrics/} is parsed by the core, so every odd shape gets upstream's answer.
 */
public final class IngestRoutes {

  private static final String PREFIX = "/metrics/";

  private final PushController controller;

  /** Null without a batch publisher (tests of the push API alone). */
  private final BatchController batches;

  /**
   * @param catalog the families of every group, for upstream's cross-group consistency check; empty
   *     disables the check (and pushes are answered 202, as upstream does then)
   * @param names {@link NameValidationScheme#UTF8} with {@code --push.enable-utf8-names}
   * @param gate asked before each PUT and POST; a closed gate answers 503 with its reason
   * @param ttl the TTL stamped on a push without a {@code Pushgateway-TTL} header; zero: none
   */
  public IngestRoutes(
      PushPublisher publisher,
      Clock clock,
      String nodeName,
      IngestLimits limits,
      Optional<FamilyCatalog> catalog,
      NameValidationScheme names,
      PushGate gate,
      Duration ttl) {
    this(publisher, null, clock, nodeName, limits, catalog, names, gate, ttl);
  }

  /**
   * @param batches writes the groups of {@code /api/v1/batch} in one transaction; null: no batches
   */
  public IngestRoutes(
      PushPublisher publisher,
      BatchPublisher batches,
      Clock clock,
      String nodeName,
      IngestLimits limits,
      Optional<FamilyCatalog> catalog,
      NameValidationScheme names,
      PushGate gate,
      Duration ttl) {
    this.controller =
        new PushController(publisher, clock, nodeName, limits, catalog, names, gate, ttl);
    this.batches =
        batches == null
            ? null
            : new BatchController(batches, clock, nodeName, limits, catalog, names, gate, ttl);
  }

  /**
   * One push; failures are thrown, also from the future the answer waits on.
   *
   * @param rawPath the path under the route prefix as sent, {@code /metrics/job/...}
   */
  public void push(Context ctx, Method method, String rawPath) throws IOException {
    // The raw path, decoded by the core: like Go's mux, '%2F' becomes a separator, and a
    // trailing slash stays significant ("a/1/" is an odd number of components).
    int at = rawPath.indexOf(PREFIX);
    controller.handle(ctx, method, rawPath.substring(at + PREFIX.length()));
  }

  /** Many groups in one push, {@code PUT|POST /api/v1/batch?group_by=job,...}; all or none. */
  public void batch(Context ctx, Method method) throws IOException {
    if (batches == null) {
      throw new IllegalStateException("no batch publisher");
    }
    batches.handle(ctx, method);
  }
}
