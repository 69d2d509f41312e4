package io.kpushgateway.exposition;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oldest instant {@code ?at=} can answer for the whole cluster, for {@code /api/v1/status} and
 * {@code kpushgateway_history_oldest_timestamp_seconds}. Finding it asks every partition's node, so
 * it is kept for {@link #MAX_AGE} and found again in the background once older: readers never wait
 * for it, and see nothing until it was found once.
 */
public final class HistoryHorizon implements AutoCloseable {

  static final Duration MAX_AGE = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(HistoryHorizon.class);

  /** What was found: empty {@code oldest} while retention deleted nothing. */
  public record Found(Optional<Instant> oldest, Instant at) {}

  private final ClusterGroupReader reader;
  private final Clock clock;
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "history-horizon");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Found found;

  public HistoryHorizon(ClusterGroupReader reader, Clock clock, PrometheusRegistry registry) {
    this.reader = reader;
    this.clock = clock;
    GaugeWithCallback.builder()
        .name("kpushgateway_history_oldest_timestamp_seconds")
        .help(
            "The oldest instant ?at= can answer, in Unix seconds: that of the oldest snapshot once"
                + " retention deleted pushes; no sample while it deleted none (every instant back"
                + " to the first push).")
        .callback(
            cb ->
                latest()
                    .flatMap(Found::oldest)
                    .ifPresent(oldest -> cb.call(oldest.toEpochMilli() / 1e3)))
        .register(registry);
  }

  /** The last finding, asking for a new one when it is old; empty until found once. */
  public Optional<Found> latest() {
    Found last = found;
    if ((last == null || last.at().plus(MAX_AGE).isBefore(clock.instant()))
        && refreshing.compareAndSet(false, true)) {
      refresher.execute(this::refresh);
    }
    return Optional.ofNullable(last);
  }

  private void refresh() {
    try {
      found = new Found(reader.oldestAnswerable(), clock.instant());
    } catch (RuntimeException e) { // store not running, a peer not answering: keep the last
      LOG.debug("oldest answerable instant not found: {}", e.toString());
    } finally {
      refreshing.set(false);
    }
  }

  @Override
  public void close() throws InterruptedException {
    refresher.shutdownNow();
    refresher.awaitTermination(5, TimeUnit.SECONDS);
  }
}
