package io.kpushgateway.exposition;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.store.HistoryQuery;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.PartitionRead;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Asks a peer store node for its groups of some partitions ({@link PeerGroupsRoutes}), or for a
 * group's history ({@link HistoryRoutes#peer}). One HTTP client for every peer keeps their
 * connections open between reads; each request has its own timeout. A peer that fails or does not
 * answer in time makes all its partitions unavailable.
 */
public final class PeerClient implements PeerReader, PeerHistory {

  private final HttpClient http;
  private final String scheme;
  private final String routePrefix;
  private final Duration timeout;
  private final String authorization;

  /**
   * @param scheme {@code http} or {@code https}, as this node serves (every node of a cluster
   *     serves the same way)
   * @param routePrefix the route prefix every node serves under, {@code ""} for none
   * @param authorization the {@code Authorization} header peers demand, or null
   */
  public PeerClient(String scheme, String routePrefix, Duration timeout, String authorization) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.scheme = scheme;
    this.routePrefix = routePrefix;
    this.timeout = timeout;
    this.authorization = authorization;
  }

  @Override
  public CompletableFuture<PartitionRead> fetch(
      NodeAddress peer, List<Integer> partitions, boolean fromStandby, Instant at) {
    String query =
        partitions.stream().map(p -> "partition=" + p).collect(Collectors.joining("&"))
            + (fromStandby ? "&standby=true" : "")
            + (at != null ? "&" + AtQuery.AT_PARAM + "=" + at : "");
    URI uri = URI.create(scheme + "://" + peer + routePrefix + PeerGroupsRoutes.PATH + "?" + query);
    String name = peer.toString();
    return http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> answer(name, partitions, response))
        .exceptionally(e -> allUnavailable(partitions, name + " did not answer: " + reason(e)));
  }

  @Override
  public CompletableFuture<HistoryPage> history(
      NodeAddress peer, byte[] groupKey, HistoryQuery query, boolean fromStandby) {
    String q =
        HistoryRoutes.KEY
            + "="
            + Base64.getUrlEncoder().withoutPadding().encodeToString(groupKey)
            + "&"
            + HistoryRoutes.SINCE_NANOS
            + "="
            + query.sinceNanos()
            + "&"
            + HistoryRoutes.UNTIL_NANOS
            + "="
            + query.untilNanos()
            + "&"
            + HistoryRoutes.LIMIT
            + "="
            + query.limit()
            + "&"
            + HistoryRoutes.BEFORE_OFFSET
            + "="
            + query.beforeOffset()
            + (fromStandby ? "&" + HistoryRoutes.STANDBY + "=true" : "");
    URI uri = URI.create(scheme + "://" + peer + routePrefix + HistoryRoutes.PEER_PATH + "?" + q);
    String name = peer.toString();
    return http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw new CompletionException(
                    new IOException(name + " did not answer: " + reason(failure), failure));
              }
              if (response.statusCode() != 200) {
                String body = new String(response.body(), StandardCharsets.UTF_8).trim();
                throw new CompletionException(
                    new IOException(name + " answered " + response.statusCode() + ": " + body));
              }
              try {
                return HistoryPage.parseFrom(response.body());
              } catch (InvalidProtocolBufferException e) {
                throw new CompletionException(
                    new IOException(name + " sent a broken answer: " + e.getMessage(), e));
              }
            });
  }

  private HttpRequest request(URI uri) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private static PartitionRead answer(
      String name, List<Integer> partitions, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      return allUnavailable(partitions, name + " answered " + response.statusCode());
    }
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    String reason =
        name + ": " + response.headers().firstValue(PeerGroupsRoutes.REASON_HEADER).orElse("");
    response
        .headers()
        .firstValue(PeerGroupsRoutes.UNAVAILABLE_HEADER)
        .ifPresent(
            list ->
                Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(p -> unavailable.put(Integer.parseInt(p), reason)));
    SortedMap<Integer, Instant> beforeHistory = new TreeMap<>();
    response
        .headers()
        .firstValue(PeerGroupsRoutes.BEFORE_HISTORY_HEADER)
        .ifPresent(list -> beforeHistory.putAll(PeerGroupsRoutes.parseBeforeHistory(list)));
    try {
      PartitionRead wire = GroupWire.read(response.body());
      return new PartitionRead(wire.groups(), unavailable, beforeHistory, wire.batchesApplied());
    } catch (IOException | RuntimeException e) { // a number or instant that does not parse
      return allUnavailable(partitions, name + " sent a broken answer: " + e.getMessage());
    }
  }

  private static PartitionRead allUnavailable(List<Integer> partitions, String reason) {
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    partitions.forEach(p -> unavailable.put(p, reason));
    return new PartitionRead(List.of(), unavailable);
  }

  private static String reason(Throwable e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message != null ? " (" + message + ")" : "");
  }
}
