package io.kpushgateway.app.role;

import io.kpushgateway.app.util.Periodic;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.ingest.IngestLimits;
import io.kpushgateway.ingest.IngestRoutes;
import io.kpushgateway.ingest.PushGate;
import io.kpushgateway.kafka.CatalogView;
import io.kpushgateway.kafka.KafkaBatchPublisher;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.kafka.RaceSettler;
import io.kpushgateway.kafka.Topics;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The push API: validates pushes and publishes them to the push log; with the consistency check on,
 * it keeps the catalog of every group's families up to date from the catalog topic and settles the
 * races it detects through the push log.
 */
public final class IngestRole extends Role {

  /**
   * What the role is configured with.
   *
   * @param consistencyCheck upstream's cross-group check; off, pushes are answered 202
   * @param ttl the TTL of a push without a {@code Pushgateway-TTL} header; zero: none
   */
  public record Settings(
      IngestLimits limits,
      NameValidationScheme names,
      boolean consistencyCheck,
      java.time.Duration ttl) {}

  private IngestRoutes routes;

  private IngestRole() {}

  /**
   * Started: with the check on, the catalog is being read (the role is ready once caught up).
   *
   * @param gate asked before each PUT and POST: the data directory's free space
   */
  public static IngestRole start(
      KafkaSettings kafka,
      Topics topics,
      PushPublisher publisher,
      SelfMetrics self,
      String nodeName,
      PushGate gate,
      Settings settings) {
    return starting(
        new IngestRole(),
        role -> {
          Optional<FamilyCatalog> catalog =
              settings.consistencyCheck()
                  ? Optional.of(role.startCatalog(kafka, topics, publisher, self, nodeName))
                  : Optional.empty();
          // its transactional producers start with the first batch
          KafkaBatchPublisher batches = role.own(new KafkaBatchPublisher(kafka, topics, nodeName));
          role.routes =
              new IngestRoutes(
                  publisher,
                  batches,
                  Clock.systemUTC(),
                  nodeName,
                  settings.limits(),
                  catalog,
                  settings.names(),
                  gate,
                  settings.ttl());
        });
  }

  public IngestRoutes routes() {
    return routes;
  }

  private FamilyCatalog startCatalog(
      KafkaSettings kafka,
      Topics topics,
      PushPublisher publisher,
      SelfMetrics self,
      String nodeName) {
    FamilyCatalog catalog = new FamilyCatalog();
    // The gateway's own families fix their types; new ones appear as the process runs.
    Runnable refreshOwn = () -> catalog.setOwnFamilies(typesOf(self.families()));
    refreshOwn.run();
    own(Periodic.start("own-families", Duration.ofSeconds(10), refreshOwn));
    CatalogView view =
        own(
            new CatalogView(
                kafka, topics, catalog, new RaceSettler(publisher, Clock.systemUTC(), nodeName)));
    view.start();
    readyWhen(
        () -> view.isCaughtUp() ? null : "still reading the catalog of registered metric families");
    return catalog;
  }

  private static Map<String, MetricType> typesOf(List<MetricFamily> families) {
    Map<String, MetricType> types = new HashMap<>();
    for (MetricFamily family : families) {
      types.put(family.getName(), family.getType());
    }
    return types;
  }
}
