package io.kpushgateway.kafka;

import io.kpushgateway.kafka.PublishFailedException.Reason;
import io.kpushgateway.proto.PushRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PushPublisher} on one idempotent {@code acks=all} producer.
 *
 * <p><b>Never blocking the caller.</b> {@code KafkaProducer.send} blocks for topic metadata (and
 * buffer space) up to {@code max.block.ms}. We set that to 0: with metadata cached — the normal
 * case, including a broker that just went down — send only appends to the buffer, and the delivery
 * timeout fails the push later. Without metadata (just started, or the topic idle for longer than
 * {@code metadata.max.idle.ms}) the send fails at once, synchronously; we then retry it from one
 * scheduler thread with a short backoff until metadata arrives or {@code produceTimeout} has passed
 * since the publish. So a request thread spends microseconds here and a push fails within {@code
 * produceTimeout} whatever the broker does.
 *
 * <p><b>In-flight limit.</b> At most {@code maxInFlightPushes} pushes wait for an acknowledgement;
 * beyond that a publish fails at once ({@link Reason#OVERLOADED}), like the Pushgateway's bounded
 * write queue, rather than piling up in the producer's buffer while the broker is slow.
 */
public final class KafkaPushPublisher implements PushPublisher {

  private static final Logger log = LoggerFactory.getLogger(KafkaPushPublisher.class);

  private static final long FIRST_RETRY_MS = 5;
  private static final long MAX_RETRY_MS = 100;

  private final Producer<byte[], PushRecord> producer;
  private final String topic;
  private final Duration produceTimeout;
  private final int maxInFlight;
  private final Semaphore inFlight;
  private final Metric metadataAge;
  private final long staleMetadataMs;
  private final ScheduledExecutorService retries;
  private final Set<Pending> awaitingMetadata = ConcurrentHashMap.newKeySet();

  /** Pushes waiting for the topic's metadata, in publish order; also the send order's lock. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

  private int drainAttempts; // guarded by waiting
  private volatile Exception lastNoMetadata;
  private volatile boolean closed;

  public KafkaPushPublisher(KafkaSettings settings, Topics topics) {
    ProducerOptions options = settings.options().producer();
    this.topic = topics.pushes();
    this.produceTimeout = options.produceTimeout();
    this.maxInFlight = options.maxInFlightPushes();
    this.inFlight = new Semaphore(maxInFlight);
    // Metadata is refreshed every metadataRefresh while the broker answers; twice that
    // without a successful refresh means we cannot reach it.
    this.staleMetadataMs = 2 * settings.metadataRefresh().toMillis();
    this.producer =
        new KafkaProducer<>(
            settings.producer(),
            ProtoSerdes.groupingKey().serializer(),
            ProtoSerdes.pushRecord().serializer());
    try {
      this.metadataAge = producerMetric("metadata-age");
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kpushgateway-publisher-retry");
              t.setDaemon(true);
              return t;
            });
    // Ask for the topic's metadata now, so the first push finds it.
    isReady();
  }

  @Override
  public CompletableFuture<Void> publish(byte[] key, PushRecord record) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(record, "record");
    if (record.getReceivedAtUnixNanos() <= 0) {
      throw new IllegalArgumentException(
          "a push needs received_at_unix_nanos: it is the record timestamp");
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(closedException());
      return result;
    }
    if (!inFlight.tryAcquire()) {
      result.completeExceptionally(
          new PublishFailedException(
              Reason.OVERLOADED,
              "too many pushes in flight (limit " + maxInFlight + "), try again later"));
      return result;
    }
    long timestampMs = Math.floorDiv(record.getReceivedAtUnixNanos(), 1_000_000L);
    Pending pending =
        new Pending(
            new ProducerRecord<>(topic, null, timestampMs, key, record),
            System.nanoTime() + produceTimeout.toNanos(),
            result);
    send(pending);
    return result;
  }

  /**
   * Sends in publish order. While the topic's metadata is missing, pushes wait in one FIFO queue
   * and are retried from its head, and later pushes queue behind them: two pushes of one group
   * reach the partition in the order they were published, even across a broker outage.
   */
  private void send(Pending pending) {
    synchronized (waiting) {
      if (!waiting.isEmpty()) {
        enqueue(pending, null);
        return;
      }
      Exception noMetadata = trySend(pending);
      if (noMetadata != null) {
        enqueue(pending, noMetadata);
        scheduleDrain();
      }
    }
  }

  /**
   * Hands one push to the producer. Returns the exception when it failed inside send() before being
   * buffered because the topic's metadata is not there (yet); null otherwise (buffered, or
   * completed with its outcome).
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the send's callback completes the push
  private Exception trySend(Pending pending) {
    if (pending.isDone()) {
      return null;
    }
    if (closed) {
      pending.fail(closedException());
      return null;
    }
    Thread sender = Thread.currentThread();
    Exception[] noMetadata = new Exception[1];
    try {
      producer.send(
          pending.record,
          (metadata, e) -> {
            if (e != null
                && Thread.currentThread() == sender
                && e instanceof TimeoutException
                && !(e instanceof BufferExhaustedException)) {
              noMetadata[0] = e;
            } else if (e == null) {
              pending.succeed();
            } else {
              pending.fail(classify(e));
            }
          });
    } catch (IllegalStateException e) {
      pending.fail(closedException()); // the producer was closed under us
    } catch (RuntimeException e) {
      pending.fail(unavailable("could not hand the push to the Kafka producer", e));
    }
    return noMetadata[0];
  }

  /**
   * Queues a push until the metadata arrives, failing it at its deadline. Holds {@code waiting}.
   */
  @SuppressWarnings(
      "FutureReturnValueIgnored") // one-shot timers whose tasks fail the push themselves
  private void enqueue(Pending pending, Exception cause) {
    long remainingNanos = pending.deadlineNanos - System.nanoTime();
    if (remainingNanos <= 0 || closed) {
      pending.fail(closed ? closedException() : noMetadata(cause));
      return;
    }
    try {
      // Once buffered, the push gets a full delivery timeout of its own: keep the promise of
      // failing within produceTimeout of the publish anyway.
      retries.schedule(
          () -> pending.fail(noMetadata(cause != null ? cause : lastNoMetadata)),
          remainingNanos,
          TimeUnit.NANOSECONDS);
      waiting.add(pending);
      awaitingMetadata.add(pending);
      if (cause != null) {
        lastNoMetadata = cause;
      }
    } catch (RejectedExecutionException rejected) {
      pending.fail(closedException()); // closing
    }
  }

  /** Holds {@code waiting}. */
  @SuppressWarnings(
      "FutureReturnValueIgnored") // one-shot timers whose tasks fail the push themselves
  private void scheduleDrain() {
    long backoffMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(drainAttempts++, 10));
    try {
      retries.schedule(this::drain, backoffMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException rejected) {
      // closing: close() fails what waits
    }
  }

  /** Retries the queue from its head, in order, until one still finds no metadata. */
  private void drain() {
    synchronized (waiting) {
      while (!waiting.isEmpty()) {
        Pending head = waiting.peek();
        Exception noMetadata = trySend(head);
        if (noMetadata != null) {
          lastNoMetadata = noMetadata;
          scheduleDrain();
          return;
        }
        waiting.poll();
      }
      drainAttempts = 0;
    }
  }

  private PublishFailedException classify(Exception e) {
    return classify(e, produceTimeout, closed);
  }

  /** What a failed send means for the client; the message names the broker's answer. */
  static PublishFailedException classify(Exception e, Duration produceTimeout, boolean closed) {
    if (e instanceof RecordTooLargeException) {
      return new PublishFailedException(
          Reason.TOO_LARGE, "push too large for Kafka: " + e.getMessage(), e);
    }
    if (e instanceof BufferExhaustedException) {
      return new PublishFailedException(
          Reason.OVERLOADED, "Kafka producer buffer full, try again later: " + e.getMessage(), e);
    }
    String storage = storageFailure(e);
    if (storage != null) {
      return unavailable("the broker cannot store the push now: " + storage, e);
    }
    if (e instanceof TimeoutException) {
      return unavailable("push not acknowledged within " + produceTimeout.toMillis() + " ms", e);
    }
    if (closed && e instanceof KafkaException) {
      return closedException(); // forced close failed what was still buffered
    }
    return unavailable("push not stored", e);
  }

  /**
   * The broker's answer when it could not write the push to its log, in words; null for other
   * failures. Both are retried until the delivery timeout, so they reach us only when the broker
   * answered so at the deadline; a push refused for longer usually ends as a timeout.
   */
  static String storageFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KafkaStorageException) {
        return "KafkaStorageException, a log directory of the partition's leader failed (a full"
            + " disk?)";
      }
      if (t instanceof NotEnoughReplicasException
          || t instanceof NotEnoughReplicasAfterAppendException) {
        return t.getClass().getSimpleName()
            + ", fewer in-sync replicas than min.insync.replicas (brokers down, or their disks"
            + " full?)";
      }
    }
    return null;
  }

  private PublishFailedException noMetadata(Exception e) {
    return unavailable(
        "no metadata for topic " + topic + " within " + produceTimeout.toMillis() + " ms", e);
  }

  private static PublishFailedException unavailable(String what, Exception e) {
    return new PublishFailedException(
        Reason.UNAVAILABLE, "Kafka broker unavailable: " + what + " (" + e.getMessage() + ")", e);
  }

  private static PublishFailedException closedException() {
    return new PublishFailedException(
        Reason.CLOSED, "the push publisher is closed (shutting down)");
  }

  /**
   * True when the producer knows the pushes topic and refreshed its metadata from the broker within
   * the last two refresh intervals ({@code produceTimeout} in all). When no broker at all is
   * reachable, Kafka 4 drops the cached metadata (rebootstrap) and this turns false within
   * milliseconds; the age check covers brokers that stay connected but stop answering. Calling it
   * also keeps the topic's metadata warm, so a node that only gets readiness probes has it when
   * pushes come.
   */
  @Override
  public boolean isReady() {
    if (closed) {
      return false;
    }
    try {
      // Non-blocking (max.block.ms=0): the cached partitions, or a TimeoutException after
      // requesting them.
      if (producer.partitionsFor(topic).isEmpty()) {
        return false;
      }
    } catch (KafkaException e) {
      return false;
    }
    double ageSeconds = ((Number) metadataAge.metricValue()).doubleValue();
    return ageSeconds * 1000 <= staleMetadataMs;
  }

  /**
   * Stops accepting pushes, waits up to {@code produceTimeout} for the acknowledgements of those in
   * flight, and fails the ones that remain.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    producer.close(produceTimeout);
    retries.shutdownNow();
    for (Pending pending : awaitingMetadata) {
      pending.fail(closedException());
    }
  }

  /** Pushes waiting for an acknowledgement (for tests and self-metrics). */
  int inFlight() {
    return maxInFlight - inFlight.availablePermits();
  }

  private Metric producerMetric(String name) {
    return producer.metrics().entrySet().stream()
        .filter(
            m -> m.getKey().name().equals(name) && m.getKey().group().equals("producer-metrics"))
        .map(m -> (Metric) m.getValue())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("Kafka producer has no metric " + name));
  }

  /** One push on its way; completes exactly once and gives its in-flight permit back then. */
  private final class Pending {
    final ProducerRecord<byte[], PushRecord> record;
    final long deadlineNanos;
    final CompletableFuture<Void> result;
    final AtomicBoolean done = new AtomicBoolean();

    Pending(
        ProducerRecord<byte[], PushRecord> record,
        long deadlineNanos,
        CompletableFuture<Void> result) {
      this.record = record;
      this.deadlineNanos = deadlineNanos;
      this.result = result;
    }

    boolean isDone() {
      return done.get();
    }

    void succeed() {
      if (finish()) {
        result.complete(null);
      }
    }

    void fail(PublishFailedException e) {
      if (finish()) {
        log.debug("push failed: {}", e.getMessage());
        result.completeExceptionally(e);
      }
    }

    private boolean finish() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      awaitingMetadata.remove(this);
      inFlight.release();
      return true;
    }
  }
}
