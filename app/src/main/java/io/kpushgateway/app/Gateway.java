package io.kpushgateway.app;

import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.LocalGroupReader;
import io.kpushgateway.exposition.MetricsRoutes;
import io.kpushgateway.exposition.SelfMetrics;
import io.kpushgateway.exposition.StatusInfo;
import io.kpushgateway.ingest.IngestRoutes;
import io.kpushgateway.kafka.KafkaOptions;
import io.kpushgateway.kafka.KafkaPushPublisher;
import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.TopicAdmin;
import io.kpushgateway.kafka.Topics;
import io.kpushgateway.store.StoreService;
import io.javalin.Javalin;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
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

  private Gateway() {}

  public static Gateway start(GatewayConfig config) {
    Gateway gateway = new Gateway();
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
    String bootstrap = config.bootstrapServers;
    if (config.embeddedBroker()) {
      EmbeddedKafka broker = EmbeddedKafka.start(config.dataDir.resolve("kafka"));
      started.push(broker);
      bootstrap = broker.bootstrapServers();
      LOG.info("embedded Kafka broker listening on {}", bootstrap);
    }
    InetSocketAddress listen = config.listenSocket();
    String nodeName = nodeName(listen);
    KafkaOptions options =
        new KafkaOptions(
            bootstrap,
            config.topicPrefix,
            config.applicationId,
            config.partitions,
            config.replicationFactor,
            config.dataDir.resolve("streams"),
            KafkaOptions.DEFAULT_COMMIT_INTERVAL,
            config.produceTimeout,
            null,
            nodeName,
            KafkaOptions.DEFAULT_PUSH_RETENTION,
            KafkaOptions.DEFAULT_MAX_IN_FLIGHT_PUSHES,
            maxRecordBytes(config.maxBodyBytes));
    KafkaSettings settings = new KafkaSettings(options);
    Topics topics = Topics.from(options);
    TopicAdmin.ensureTopics(settings, topics, options);

    KafkaPushPublisher publisher = new KafkaPushPublisher(settings, topics);
    started.push(publisher);
    StoreService store = new StoreService(settings, topics);
    started.push(store);
    store.start();

    SelfMetrics self = new SelfMetrics(BuildInfo.version(), BuildInfo.revision());
    http =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.http.prefer405over404 = true;
              cfg.router.ignoreTrailingSlashes = false;
              cfg.http.gzipOnlyCompression();
            });
    new IngestRoutes(publisher, Clock.systemUTC(), nodeName, config.maxBodyBytes).addTo(http);
    LocalGroupReader groups = new LocalGroupReader(store); // one: it keeps the last groups read
    new MetricsRoutes(groups, self, config.enableOpenMetrics).addTo(http, config.telemetryPath);
    new ApiV1Routes(
            groups,
            new StatusInfo(BuildInfo.information(), config.flags(), startTime))
        .addTo(http);
    new LifecycleRoutes(store, publisher, config.enableLifecycle, this::shutdownAsync).addTo(http);
    http.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          ctx.status(500).contentType("text/plain; charset=utf-8").result("internal error\n");
        });
    started.push(http::stop);
    http.start(listen.getHostString(), listen.getPort());
    LOG.info(
        "kpushgateway {} listening on {}:{} (started in {} ms)",
        BuildInfo.version(),
        listen.getHostString(),
        http.port(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Kafka's record limit for a given body limit: sanitation adds the grouping labels and
   * instance="" to every series, so a record can outgrow the body it came from.
   */
  static int maxRecordBytes(long maxBodyBytes) {
    return (int) Math.min(Integer.MAX_VALUE / 2, 2 * maxBodyBytes + (1 << 20));
  }

  private static String nodeName(InetSocketAddress listen) {
    String host = listen.getAddress() != null && listen.getAddress().isAnyLocalAddress()
        ? hostName()
        : listen.getHostString();
    return host + ":" + listen.getPort();
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
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
