package io.kpushgateway.app.http;

import io.javalin.Javalin;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.FederateRoutes;
import io.kpushgateway.exposition.GroupSource;
import io.kpushgateway.exposition.HttpMetrics;
import io.kpushgateway.exposition.MetricsRoutes;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.exposition.StatusInfo;
import io.kpushgateway.ingest.IngestRoutes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  private static Endpoints endpoints(
      GroupSource groups, boolean openMetrics, Optional<IngestRoutes> ingest) {
    return new Endpoints(
        new LifecycleRoutes(List.of(), false, () -> {}),
        new MetricsRoutes(groups, groups, SELF, openMetrics),
        new FederateRoutes(groups, SELF, openMetrics),
        new ApiV1Routes(groups, STATUS, java.util.Optional.empty()),
        ingest,
        Optional.empty());
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
