package io.kpushgateway.app;

import io.kpushgateway.app.util.Periodic;
import io.kpushgateway.app.web.WebSecurity;
import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.space.FreeSpaceRule;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.kafka.CatalogView;
import io.kpushgateway.kafka.RaceSettler;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import io.kpushgateway.exposition.AdminRoutes;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.FederateRoutes;
import io.kpushgateway.exposition.HttpMetrics;
import io.kpushgateway.exposition.ClusterGroupReader;
import io.kpushgateway.exposition.DataDirMetrics;
import io.kpushgateway.exposition.GroupSource;
import io.kpushgateway.exposition.LocalGroupReader;
import io.kpushgateway.exposition.PeerClient;
import io.kpushgateway.exposition.PeerGroupsRoutes;
import io.kpushgateway.exposition.MetricsRoutes;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.exposition.StatusInfo;
import io.kpushgateway.exposition.StoreMetrics;
import io.kpushgateway.exposition.WebUiRoutes;
import io.kpushgateway.ingest.DecodeBudget;
import io.kpushgateway.ingest.IngestLimits;
import io.kpushgateway.ingest.IngestRoutes;
import io.kpushgateway.ingest.PushGate;
import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.KafkaPushPublisher;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.TopicAdmin;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.store.GroupStore;
import io.kpushgateway.store.NodeAddress;
import io.kpushgateway.store.StoreService;
import io.javalin.Javalin;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway process: the embedded broker (when no Kafka address is given), the store, the
 * push publisher and one HTTP server, started in that order and closed in reverse.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Javalin http;
  private CatalogView catalogView;

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
    WebSecurity web = WebSecurity.load(config.web().configFile());
    started.push(web);
    String bootstrap = config.kafka().bootstrapServers();
    Optional<EmbeddedKafka> embedded = Optional.empty();
    if (config.kafka().embeddedBroker()) {
      EmbeddedKafka broker =
          EmbeddedKafka.start(
              config.data().dir().resolve("kafka"), config.kafka().embeddedBrokerPort());
      started.push(broker);
      bootstrap = broker.bootstrapServers();
      embedded = Optional.of(broker);
      LOG.info("embedded Kafka broker listening on {}", bootstrap);
    }
    InetSocketAddress listen = config.web().listenSocket();
    String nodeName = config.cluster().advertisedAddress();
    KafkaOptions options = config.kafka().at(bootstrap);
    KafkaSettings settings = new KafkaSettings(options);
    Topics topics = Topics.from(options);
    int partitions = TopicAdmin.ensureTopics(settings, topics, options);
    boolean ingest = config.runs(GatewayConfig.Role.ingest);
    boolean storeRole = config.runs(GatewayConfig.Role.store);
    List<LifecycleRoutes.Readiness> readiness = new ArrayList<>();

    // every role publishes: pushes, the store's admin wipe, the catalog's race settlements
    KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics);
    started.push(publisher);
    readiness.add(() -> publisher.isReady() ? null : "the Kafka broker is not reachable");
    StoreService store = null;
    if (storeRole) {
      StoreService s = new StoreService(settings, topics);
      started.push(s);
      s.start();
      readiness.add(() -> s.isRunning() ? null : "the groups store is " + s.state());
      store = s;
    }

    SelfMetrics self = new SelfMetrics(BuildInfo.version(), BuildInfo.revision());
    // Only a node that writes under --data.dir (its broker's log, its store) watches it.
    Optional<DataDirWatcher> watcher = Optional.empty();
    if (embedded.isPresent() || storeRole) {
      DataDirWatcher w = watchDataDir(config, embedded, ingest, self);
      // Refusing pushes is not ready, as upstream's "cannot be written to"; a store-only node
      // still serves while short of space, so only a failed broker makes it unready. First:
      // with the broker down, "not reachable" would hide why.
      readiness.add(0, ingest ? w::refusedBecause : w::brokerFailure);
      watcher = Optional.of(w);
    }
    FamilyCatalog catalog = null;
    if (ingest && !config.push().disableConsistencyCheck()) {
      catalog = startCatalog(settings, topics, publisher, self, nodeName);
      readiness.add(
          () ->
              catalogView.isCaughtUp()
                  ? null
                  : "still reading the catalog of registered metric families");
    }
    UpstreamRouter router =
        new UpstreamRouter(
            config.web().routePrefix(),
            config.web().telemetryPath(),
            config.web().enableAdminApi());
    RoutingFilter routing = new RoutingFilter(router, new HttpMetrics(self.registry()));
    http =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.http.prefer405over404 = true;
              cfg.router.ignoreTrailingSlashes = false;
              cfg.http.gzipOnlyCompression();
              web.applyTo(cfg, listen);
              // routes, the route prefix and the HTTP self-metrics, in front of Javalin
              cfg.jetty.modifyServletContextHandler(routing::installOn);
            });
    if (ingest) {
      NameValidationScheme names =
          config.push().enableUtf8Names() ? NameValidationScheme.UTF8 : NameValidationScheme.LEGACY;
      IngestLimits limits =
          new IngestLimits(
              config.push().maxBodyBytes(),
              config.push().limits(),
              new DecodeBudget(config.push().decodeBudgetBytes(), DecodeBudget.WAIT));
      new IngestRoutes(
              publisher,
              Clock.systemUTC(),
              nodeName,
              limits,
              catalog,
              names,
              watcher.map(PushGate.class::cast).orElse(PushGate.OPEN))
          .addTo(http);
    } else {
      RoleRoutes.pushesElsewhere(http);
    }
    StatusInfo status = new StatusInfo(BuildInfo.information(), config.flags(), startTime);
    GroupSource scraped; // what /metrics serves, and /federate selects from
    if (storeRole) {
      GroupStore groups = store.groupStore();
      // one of each: they keep the groups parsed at their last read
      GroupSource local = new LocalGroupReader(groups);
      GroupSource cluster =
          new ClusterGroupReader(
              groups,
              NodeAddress.parse(nodeName),
              partitions,
              new PeerClient(
                  web.scheme(),
                  config.web().routePrefix(),
                  config.cluster().peerTimeout(),
                  config.cluster().peerAuthorization()),
              config.cluster().partialReads() == GatewayConfig.PartialReads.serve,
              config.cluster().standbyReads(),
              self.registry());
      new MetricsRoutes(cluster, local, self, config.web().enableOpenMetrics())
          .addTo(http, router.telemetryPath());
      scraped = cluster;
      new ApiV1Routes(cluster, status).addTo(http);
      new AdminRoutes(
              cluster, publisher, Clock.systemUTC(), nodeName, config.web().enableAdminApi())
          .addTo(http);
      new WebUiRoutes(cluster, status, config.web().enableAdminApi()).addTo(http);
      new PeerGroupsRoutes(groups).addTo(http);
      StoreMetrics.register(groups, self.registry());
    } else {
      // an ingest node's /metrics has its own metrics only; the groups are on store nodes
      GroupSource none = List::of;
      new MetricsRoutes(none, none, self, config.web().enableOpenMetrics())
          .addTo(http, router.telemetryPath());
      scraped = none;
      new ApiV1Routes(null, status).addTo(http);
      RoleRoutes.readsElsewhere(http, config.web().enableAdminApi());
    }
    if (!router.telemetryPath().equals(FederateRoutes.PATH)) {
      new FederateRoutes(scraped, self, config.web().enableOpenMetrics()).addTo(http);
    }
    new LifecycleRoutes(readiness, config.web().enableLifecycle(), this::shutdownAsync).addTo(http);
    LOG.info("roles {}, advertised as {}", config.roles(), nodeName);
    // a known route without a registered handler gets Go's 404, like every other 404
    http.error(
        404,
        ctx -> {
          if (ctx.resultInputStream() != null) {
            return; // a handler's own 404, e.g. RoleRoutes'
          }
          UpstreamRouter.Answer notFound = UpstreamRouter.notFound();
          notFound.headers().forEach(ctx::header);
          ctx.result(notFound.body());
        });
    http.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          ctx.status(500).contentType("text/plain; charset=utf-8").result("internal error\n");
        });
    started.push(http::stop);
    http.start(listen.getHostString(), listen.getPort());
    LOG.info(
        "kpushgateway {} listening on {}://{}:{} (started in {} ms)",
        BuildInfo.version(),
        web.scheme(),
        listen.getHostString(),
        http.port(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The catalog of every group's families for the cross-group consistency check, kept up to date
   * from the catalog topic; races it detects are settled through the push log.
   */
  private FamilyCatalog startCatalog(
      KafkaSettings settings,
      Topics topics,
      KafkaPushPublisher publisher,
      SelfMetrics self,
      String nodeName) {
    FamilyCatalog catalog = new FamilyCatalog();
    // The gateway's own families fix their types; new ones appear as the process runs.
    Runnable refreshOwn = () -> catalog.setOwnFamilies(typesOf(self.families()));
    refreshOwn.run();
    started.push(Periodic.start("own-families", Duration.ofSeconds(10), refreshOwn));
    catalogView =
        new CatalogView(
            settings, topics, catalog, new RaceSettler(publisher, Clock.systemUTC(), nodeName));
    started.push(catalogView);
    catalogView.start();
    return catalog;
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
        new DataDirWatcher(rule, spaceSource.apply(config.data().dir()), broker);
    started.push(watcher);
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

  private static Map<String, MetricType> typesOf(List<MetricFamily> families) {
    Map<String, MetricType> types = new HashMap<>();
    for (MetricFamily family : families) {
      types.put(family.getName(), family.getType());
    }
    return types;
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
