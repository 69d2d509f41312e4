package io.kpushgateway.kafka;

import io.kpushgateway.kafka.PublishFailedException.Reason;
import io.kpushgateway.proto.PushRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BatchPublisher} on a few transactional producers ({@link
 * KafkaSettings#batchProducer}), one batch per producer at a time (Kafka allows one open
 * transaction per producer), each on a thread of its own so that no HTTP thread ever waits on a
 * transaction. A producer is created at the first batch: a node that gets none has no transactional
 * state on the broker.
 *
 * <p>A failed batch is aborted; a producer that cannot abort (fenced, broker gone) is closed and
 * replaced at the next batch, whose {@code initTransactions} fences it and aborts what it left
 * open. At most {@link #MAX_QUEUED} batches wait for a producer; beyond that a batch fails at once
 * ({@link Reason#OVERLOADED}), as the push publisher's in-flight limit.
 */
public final class KafkaBatchPublisher implements BatchPublisher {

  private static final Logger log = LoggerFactory.getLogger(KafkaBatchPublisher.class);

  /** Transactions at once: two keep one producer busy while the next batch is being validated. */
  static final int PRODUCERS = 2;

  static final int MAX_QUEUED = 16;

  private final KafkaSettings settings;
  private final String topic;
  private final Duration produceTimeout;
  private final BlockingQueue<Slot> idle = new ArrayBlockingQueue<>(PRODUCERS);
  private final ThreadPoolExecutor executor;
  private volatile boolean closed;

  /**
   * @param nodeName this node's advertised address: with the topic, it makes the producers'
   *     transactional ids, stable across restarts and unique per node
   */
  public KafkaBatchPublisher(KafkaSettings settings, Topics topics, String nodeName) {
    this.settings = settings;
    this.topic = topics.pushes();
    this.produceTimeout = settings.options().producer().produceTimeout();
    for (int i = 0; i < PRODUCERS; i++) {
      idle.add(new Slot(topic + ".batch." + nodeName + "." + i));
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            PRODUCERS,
            PRODUCERS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED),
            r -> {
              Thread t = new Thread(r, "kpushgateway-batch-" + threads.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public CompletableFuture<Void> publishAll(List<Push> pushes) {
    List<Push> batch = List.copyOf(pushes);
    for (Push push : batch) {
      if (push.record().getReceivedAtUnixNanos() <= 0) {
        throw new IllegalArgumentException(
            "a push needs received_at_unix_nanos: it is the record timestamp");
      }
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(closedException());
      return result;
    }
    long deadline = System.nanoTime() + produceTimeout.toNanos();
    try {
      executor.execute(() -> run(batch, deadline, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          closed
              ? closedException()
              : new PublishFailedException(
                  Reason.OVERLOADED,
                  "too many batches waiting for a transaction (limit "
                      + MAX_QUEUED
                      + "), try again later"));
    }
    return result;
  }

  private void run(List<Push> batch, long deadlineNanos, CompletableFuture<Void> result) {
    if (System.nanoTime() > deadlineNanos) {
      result.completeExceptionally(
          new PublishFailedException(
              Reason.OVERLOADED,
              "the batch waited longer than " + produceTimeout.toMillis() + " ms for a producer"));
      return;
    }
    Slot slot = idle.poll(); // never empty: one slot per executor thread
    try {
      result.complete(slot.transact(batch));
    } catch (PublishFailedException e) {
      log.debug("batch failed: {}", e.getMessage());
      result.completeExceptionally(e);
    } catch (RuntimeException e) {
      result.completeExceptionally(KafkaPushPublisher.classify(e, produceTimeout, closed));
    } finally {
      idle.add(slot);
    }
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      executor.awaitTermination(2 * produceTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    for (Slot slot : idle) {
      slot.discard(produceTimeout);
    }
  }

  private static PublishFailedException closedException() {
    return new PublishFailedException(
        Reason.CLOSED, "the batch publisher is closed (shutting down)");
  }

  /** One transactional producer, used by one thread at a time. */
  private final class Slot {
    private final String transactionalId;
    private Producer<byte[], PushRecord> producer;

    Slot(String transactionalId) {
      this.transactionalId = transactionalId;
    }

    /** Writes the batch in one transaction; returns once it committed. */
    @SuppressWarnings("FutureReturnValueIgnored") // commitTransaction reports every send
    Void transact(List<Push> batch) {
      Producer<byte[], PushRecord> p = open();
      AtomicReference<Exception> firstFailure = new AtomicReference<>();
      try {
        p.beginTransaction();
        for (Push push : batch) {
          long timestampMs = Math.floorDiv(push.record().getReceivedAtUnixNanos(), 1_000_000L);
          p.send(
              new ProducerRecord<>(topic, null, timestampMs, push.key(), push.record()),
              (metadata, e) -> {
                if (e != null) {
                  firstFailure.compareAndSet(null, e);
                }
              });
        }
        p.commitTransaction();
        return null;
      } catch (KafkaException e) {
        abort(p);
        Exception cause = firstFailure.get() != null ? firstFailure.get() : e;
        throw KafkaPushPublisher.classify(cause, produceTimeout, closed);
      }
    }

    private Producer<byte[], PushRecord> open() {
      if (producer == null) {
        Producer<byte[], PushRecord> p =
            new KafkaProducer<>(
                settings.batchProducer(transactionalId),
                ProtoSerdes.groupingKey().serializer(),
                ProtoSerdes.pushRecord().serializer());
        try {
          p.initTransactions(); // fences an earlier producer of this id, aborting its batch
        } catch (KafkaException e) {
          p.close(Duration.ZERO);
          throw KafkaPushPublisher.classify(e, produceTimeout, closed);
        }
        producer = p;
      }
      return producer;
    }

    private void abort(Producer<byte[], PushRecord> p) {
      try {
        p.abortTransaction();
      } catch (KafkaException e) {
        // fenced, or the broker cannot be reached: the next batch starts a new producer, and the
        // broker aborts this one's transaction (initTransactions, or transaction.timeout.ms)
        log.warn("could not abort a batch transaction, replacing its producer: {}", e.toString());
        discard(Duration.ZERO);
      }
    }

    void discard(Duration wait) {
      if (producer != null) {
        producer.close(wait);
        producer = null;
      }
    }
  }
}
