package io.kpushgateway.kafka;

import io.kpushgateway.proto.PushRecord;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Writes the pushes of one batch to the push log as one unit: all of them or none. The seam between
 * the batch route and Kafka; HTTP tests use a recording fake. Implementations are thread-safe.
 */
public interface BatchPublisher extends AutoCloseable {

  /** One push of a batch, under its canonical grouping key bytes. */
  record Push(byte[] key, PushRecord record) {
    public Push {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(record, "record");
    }
  }

  /**
   * Appends {@code pushes} atomically. Returns at once. The future completes normally only once all
   * of them are durable and visible to read-committed readers, and exceptionally with a {@link
   * PublishFailedException} when none of them will ever be visible (the transaction aborted, or
   * left to the broker to abort). It may complete on a publisher thread: dependent stages must not
   * block.
   */
  CompletableFuture<Void> publishAll(List<Push> pushes);

  /** Stops accepting batches, waits a bounded time for those in flight, fails the rest. */
  @Override
  void close();
}
