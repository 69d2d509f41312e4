package io.kpushgateway.ingest;

import io.javalin.http.Context;
import io.kpushgateway.core.format.DelimitedProtobuf;
import io.kpushgateway.core.format.ExpositionFormats;
import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.core.path.GroupingKeyPath;
import io.kpushgateway.core.time.GoDuration;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushMeter;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push: grouping key from the URL, body decoded and validated, then published to the push log.
 * The answer is sent only once the broker has acknowledged the record (acks=all): a 200 means the
 * push is durable.
 *
 * <p>The body is sanitized and counted against the limits as it is read, within the push's share of
 * the {@link DecodeBudget}, which it keeps until it is answered: a body over a limit is refused at
 * the first excess, one announced larger than the body limit before it is read.
 */
final class PushController {

  private static final Logger LOG = LoggerFactory.getLogger(PushController.class);

  private final PushPublisher publisher;
  private final Clock clock;
  private final String nodeName;
  private final IngestLimits limits;

  /** Other groups' families, for the cross-group check; empty with the check disabled. */
  private final Optional<FamilyCatalog> catalog;

  /** Legacy names, or UTF-8 names with {@code --push.enable-utf8-names}. */
  private final NameValidationScheme names;

  private final PushGate gate;

  /** The TTL of a push that sets none with {@link #TTL_HEADER}; zero: none. */
  private final Duration ttl;

  /** A push's own TTL: a Go duration, 0 for none (ours; upstream has no TTL). */
  static final String TTL_HEADER = "Pushgateway-TTL";

  PushController(
      PushPublisher publisher,
      Clock clock,
      String nodeName,
      IngestLimits limits,
      Optional<FamilyCatalog> catalog,
      NameValidationScheme names,
      PushGate gate,
      Duration ttl) {
    this.publisher = publisher;
    this.clock = clock;
    this.nodeName = nodeName;
    this.limits = limits;
    this.catalog = catalog;
    this.names = names;
    this.gate = gate;
    this.ttl = ttl;
  }

  /** {@code rawSuffix}: the path after {@code /metrics/} as sent, percent-encoded. */
  void handle(Context ctx, Method method, String rawSuffix) throws IOException {
    GroupingKey key = GroupingKeyPath.parseEscaped(rawSuffix, names);
    // DELETEs stay allowed: a tiny record, and the way to make room (as Elasticsearch's
    // read_only_allow_delete block); a refused body is never read.
    String refused = method == Method.DELETE ? null : gate.refusedBecause();
    if (refused != null) {
      throw new PushesRefusedException(refused);
    }
    PushRecord.Builder record =
        PushRecord.newBuilder()
            .setMethod(method)
            .addAllGrouping(key.toLabelPairs())
            .setIngestNode(nodeName);
    if (method != Method.DELETE) {
      record.setTtlNanos(ttlOf(ctx.header(TTL_HEADER), ttl).toNanos());
    }
    // Upstream answers 202 to unchecked pushes and to every DELETE.
    int status = method == Method.DELETE || catalog.isEmpty() ? 202 : 200;
    if (method == Method.DELETE) {
      publish(ctx, key, record, status, null, Map.of(), null);
      return;
    }
    if (ctx.req().getContentLengthLong() > limits.maxBodyBytes()) {
      throw new BodyTooLargeException(limits.maxBodyBytes()); // before reading any of it
    }
    DecodeBudget.Grant memory = limits.budget().open();
    // the body as it comes off the wire, before decompression: its size goes into the record
    LimitedInputStream received = new LimitedInputStream(ctx.bodyInputStream(), Long.MAX_VALUE);
    try {
      PushRejectedException rejection = null;
      Map<String, FamilyShape> shapes = Map.of();
      try {
        // a family the sanitizer refuses as it is read (no name) is invalid metrics too
        List<MetricFamily> parsed = decode(ctx, key, memory, received);
        List<MetricFamily> families = PushValidator.sanitizeAndValidate(parsed, key, names);
        if (catalog.isPresent()) {
          shapes = catalog.get().check(key, method, families);
        }
        record.addAllFamilies(families);
      } catch (PushRejectedException e) {
        if (e.reason() != PushRejectedException.Reason.INVALID_METRICS) {
          throw e;
        }
        // Upstream records a failed push on the group (push_failure_time_seconds), so the
        // rejection itself goes to the log; the client gets its 400 (202 unchecked) either way.
        record.setRejection(e.getMessage());
        rejection = catalog.isEmpty() ? null : e;
      }
      // a parser that stopped at an error has not read all of a body whose length was given
      long bodyBytes = Math.max(received.bytesRead(), ctx.req().getContentLengthLong());
      record.setBodyBytes((int) Math.min(Integer.MAX_VALUE, bodyBytes));
      publish(ctx, key, record, status, rejection, shapes, memory);
      memory = null; // the answer closes it
    } finally {
      if (memory != null) {
        memory.close();
      }
    }
  }

