package io.kpushgateway.app.http;

import io.javalin.Javalin;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.exposition.AdminRoutes;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.FederateRoutes;
import io.kpushgateway.exposition.GroupSource;
import io.kpushgateway.exposition.HistoryReader;
import io.kpushgateway.exposition.HistoryRoutes;
import io.kpushgateway.exposition.HttpMetrics;
import io.kpushgateway.exposition.MetricsRoutes;
import io.kpushgateway.exposition.PeerGroupsRoutes;
import io.kpushgateway.exposition.PeerHistory;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.exposition.StatusInfo;
import io.kpushgateway.exposition.WebUiRoutes;
import io.kpushgateway.ingest.IngestRoutes;
import io.kpushgateway.store.HistoryStore;
import io.kpushgateway.store.NodeAddress;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The real edge (routes, router, error map) over handlers a test builds from fakes, for {@code
 * JavalinTest.test}: every route of {@link Routes#table}, no prefix, {@code /metrics}.
 */
final class TestEdge {

  static final SelfMetrics SELF = new SelfMetrics("9.9.9", "rev");
  static final StatusInfo STATUS =
      new StatusInfo(Map.of("version", "9"), Map.of("f", "v"), Instant.ofEpochSecond(1));

  private TestEdge() {}

  /** A node without the store role whose scrapes read {@code groups}. */
  static Javalin reading(GroupSource groups, boolean openMetrics) {
    return serve(endpoints(groups, openMetrics, Optional.empty()));
  }

  /** An ingest node. */
  static Javalin ingesting(IngestRoutes routes) {
    return serve(endpoints(List::of, false, Optional.of(routes)));
  }

  /**
   * A store node without groups whose history reads go to {@code history}, which serves every
   * partition as active on this node ({@link #NODE}).
   */
  static Javalin storingHistory(HistoryStore history) {
    HistoryReader reader = new HistoryReader(history, NODE, NO_PEERS, false);
    Endpoints.Store store =
        new Endpoints.Store(
            new WebUiRoutes(List::of, reader, NameValidationScheme.LEGACY, STATUS, false),
            new AdminRoutes(List::of, null, Clock.systemUTC(), "test"), // not asked here
            new PeerGroupsRoutes(null), // not asked here
            new HistoryRoutes(reader, history, NameValidationScheme.LEGACY));
    return serve(endpoints(List::of, false, Optional.empty(), Optional.of(store)));
  }

  /** This node, as the store's placement names it. */
  static final NodeAddress NODE = new NodeAddress("127.0.0.1", 1);

  private static final PeerHistory NO_PEERS =
      (peer, key, query, standby) ->
          CompletableFuture.failedFuture(new IllegalStateException("no peers in this test"));

  private static Endpoints endpoints(
      GroupSource groups, boolean openMetrics, Optional<IngestRoutes> ingest) {
    return endpoints(groups, openMetrics, ingest, Optional.empty());
  }

  private static Endpoints endpoints(
      GroupSource groups,
      boolean openMetrics,
      Optional<IngestRoutes> ingest,
      Optional<Endpoints.Store> store) {
    return new Endpoints(
        new LifecycleRoutes(List.of(), false, () -> {}),
        new MetricsRoutes(groups, groups, SELF, openMetrics),
        new FederateRoutes(groups, SELF, openMetrics),
        new ApiV1Routes(groups, STATUS, java.util.Optional.empty()),
        ingest,
        store);
  }

  private static Javalin serve(Endpoints endpoints) {
    return HttpEdge.create(
        "",
        Routes.table("/metrics", false),
        endpoints,
        new HttpMetrics(new PrometheusRegistry()),
        cfg -> {});
  }
}
