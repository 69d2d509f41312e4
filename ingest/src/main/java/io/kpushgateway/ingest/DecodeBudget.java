package io.kpushgateway.ingest;

import io.kpushgateway.core.validate.DecodeMemory;
import io.kpushgateway.core.validate.PushRejectedException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap that the pushes this node is decoding may take together ({@code --push.decode-budget}),
 * so that no body, however built, can take the memory the store, the scrapes and the embedded
 * broker need. Each push asks for what its readers estimate they hold, as they read, and keeps it
 * until its answer is sent (its families live until the broker's acknowledgement).
 *
 * <p>Small pushes take from the budget side by side. A push that grows beyond {@link #largeBytes}
 * must first become the one large push being decoded: two large pushes would otherwise each hold
 * half the budget and wait for the other. What cannot be had within {@code wait} is a 503 with
 * Retry-After ({@link BudgetExhaustedException}); a push that alone needs more than the whole
 * budget is a 413.
 */
public final class DecodeBudget {

  /**
   * How long a push waits for its share: long enough for a large push ahead of it to be decoded and
   * answered (a second or two for a million series), short enough that the client's retry after the
   * 503 comes before its own timeout.
   */
  public static final Duration WAIT = Duration.ofSeconds(5);

  /** Taken from the pool in these steps: a typical push takes one. */
  private static final long CHUNK_BYTES = 64 << 10;

  private final long totalBytes;
  private final long largeBytes;
  private final Duration wait;
  private final Semaphore chunks;
  private final Semaphore largeDecode = new Semaphore(1, true);

  /**
   * @param totalBytes the budget; rounded down to whole 64 KiB chunks, at least one
   * @param wait how long a push waits for what it asks for before it is answered 503
   */
  public DecodeBudget(long totalBytes, Duration wait) {
    long n = Math.max(1, Math.min(Integer.MAX_VALUE, totalBytes / CHUNK_BYTES));
    this.totalBytes = n * CHUNK_BYTES;
    this.largeBytes = Math.max(CHUNK_BYTES, this.totalBytes / 16);
    this.wait = wait;
    this.chunks = new Semaphore((int) n, true);
  }

  /**
   * The default budget: an eighth of the JVM's largest heap. The rest is for what the pushes become
   * once accepted (the producer's buffer, the store applying them, the parsed groups that scrapes
   * read), and for the broker when it runs in the process.
   */
  public static long defaultBytes() {
    return Runtime.getRuntime().maxMemory() / 8;
  }

  public long totalBytes() {
    return totalBytes;
  }

  /** Budget not taken right now, in bytes (for tests). */
  public long availableBytes() {
    return chunks.availablePermits() * CHUNK_BYTES;
  }

  /** A push's share, empty until it asks; close it once the push is answered. */
  public Grant open() {
    return new Grant();
  }

  /** One push's share of the budget. Asked from the request thread; closed once, anywhere. */
  public final class Grant implements DecodeMemory, AutoCloseable {
    private long charged;
    private long held; // whole chunks
    private boolean large;
    private boolean closed;

    @Override
    public synchronized void charge(long bytes) {
      if (closed) {
        throw new IllegalStateException("the push was answered: its share is given back");
      }
      charged += bytes;
      if (charged <= held) {
        return;
      }
      if (charged > totalBytes) {
        throw PushRejectedException.tooLarge(
            "push needs more memory to decode than the budget of "
                + totalBytes
                + " bytes (--push.decode-budget)");
      }
      if (charged > largeBytes && !large) {
        acquire(largeDecode, 1, "another large push is being decoded");
        large = true;
      }
      long more = (charged - held + CHUNK_BYTES - 1) / CHUNK_BYTES;
      acquire(chunks, (int) more, "the pushes being decoded take the whole budget");
      held += more * CHUNK_BYTES;
    }

    /** Decoding is over: a later large push may start while this one waits for its answer. */
    synchronized void decoded() {
      if (large) {
        large = false;
        largeDecode.release();
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      decoded();
      chunks.release((int) (held / CHUNK_BYTES));
      held = 0;
    }

    private void acquire(Semaphore semaphore, int permits, String why) {
      try {
        if (!semaphore.tryAcquire(permits, wait.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new BudgetExhaustedException(
              "push not decoded: " + why + " (--push.decode-budget " + totalBytes + " bytes)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BudgetExhaustedException("push not decoded: interrupted while waiting");
      }
    }
  }
}
