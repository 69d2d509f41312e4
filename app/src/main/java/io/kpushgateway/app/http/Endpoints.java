package io.kpushgateway.app.http;

import io.kpushgateway.exposition.AdminRoutes;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.FederateRoutes;
import io.kpushgateway.exposition.HistoryRoutes;
import io.kpushgateway.exposition.MetricsRoutes;
import io.kpushgateway.exposition.PeerGroupsRoutes;
import io.kpushgateway.exposition.WebUiRoutes;
import io.kpushgateway.ingest.IngestRoutes;
import java.util.Optional;

/**
 * The handlers of one node, which {@link Routes#table} takes its routes' endpoints from: those
 * every node has, and those of the ingest and store roles when the node runs them.
 */
public final class Endpoints {

  /** The handlers only a store node has: it holds the groups they read. */
  public record Store(
      WebUiRoutes webUi, AdminRoutes admin, PeerGroupsRoutes peers, HistoryRoutes history) {}

  private final LifecycleRoutes lifecycle;
  private final MetricsRoutes metrics;
  private final FederateRoutes federate;
  private final ApiV1Routes api;
  private final Optional<IngestRoutes> ingest;
  private final Optional<Store> store;

  public Endpoints(
      LifecycleRoutes lifecycle,
      MetricsRoutes metrics,
      FederateRoutes federate,
      ApiV1Routes api,
      Optional<IngestRoutes> ingest,
      Optional<Store> store) {
    this.lifecycle = lifecycle;
    this.metrics = metrics;
    this.federate = federate;
    this.api = api;
    this.ingest = ingest;
    this.store = store;
  }

  boolean serves(Route.Serves serves) {
    return switch (serves) {
      case EVERY_NODE -> true;
      case INGEST -> ingest.isPresent();
      case STORE -> store.isPresent();
    };
  }

  LifecycleRoutes lifecycle() {
    return lifecycle;
  }

  MetricsRoutes metrics() {
    return metrics;
  }

  FederateRoutes federate() {
    return federate;
  }

  ApiV1Routes api() {
    return api;
  }

  /** Only asked for the routes of the ingest role, on a node that runs it. */
  IngestRoutes ingest() {
    return ingest.orElseThrow();
  }

  /** Only asked for the routes of the store role, on a node that runs it. */
  Store store() {
    return store.orElseThrow();
  }
}
