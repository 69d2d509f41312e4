package io.kpushgateway.kafka;

import io.kpushgateway.proto.PushRecord;
import java.util.concurrent.CompletableFuture;

/**
 * Writes pushes to the push log. The seam between ingest (and the admin wipe) and Kafka; HTTP tests
 * use a recording fake. Implementations are thread-safe.
 */
public interface PushPublisher extends AutoCloseable {

  /**
   * Appends {@code record} under {@code key}, the canonical grouping key bytes. Returns at once
   * (never waits for the broker on the caller's thread). The future completes normally only once
   * the broker has acknowledged the record durably, and exceptionally with a {@link
   * PublishFailedException} for every failure, including a full in-flight limit or a closed
   * publisher. It may complete on a Kafka client thread: dependent stages must not block.
   *
   * @throws IllegalArgumentException if the record has no {@code received_at_unix_nanos}, which
   *     becomes the Kafka record timestamp (a bug in the caller, not a push to refuse)
   */
  CompletableFuture<Void> publish(byte[] key, PushRecord record);

  /**
   * Whether a push would probably be acknowledged now (the broker was reachable recently). Cheap
   * and non-blocking: made for {@code /-/ready}.
   */
  boolean isReady();

  /** Stops accepting pushes, waits a bounded time for those in flight, fails the rest. */
  @Override
  void close();
}
