package io.kpushgateway.exposition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.kpushgateway.core.format.GoFloat;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.RestorePlan;
import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.core.model.Utf8Order;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON of the Pushgateway's query API, written as upstream's Go {@code encoding/json} writes
 * it: object keys of Go maps sorted bytewise, numbers as strings in Go's {@code %v}, times in RFC
 * 3339 with trailing fractional zeros dropped (always UTC here).
 */
final class ApiV1Json {

  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private static final String LABELS = "labels";
  private static final String LAST_PUSH_SUCCESSFUL = "last_push_successful";

  /** Ours, only on a group with a TTL: when it expires, unless pushed again. */
  private static final String EXPIRES_AT = "expires_at";

  private ApiV1Json() {}

  /**
   * @param history on a store node once found: the oldest instant {@code ?at=} answers, written as
   *     {@code "history":{"oldest_time":<RFC 3339, or null while every instant back to the first
   *     push can be answered>}} (not upstream's: beside its keys, which clients read by name)
   */
  static void writeStatus(OutputStream out, StatusInfo status, HistoryHorizon.Found history)
      throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeObjectFieldStart("data");
      g.writeFieldName("flags");
      writeSortedStrings(g, sortedCopy(status.flags()));
      g.writeFieldName("build_information");
      writeSortedStrings(g, sortedCopy(status.buildInformation()));
      g.writeStringField("start_time", rfc3339(status.startTime()));
      if (history != null) {
        g.writeObjectFieldStart("history");
        if (history.oldest().isPresent()) {
          g.writeStringField("oldest_time", rfc3339(history.oldest().get()));
        } else {
          g.writeNullField("oldest_time");
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  /** The groups in the order given (grouping-key order from the store, unlike upstream's). */
  static void writeMetrics(OutputStream out, List<GroupRecord> groups) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeArrayFieldStart("data");
      for (GroupRecord group : groups) {
        writeGroup(g, group);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /**
   * A restore's answer: {@code {"status":"success","data":{"at":..,"dryRun":..,"changes":[
   * {"action":"restore"|"delete","labels":{..}},..]}}}, the changes in grouping-key order.
   */
  static String restore(Instant at, boolean dryRun, List<RestorePlan.Change> changes) {
    return success(
        g -> {
          g.writeStringField("at", rfc3339(at));
          g.writeBooleanField("dryRun", dryRun);
          g.writeArrayFieldStart("changes");
          for (RestorePlan.Change change : changes) {
            g.writeStartObject();
            g.writeStringField("action", change.action().name().toLowerCase(Locale.ROOT));
            g.writeFieldName(LABELS);
            writeLabels(g, change.record().getGroupingList());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  /**
   * A selector delete's answer: {@code {"status":"success","data":{"dryRun":..,"deleted":[
   * {"labels":{..}},..]}}}, the groups in grouping-key order.
   */
  static String deletedGroups(boolean dryRun, List<GroupRecord> groups) {
    return success(
        g -> {
          g.writeBooleanField("dryRun", dryRun);
          g.writeArrayFieldStart("deleted");
          for (GroupRecord group : groups) {
            g.writeStartObject();
            g.writeFieldName(LABELS);
            writeLabels(g, group.getGroupingList());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  /** The fields of a {@code data} object. */
  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  /** {@code {"status":"success","data":{..}}}, the fields of {@code data} written by it. */
  private static String success(Fields data) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeObjectFieldStart("data");
      data.write(g);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * A group's history (ours, no upstream counterpart): the entries in the order given (newest
   * first), each with its families keyed by name as in {@code /api/v1/metrics}, and {@code
   * nextPageToken} when more remain. Keys in camelCase, as Prometheus' own API.
   *
   * @param nextPageToken null when this is the last page
   */
  static void writeHistory(OutputStream out, List<HistoryEntry> entries, String nextPageToken)
      throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeArrayFieldStart("data");
      for (HistoryEntry entry : entries) {
        writeHistoryEntry(g, entry);
      }
      g.writeEndArray();
      if (nextPageToken != null) {
        g.writeStringField("nextPageToken", nextPageToken);
      }
      g.writeEndObject();
    }
  }

  private static void writeHistoryEntry(JsonGenerator g, HistoryEntry entry) throws IOException {
    g.writeStartObject();
    g.writeStringField("time", rfc3339(nanosToInstant(entry.getReceivedAtUnixNanos())));
    g.writeNumberField("offset", entry.getOffset());
    g.writeStringField("method", entry.getMethod().name());
    g.writeStringField(
        "outcome",
        switch (entry.getOutcome()) {
          case OUTCOME_APPLIED -> "applied";
          case OUTCOME_REJECTED -> "rejected";
          case OUTCOME_WITHDRAWN -> "withdrawn";
          case OUTCOME_EXPIRED -> "expired";
          case OUTCOME_UNSPECIFIED, UNRECOGNIZED -> "unknown";
        });
    if (!entry.getReason().isEmpty()) {
      g.writeStringField("reason", entry.getReason());
    }
    g.writeStringField("ingestNode", entry.getIngestNode());
    g.writeNumberField("bodyBytes", entry.getBodyBytes());
    g.writeObjectFieldStart("families");
    for (MetricFamily family : entry.getFamiliesList()) {
      g.writeObjectFieldStart(family.getName());
      writeFamilyFields(g, family);
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeArrayFieldStart("removed");
    for (String name : entry.getRemovedList()) {
      g.writeString(name);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Prometheus' API error object: {@code {"status":"error","errorType":..,"error":..}}. */
  static String error(String errorType, String error) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "error");
      g.writeStringField("errorType", errorType);
      g.writeStringField("error", error);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** One value of a group object: a family, or (family == null) one of the two meta keys. */
  private record Entry(MetricFamily family, long writtenAtNanos) {}

  private static final Entry META = new Entry(null, 0);

  private static void writeGroup(JsonGenerator g, GroupRecord group) throws IOException {
    // Upstream builds one Go map per group: the two meta keys first, then one key per family, so
    // a family named like a meta key replaces it; encoding/json then sorts the keys.
    SortedMap<String, Entry> entries = new TreeMap<>(Utf8Order.COMPARATOR);
    entries.put(LABELS, META);
    entries.put(LAST_PUSH_SUCCESSFUL, META);
    long deadline = GroupState.deadline(group);
    if (deadline != GroupState.NO_DEADLINE) {
      entries.put(EXPIRES_AT, META);
    }
    for (StoredFamily stored : group.getFamiliesList()) {
      entries.put(
          stored.getFamily().getName(),
          new Entry(stored.getFamily(), stored.getWrittenAtUnixNanos()));
    }
    long pushed = group.getPushTimeUnixNanos();
    long failed = group.getPushFailureTimeUnixNanos();
    for (MetricFamily meta : GroupState.metaFamilies(group)) {
      // stamped with the time they were last set; one that never was, with the other's
      long own = meta.getName().equals(GroupState.PUSH_TIME) ? pushed : failed;
      long other = own == pushed ? failed : pushed;
      entries.put(meta.getName(), new Entry(meta, own != 0 ? own : other));
    }

    g.writeStartObject();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      g.writeFieldName(e.getKey());
      Entry entry = e.getValue();
      if (entry.family() != null) {
        writeFamily(g, entry.family(), entry.writtenAtNanos());
      } else if (e.getKey().equals(LABELS)) {
        writeLabels(g, group.getGroupingList());
      } else if (e.getKey().equals(EXPIRES_AT)) {
        g.writeString(rfc3339(nanosToInstant(deadline)));
      } else {
        g.writeBoolean(failed <= pushed);
      }
    }
    g.writeEndObject();
  }

  private static void writeFamily(JsonGenerator g, MetricFamily family, long writtenAtNanos)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("time_stamp", rfc3339(nanosToInstant(writtenAtNanos)));
    writeFamilyFields(g, family);
    g.writeEndObject();
  }

  /** A family's type, HELP (when given) and series, as upstream's API writes them. */
  private static void writeFamilyFields(JsonGenerator g, MetricFamily family) throws IOException {
    g.writeStringField("type", family.getType().name());
    if (!family.getHelp().isEmpty()) {
      g.writeStringField("help", family.getHelp());
    }
    g.writeArrayFieldStart("metrics");
    for (Metric metric : family.getMetricList()) {
      writeMetric(g, family, metric);
    }
    g.writeEndArray();
  }

  private static void writeMetric(JsonGenerator g, MetricFamily family, Metric m)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName(LABELS);
    writeLabels(g, m.getLabelList());
    switch (family.getType()) {
      case SUMMARY -> {
        Summary s = m.getSummary();
        SortedMap<String, String> quantiles = new TreeMap<>(Utf8Order.COMPARATOR);
        for (Quantile q : s.getQuantileList()) {
          quantiles.put(GoFloat.format(q.getQuantile()), GoFloat.format(q.getValue()));
        }
        g.writeFieldName("quantiles");
        writeSortedStrings(g, quantiles);
        g.writeStringField("count", Long.toUnsignedString(s.getSampleCount()));
        g.writeStringField("sum", GoFloat.format(s.getSampleSum()));
      }
      case HISTOGRAM, GAUGE_HISTOGRAM -> {
        // classic buckets only: a native histogram shows "buckets":{} (as upstream 1.5)
        Histogram h = m.getHistogram();
        SortedMap<String, String> buckets = new TreeMap<>(Utf8Order.COMPARATOR);
        for (Bucket b : h.getBucketList()) {
          buckets.put(
              GoFloat.format(b.getUpperBound()),
              b.hasCumulativeCountFloat()
                  ? GoFloat.format(b.getCumulativeCountFloat())
                  : Long.toUnsignedString(b.getCumulativeCount()));
        }
        g.writeFieldName("buckets");
        writeSortedStrings(g, buckets);
        g.writeStringField(
            "count",
            h.hasSampleCountFloat()
                ? GoFloat.format(h.getSampleCountFloat())
                : Long.toUnsignedString(h.getSampleCount()));
        g.writeStringField("sum", GoFloat.format(h.getSampleSum()));
      }
      default -> g.writeStringField("value", GoFloat.format(value(m)));
    }
    g.writeEndObject();
  }

  /** Upstream's getValue: whichever of gauge, counter, untyped is set, else 0. */
  private static double value(Metric m) {
    if (m.hasGauge()) {
      return m.getGauge().getValue();
    }
    if (m.hasCounter()) {
      return m.getCounter().getValue();
    }
    if (m.hasUntyped()) {
      return m.getUntyped().getValue();
    }
    return 0;
  }

  /** Label pairs as a JSON object, names in order. */
  static String labels(List<LabelPair> pairs) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeLabels(g, pairs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeLabels(JsonGenerator g, List<LabelPair> pairs) throws IOException {
    SortedMap<String, String> labels = new TreeMap<>(Utf8Order.COMPARATOR);
    for (LabelPair p : pairs) {
      labels.put(p.getName(), p.getValue());
    }
    writeSortedStrings(g, labels);
  }

  private static void writeSortedStrings(JsonGenerator g, SortedMap<String, String> sorted)
      throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static SortedMap<String, String> sortedCopy(Map<String, String> map) {
    SortedMap<String, String> sorted = new TreeMap<>(Utf8Order.COMPARATOR);
    sorted.putAll(map);
    return sorted;
  }

  static Instant nanosToInstant(long unixNanos) {
    return UnixNanos.toInstant(unixNanos);
  }

  /** Go's {@code time.RFC3339Nano} in UTC: {@code 2006-01-02T15:04:05.999999999Z}. */
  static String rfc3339(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(30);
    sb.append(
        String.format(
            "%04d-%02d-%02dT%02d:%02d:%02d",
            d.getYear(),
            d.getMonthValue(),
            d.getDayOfMonth(),
            d.getHour(),
            d.getMinute(),
            d.getSecond()));
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.append('Z').toString();
  }
}
