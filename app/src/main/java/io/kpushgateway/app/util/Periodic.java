package io.kpushgateway.app.util;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task run again and again on a daemon thread of its own, a fixed delay after each run. A run
 * that throws is logged and the next one still happens: a task handed to a {@link
 * ScheduledExecutorService} directly stops for good at its first exception, without a word.
 */
public final class Periodic implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

  private final ScheduledExecutorService executor;
  private final ScheduledFuture<?> runs;

  private Periodic(String name, Duration delay, Runnable task) {
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    long ms = delay.toMillis();
    this.runs =
        executor.scheduleWithFixedDelay(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                LOG.warn("{} failed; trying again in {} ms", name, ms, e);
              }
            },
            ms,
            ms,
            TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code task} every {@code delay}, the first time after one delay, on thread {@code name}.
   */
  public static Periodic start(String name, Duration delay, Runnable task) {
    return new Periodic(name, delay, task);
  }

  @Override
  public void close() {
    runs.cancel(true);
    executor.shutdownNow();
  }
}