  /**
   * Publishes the push and answers once the broker has acknowledged it: {@code status}, or fails
   * with the {@code rejection} or the broker's failure. Closes {@code memory} (may be null) then.
   */
  private void publish(
      Context ctx,
      GroupingKey key,
      PushRecord.Builder record,
      int status,
      PushRejectedException rejection,
      Map<String, FamilyShape> shapes,
      DecodeBudget.Grant memory) {
    // Upstream takes the push time after the body is read; so do we.
    Instant now = clock.instant();
    record.setReceivedAtUnixNanos(UnixNanos.of(now));
    PushRecord push = record.build();
    if (memory != null) {
      // the producer holds the serialized record until the broker has it
      memory.charge(push.getSerializedSize());
      memory.decoded();
    }
    CompletableFuture<Void> acked = publisher.publish(key.toBytes(), push);
    ctx.future(
        () ->
            acked.handle(
                (ok, failure) -> {
                  try {
                    if (rejection != null) {
                      if (failure != null) {
                        LOG.warn(
                            "could not record the failed push of {}: {}",
                            key,
                            failure.getMessage());
                      }
                      throw rejection;
                    } else if (failure != null) {
                      throw new CompletionException(failure);
                    }
                    // the next push through this node is checked against this one at once,
                    // without waiting for the store's shape
                    catalog.ifPresent(c -> c.accepted(push, shapes));
                    ctx.status(status);
                    return null;
                  } finally {
                    if (memory != null) {
                      memory.close();
                    }
                  }
                }));
  }

  /**
   * A push's TTL (also each group's of a batch): its header's, else {@code fallback} (the flag's);
   * a bad header is refused before the body.
   */
  static Duration ttlOf(String header, Duration fallback) {
    if (header == null) {
      return fallback;
    }
    try {
      return GoDuration.parse(header);
    } catch (IllegalArgumentException e) {
      throw PushRejectedException.malformed("invalid " + TTL_HEADER + " header: " + e.getMessage());
    }
  }

  /** The body's families, sanitized for {@code key} as they are read. */
  private List<MetricFamily> decode(
      Context ctx, GroupingKey key, DecodeBudget.Grant memory, InputStream raw) throws IOException {
    PushValidator.Sanitizer sanitizer = PushValidator.sanitizer(key);
    return decode(ctx, limits, names, memory, raw, sanitizer::family, sanitizer::labels);
  }

  /**
   * A push body's families, by its {@code Content-Type} and {@code Content-Encoding}, counted
   * against the limits as they are read; each protobuf family passed through {@code family}, each
   * text series' labels through {@code labels}. Shared by the single and the batch push.
   */
  static List<MetricFamily> decode(
      Context ctx,
      IngestLimits limits,
      NameValidationScheme names,
      DecodeBudget.Grant memory,
      InputStream raw,
      UnaryOperator<MetricFamily> family,
      UnaryOperator<List<LabelPair>> labels)
      throws IOException {
    try {
      InputStream body =
          ContentEncoding.decode(ctx.header("Content-Encoding"), raw, limits.maxBodyBytes());
      PushMeter meter = new PushMeter(limits.push(), memory);
      return ExpositionFormats.isDelimitedProtobuf(ctx.header("Content-Type"))
          ? DelimitedProtobuf.read(body, meter, family)
          : TextParser.parse(body, names, meter, labels);
    } catch (PushRejectedException | BodyTooLargeException | BudgetExhaustedException e) {
      throw e;
    } catch (IOException e) {
      // the client went away or sent less than it announced
      throw PushRejectedException.malformed("could not read the request body: " + e.getMessage());
    }
  }
}
