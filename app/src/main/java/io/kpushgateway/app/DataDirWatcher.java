package io.kpushgateway.app;

import io.kpushgateway.app.util.Periodic;
import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.space.Bytes;
import io.kpushgateway.core.space.FreeSpaceRule;
import io.kpushgateway.core.space.FreeSpaceRule.FreeSpace;
import io.kpushgateway.ingest.PushGate;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the free space of the data directory's filesystem, four times a second, and keeps what
 * its {@link FreeSpaceRule} decides; with the embedded broker, also whether that has failed, and
 * restarts it once the directory has room again. Pushes are refused (its {@link PushGate}) while
 * either holds. A sample is one {@code statfs}: cheap, so often enough that few pushes land between
 * the one that crossed the threshold and the sample that says so.
 */
final class DataDirWatcher implements PushGate, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirWatcher.class);

  static final Duration INTERVAL = Duration.ofMillis(250);

  /** A filesystem's free and total bytes, now. */
  @FunctionalInterface
  interface SpaceSource {

    Usage read() throws IOException;

    /** The filesystem holding {@code dir}, or its nearest existing parent until it exists. */
    static SpaceSource of(Path dir) {
      Path absolute = dir.toAbsolutePath();
      return () -> {
        Path existing = absolute;
        while (!Files.exists(existing) && existing.getParent() != null) {
          existing = existing.getParent();
        }
        FileStore store = Files.getFileStore(existing);
        return new Usage(store.getUsableSpace(), store.getTotalSpace());
      };
    }
  }

  record Usage(long freeBytes, long totalBytes) {}

  private final FreeSpaceRule rule;
  private final SpaceSource source;
  private final Optional<EmbeddedKafka> broker;
  private Periodic sampler;
  private volatile FreeSpace current;
  private boolean sampleFailed; // sampler thread only

  DataDirWatcher(FreeSpaceRule rule, SpaceSource source, Optional<EmbeddedKafka> broker) {
    this.rule = Objects.requireNonNull(rule);
    this.source = Objects.requireNonNull(source);
    this.broker = Objects.requireNonNull(broker);
  }

  /** Takes the first sample before returning, so the node never starts on a guess. */
  void start() {
    sample();
    sampler = Periodic.start("data-dir-watcher", INTERVAL, this::sample);
  }

  /** The last sample, decided; null before {@link #start()}. */
  FreeSpace space() {
    return current;
  }

  /** Why the embedded broker stopped serving; null while it serves, or without one. */
  String brokerFailure() {
    return broker.map(EmbeddedKafka::failure).orElse(null);
  }

  /** Both causes when both hold: a full disk is usually why the broker failed. */
  @Override
  public String refusedBecause() {
    FreeSpace space = current;
    String full = space != null && space.refusing() ? space.refusal() : null;
    String failure = brokerFailure();
    if (failure == null) {
      return full;
    }
    String failed = failure + "; it restarts by itself once " + rule.directory() + " has room";
    return full == null ? "pushes refused: " + failed : full + "; " + failed;
  }

  private void sample() {
    try {
      Usage usage = source.read();
      FreeSpace previous = current;
      FreeSpace next =
          rule.decide(
              usage.freeBytes(), usage.totalBytes(), previous != null && previous.refusing());
      current = next;
      sampleFailed = false;
      if (next.refusing() && (previous == null || !previous.refusing())) {
        LOG.warn("{}", next.refusal());
      } else if (!next.refusing() && previous != null && previous.refusing()) {
        LOG.info(
            "pushes taken again: the data directory {} has {} free, at least {} needed",
            rule.directory(),
            Bytes.format(next.freeBytes()),
            Bytes.format(next.minFreeBytes()));
      }
      if (!next.refusing()) {
        broker.ifPresent(EmbeddedKafka::restartIfFailed); // at once while it serves
      }
    } catch (IOException | RuntimeException e) {
      // Keep the last decision: a directory we cannot measure is no reason to change it.
      if (!sampleFailed) {
        LOG.warn("cannot read the free space of {}: {}", rule.directory(), e.toString());
        sampleFailed = true;
      }
    }
  }

  @Override
  public void close() {
    if (sampler != null) {
      sampler.close();
    }
  }
}
