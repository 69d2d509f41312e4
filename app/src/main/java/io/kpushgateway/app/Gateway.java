package io.kpushgateway.app;

import io.javalin.Javalin;
import io.kpushgateway.app.http.Endpoints;
import io.kpushgateway.app.http.HttpEdge;
import io.kpushgateway.app.http.LifecycleRoutes;
import io.kpushgateway.app.http.Route;
import io.kpushgateway.app.http.Routes;
import io.kpushgateway.app.role.EmbeddedBrokerRole;
import io.kpushgateway.app.role.IngestRole;
import io.kpushgateway.app.role.Readiness;
import io.kpushgateway.app.role.StoreRole;
import io.kpushgateway.app.web.WebSecurity;
import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.space.FreeSpaceRule;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.exposition.AdminRoutes;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.DataDirMetrics;
import io.kpushgateway.exposition.FederateRoutes;
import io.kpushgateway.exposition.GroupSource;
import io.kpushgateway.exposition.HistoryRoutes;
import io.kpushgateway.exposition.HttpMetrics;
import io.kpushgateway.exposition.MetricsRoutes;
import io.kpushgateway.exposition.PeerClient;
import io.kpushgateway.exposition.PeerGroupsRoutes;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.exposition.StatusInfo;
import io.kpushgateway.exposition.WebUiRoutes;
import io.kpushgateway.ingest.DecodeBudget;
import io.kpushgateway.ingest.IngestLimits;
import io.kpushgateway.ingest.PushGate;
import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.KafkaPushPublisher;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.TopicAdmin;
import io.kpushgateway.kafka.Topics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway process: the embedded broker (when no Kafka address is given), the store, the push
 * publisher and one HTTP server, started in that order and closed in reverse.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Javalin http;

  /** Where the data directory's free space is read from: its filesystem, or a test's numbers. */
  private final Function<Path, DataDirWatcher.SpaceSource> spaceSource;

  private Gateway(Function<Path, DataDirWatcher.SpaceSource> spaceSource) {
    this.spaceSource = spaceSource;
  }

  public static Gateway start(GatewayConfig config) {
    return start(config, DataDirWatcher.SpaceSource::of);
  }

  /** With the data directory's free space read from {@code spaceSource} (for tests). */
  static Gateway start(
      GatewayConfig config, Function<Path, DataDirWatcher.SpaceSource> spaceSource) {
    Gateway gateway = new Gateway(spaceSource);
    try {
      gateway.startAll(config);
      return gateway;
    } catch (RuntimeException | Error e) {
      gateway.close();
      throw e;
    }
  }

  private void startAll(GatewayConfig config) {
    long t0 = System.nanoTime();
    Instant startTime = Instant.now();
    // First: a broken web config must stop the start before a broker or store is created.
    WebSecurity web = own(WebSecurity.load(config.web().configFile()));
    Optional<EmbeddedBrokerRole> broker =
        config.kafka().embeddedBroker()
            ? Optional.of(
                own(
                    EmbeddedBrokerRole.start(
                        GatewayConfig.Data.brokerDir(config.data().dir()),
                        config.kafka().embeddedBrokerPort(),
                        config.kafka().embeddedBrokerFlush())))
            : Optional.empty();
    InetSocketAddress listen = config.web().listenSocket();
    String nodeName = config.cluster().advertisedAddress();
    String bootstrap =
        broker.map(EmbeddedBrokerRole::bootstrapServers).orElse(config.kafka().bootstrapServers());
    KafkaOptions options = config.kafka().at(bootstrap);
    KafkaSettings kafka = new KafkaSettings(options);
    Topics topics = Topics.from(options);
    int partitions = TopicAdmin.ensureTopics(kafka, topics, options);
    boolean ingest = config.runs(GatewayConfig.Role.ingest);
    boolean store = config.runs(GatewayConfig.Role.store);
    List<Readiness> readiness = new ArrayList<>();

    // every role publishes: pushes, the store's admin wipe, the catalog's race settlements
    KafkaPushPublisher publisher = own(new KafkaPushPublisher(kafka, topics));
    readiness.add(() -> publisher.isReady() ? null : "the Kafka broker is not reachable");
    SelfMetrics self = new SelfMetrics(BuildInfo.version(), BuildInfo.revision());
    // Only a node that writes under --data.dir (its broker's log, its store) watches it.
    Optional<DataDirWatcher> watcher = Optional.empty();
    if (broker.isPresent() || store) {
      DataDirWatcher w = watchDataDir(config, broker.map(EmbeddedBrokerRole::broker), ingest, self);
      // Refusing pushes is not ready, as upstream's "cannot be written to"; a store-only node
      // still serves while short of space, so only a failed broker makes it unready. First:
      // with the broker down, "not reachable" would hide why.
      readiness.add(0, ingest ? w::refusedBecause : w::brokerFailure);
      watcher = Optional.of(w);
    }
    // how push paths (and the history's, which name groups the same way) check label names
    NameValidationScheme names =
        config.push().enableUtf8Names() ? NameValidationScheme.UTF8 : NameValidationScheme.LEGACY;
    Optional<IngestRole> ingestRole = Optional.empty();
    if (ingest) {
      IngestLimits limits =
          new IngestLimits(
              config.push().maxBodyBytes(),
              config.push().limits(),
              new DecodeBudget(config.push().decodeBudgetBytes(), DecodeBudget.WAIT));
      IngestRole.Settings settings =
          new IngestRole.Settings(
              limits, names, !config.push().disableConsistencyCheck(), config.push().ttl());
      PushGate gate = watcher.map(PushGate.class::cast).orElse(PushGate.OPEN);
      ingestRole =
          Optional.of(
              own(IngestRole.start(kafka, topics, publisher, self, nodeName, gate, settings)));
    }
    Optional<StoreRole> storeRole = Optional.empty();
    if (store) {
      PeerClient peers =
          new PeerClient(
              web.scheme(),
              config.web().routePrefix(),
              config.cluster().peerTimeout(),
              config.cluster().peerAuthorization());
      StoreRole.Reads reads =
          new StoreRole.Reads(
              config.cluster().partialReads() == GatewayConfig.PartialReads.serve,
              config.cluster().standbyReads());
      storeRole =
          Optional.of(
              own(StoreRole.start(kafka, topics, partitions, nodeName, peers, reads, self)));
    }
    ingestRole.ifPresent(r -> readiness.addAll(r.readiness()));
    storeRole.ifPresent(r -> readiness.addAll(r.readiness()));

    StatusInfo status = new StatusInfo(BuildInfo.information(), config.flags(), startTime);
    // an ingest node's /metrics has its own metrics only; the groups are on store nodes
    GroupSource none = List::of;
    GroupSource cluster = storeRole.map(StoreRole::cluster).orElse(none);
    GroupSource local = storeRole.map(StoreRole::local).orElse(none);
    Endpoints endpoints =
        new Endpoints(
            new LifecycleRoutes(readiness, config.web().enableLifecycle(), this::shutdownAsync),
            new MetricsRoutes(cluster, local, self, config.web().enableOpenMetrics()),
            new FederateRoutes(cluster, self, config.web().enableOpenMetrics()),
            new ApiV1Routes(cluster, status, storeRole.map(StoreRole::horizon)),
            ingestRole.map(IngestRole::routes),
            storeRole.map(
                r ->
                    new Endpoints.Store(
                        new WebUiRoutes(
                            r.cluster(),
                            r.historyReader(),
                            names,
                            status,
                            config.web().enableAdminApi()),
                        new AdminRoutes(r.cluster(), publisher, Clock.systemUTC(), nodeName),
                        new PeerGroupsRoutes(r.groups()),
                        new HistoryRoutes(r.historyReader(), r.history(), names))));
    String prefix = config.web().routePrefix();
    List<Route> routes =
        Routes.table(
            Routes.telemetryPath(prefix, config.web().telemetryPath()),
            config.web().enableAdminApi());
    http =
        HttpEdge.create(
            prefix,
            routes,
            endpoints,
            new HttpMetrics(self.registry()),
            cfg -> web.applyTo(cfg, listen));
    own(http::stop);
    LOG.info("roles {}, advertised as {}", config.roles(), nodeName);
    http.start(listen.getHostString(), listen.getPort());
    LOG.info(
        "kpushgateway {} listening on {}://{}:{} (started in {} ms)",
        BuildInfo.version(),
        web.scheme(),
        listen.getHostString(),
        http.port(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private <T extends AutoCloseable> T own(T part) {
    started.push(part);
    return part;
  }

  /** Started: the first sample is taken before pushes can arrive. */
  private DataDirWatcher watchDataDir(
      GatewayConfig config, Optional<EmbeddedKafka> broker, boolean ingest, SelfMetrics self) {
    FreeSpaceRule rule =
        new FreeSpaceRule(
            config.data().dir().toAbsolutePath().normalize().toString(),
            config.data().minFreeSpace(),
            GatewayConfig.MIN_FREE_SPACE);
    DataDirWatcher watcher =
        own(new DataDirWatcher(rule, spaceSource.apply(config.data().dir()), broker));
    watcher.start();
    DataDirMetrics.register(watcher::space, self.registry());
    if (ingest) {
      Map<String, BooleanSupplier> reasons = new LinkedHashMap<>();
      reasons.put("data_dir_full", () -> watcher.space() != null && watcher.space().refusing());
      if (broker.isPresent()) {
        reasons.put("embedded_broker_failed", () -> watcher.brokerFailure() != null);
      }
      DataDirMetrics.registerRefusals(reasons, self.registry());
    }
    return watcher;
  }

  /** The HTTP port actually bound (useful with port 0). */
  public int port() {
    return http.port();
  }

  /** Blocks until {@link #close()} has completed. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  private void shutdownAsync() {
    Thread t = new Thread(this::close, "gateway-shutdown");
    t.start();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}", c, e);
      }
    }
    stopped.countDown();
    LOG.info("kpushgateway stopped");
  }
}
