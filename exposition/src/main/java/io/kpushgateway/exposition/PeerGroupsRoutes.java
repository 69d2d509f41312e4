package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.PartitionRead;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code GET /internal/v1/groups?partition=N...[&standby=true]}: this node's groups of the asked
 * partitions (from its active copies, or with {@code standby=true} also its standby copies), for a
 * peer answering a cluster-wide read. Local reads only, never asks further (no recursion).
 * Partitions this node does not serve as active right now are named in {@value #UNAVAILABLE_HEADER}
 * (with the reasons in {@value #REASON_HEADER}) instead of failing the rest. With {@code
 * &at=<ISO-8601 instant>}, the groups as they were then; partitions whose history starts later are
 * named in {@value #BEFORE_HISTORY_HEADER} as {@code partition=oldest-instant,...}.
 */
public final class PeerGroupsRoutes {

  public static final String PATH = "/internal/v1/groups";
  static final String UNAVAILABLE_HEADER = "Kpushgateway-Unavailable-Partitions";
  static final String REASON_HEADER = "Kpushgateway-Unavailable-Reason";
  static final String BEFORE_HISTORY_HEADER = "Kpushgateway-Before-History";

  private final GroupStore store;

  public PeerGroupsRoutes(GroupStore store) {
    this.store = store;
  }

  public void groups(Context ctx) throws IOException {
    List<Integer> partitions = new ArrayList<>();
    for (String value : ctx.queryParams("partition")) {
      try {
        partitions.add(Integer.parseInt(value));
      } catch (NumberFormatException e) {
        throw new BadQueryException("bad partition: " + value);
      }
    }
    // ?standby=true: a standby copy will do (the active is gone)
    boolean fromStandby = "true".equals(ctx.queryParam("standby"));
    String at = ctx.queryParam(AtQuery.AT_PARAM);
    PartitionRead read;
    try {
      read =
          at == null
              ? store.read(partitions, fromStandby)
              : store.readAt(partitions, fromStandby, Instant.parse(at));
    } catch (DateTimeParseException e) {
      throw new BadQueryException("bad " + AtQuery.AT_PARAM + ": " + at);
    }
    if (!read.beforeHistory().isEmpty()) {
      ctx.header(
          BEFORE_HISTORY_HEADER,
          read.beforeHistory().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(",")));
    }
    SortedMap<Integer, String> unavailable = read.unavailable();
    if (!unavailable.isEmpty()) {
      ctx.header(
          UNAVAILABLE_HEADER,
          unavailable.keySet().stream().map(String::valueOf).collect(Collectors.joining(",")));
      // header values are one line of visible ASCII
      ctx.header(
          REASON_HEADER, unavailable.values().iterator().next().replaceAll("[^\\x20-\\x7e]", " "));
    }
    ctx.contentType(GroupWire.CONTENT_TYPE);
    GroupWire.write(ctx.outputStream(), read);
  }

  /** {@value #BEFORE_HISTORY_HEADER}'s value back into partitions and instants. */
  static SortedMap<Integer, Instant> parseBeforeHistory(String value) {
    SortedMap<Integer, Instant> parsed = new TreeMap<>();
    for (String pair : value.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        parsed.put(
            Integer.parseInt(pair.substring(0, eq).trim()),
            Instant.parse(pair.substring(eq + 1).trim()));
      }
    }
    return parsed;
  }
}
