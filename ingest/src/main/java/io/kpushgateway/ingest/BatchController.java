package io.kpushgateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import io.kpushgateway.core.batch.BatchSplit;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.core.validate.PushValidator;
import io.kpushgateway.kafka.BatchPublisher;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Many groups in one push: {@code PUT|POST /api/v1/batch?group_by=job,instance}. The body is read
 * as a single push's is (encodings, limits over the whole body, the decode budget), split into
 * groups by the {@code group_by} labels of each series ({@link BatchSplit}), and each group is
 * validated with the single push's rules ({@link PushValidator}, the cross-group check against the
 * other groups and against the rest of the batch). One invalid group refuses the batch (400 naming
 * it) and nothing is written: unlike a single push, a refused batch leaves no failure on any group.
 * Then all groups go to the push log in one Kafka transaction; the answer, after the commit, lists
 * each group.
 */
final class BatchController {

  private static final JsonFactory JSON = new JsonFactory();

  private final BatchPublisher publisher;
  private final Clock clock;
  private final String nodeName;
  private final IngestLimits limits;
  private final Optional<FamilyCatalog> catalog;
  private final NameValidationScheme names;
  private final PushGate gate;
  private final Duration ttl;

  /**
   * @param ttl the TTL of each group of a batch without a {@code Pushgateway-TTL} header; zero:
   *     none
   */
  BatchController(
      BatchPublisher publisher,
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

  /** One group of the batch, validated, with its shapes for the catalog once it committed. */
  private record Checked(GroupingKey key, PushRecord record, Map<String, FamilyShape> shapes) {}

  void handle(Context ctx, Method method) throws IOException {
    List<String> groupBy = BatchSplit.parseGroupBy(ctx.queryParam("group_by"), names);
    long ttlNanos = PushController.ttlOf(ctx.header(PushController.TTL_HEADER), ttl).toNanos();
    String refused = gate.refusedBecause();
    if (refused != null) {
      throw new PushesRefusedException(refused);
    }
    if (ctx.req().getContentLengthLong() > limits.maxBodyBytes()) {
      throw new BodyTooLargeException(limits.maxBodyBytes());
    }
    DecodeBudget.Grant memory = limits.budget().open();
    try {
      LimitedInputStream received = new LimitedInputStream(ctx.bodyInputStream(), Long.MAX_VALUE);
      // as written: the group_by labels decide the groups before any sanitizing
      List<MetricFamily> parsed =
          PushController.decode(ctx, limits, names, memory, received, f -> f, l -> l);
      List<BatchSplit.Group> groups = BatchSplit.split(parsed, groupBy);
      if (groups.isEmpty()) {
        throw PushRejectedException.malformed("the batch has no series");
      }
      List<Checked> checked = check(method, groups, ttlNanos);
      List<BatchPublisher.Push> pushes = new ArrayList<>(checked.size());
      long size = 0;
      for (Checked c : checked) {
        pushes.add(new BatchPublisher.Push(c.key().toBytes(), c.record()));
        size += c.record().getSerializedSize();
      }
      memory.charge(size); // the producer holds the records until the commit
      memory.decoded();
      publish(ctx, method, checked, pushes, memory);
      memory = null; // the answer closes it
    } finally {
      if (memory != null) {
        memory.close();
      }
    }
  }

  /**
   * Every group validated before anything is written: on its own, against the other groups (the
   * catalog) and against the groups of the batch before it (a catalog of the batch alone).
   */
  private List<Checked> check(Method method, List<BatchSplit.Group> groups, long ttlNanos) {
    long receivedAt = UnixNanos.of(clock.instant());
    // every group names the batch and its size: scrapes show the groups once all are applied
    String batchId = UUID.randomUUID().toString();
    FamilyCatalog batch = catalog.isPresent() ? new FamilyCatalog() : null;
    List<Checked> checked = new ArrayList<>(groups.size());
    for (BatchSplit.Group group : groups) {
      GroupingKey key = group.key();
      try {
        List<MetricFamily> families =
            PushValidator.sanitizeAndValidate(group.families(), key, names);
        Map<String, FamilyShape> shapes = Map.of();
        PushRecord.Builder record =
            PushRecord.newBuilder()
                .setMethod(method)
                .addAllGrouping(key.toLabelPairs())
                .setIngestNode(nodeName)
                .setReceivedAtUnixNanos(receivedAt)
                .setTtlNanos(ttlNanos)
                .setBatchId(batchId)
                .setBatchGroups(groups.size())
                .addAllFamilies(families);
        // the group's share of the body, as its families are stored
        record.setBodyBytes(record.build().getSerializedSize());
        PushRecord push = record.build();
        if (batch != null) {
          shapes = catalog.get().check(key, method, families);
          batch.accepted(push, batch.check(key, method, families));
        }
        checked.add(new Checked(key, push, shapes));
      } catch (PushRejectedException e) {
        throw new PushRejectedException(
            e.reason(), "group " + key + ": " + e.getMessage() + " (nothing was written)", e);
      }
    }
    return checked;
  }

  private void publish(
      Context ctx,
      Method method,
      List<Checked> checked,
      List<BatchPublisher.Push> pushes,
      DecodeBudget.Grant memory) {
    CompletableFuture<Void> committed = publisher.publishAll(pushes);
    ctx.future(
        () ->
            committed.handle(
                (ok, failure) -> {
                  try {
                    if (failure != null) {
                      throw new CompletionException(failure);
                    }
                    catalog.ifPresent(
                        c -> checked.forEach(g -> c.accepted(g.record(), g.shapes())));
                    ctx.status(200).result(answer(method, checked));
                    return null;
                  } finally {
                    memory.close();
                  }
                }));
  }

  /** {@code {"status":"success","data":{"groups":[{"labels":{..},"outcome":"pushed",..}]}}}. */
  private static String answer(Method method, List<Checked> checked) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeObjectFieldStart("data");
      g.writeStringField("method", method.name());
      g.writeArrayFieldStart("groups");
      for (Checked c : checked) {
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> label : c.key().labels().entrySet()) {
          g.writeStringField(label.getKey(), label.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("families", c.record().getFamiliesCount());
        int series = 0;
        for (MetricFamily f : c.record().getFamiliesList()) {
          series += f.getMetricCount();
        }
        g.writeNumberField("series", series);
        g.writeStringField("outcome", method == Method.PUT ? "pushed" : "pushAdded");
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append('\n').toString();
  }
}
