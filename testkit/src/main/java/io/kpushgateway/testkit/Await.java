package io.kpushgateway.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling with backoff until a deadline: the only way tests here wait for
 * asynchronous effects (never a fixed sleep).
 */
public final class Await {

  private static final long FIRST_PAUSE_MS = 5;
  private static final long MAX_PAUSE_MS = 200;

  private Await() {}

  /**
   * Polls {@code condition} until it is true. A condition that throws counts as false; the last
   * exception becomes the cause of the {@link AssertionError} thrown at the deadline.
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    Objects.requireNonNull(what);
    Objects.requireNonNull(condition);
    poll(
        timeout,
        what,
        () -> {
          if (!condition.getAsBoolean()) {
            throw NotYet.INSTANCE;
          }
        });
  }

  /**
   * Runs {@code assertion} until it completes without throwing; at the deadline, rethrows its last
   * failure wrapped in an {@link AssertionError} that carries the failure's message.
   */
  public static void untilAsserted(Duration timeout, Runnable assertion) {
    Objects.requireNonNull(assertion);
    poll(timeout, null, assertion);
  }

  private static void poll(Duration timeout, String what, Runnable attempt) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long pauseMs = FIRST_PAUSE_MS;
    while (true) {
      Throwable failure;
      try {
        attempt.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        failure = e;
      }
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        throw timedOut(timeout, what, failure);
      }
      try {
        Thread.sleep(Math.min(pauseMs, remainingMs));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        AssertionError error = timedOut(timeout, what, failure);
        error.addSuppressed(e);
        throw error;
      }
      pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
    }
  }

  private static AssertionError timedOut(Duration timeout, String what, Throwable last) {
    String message = "Timed out after " + timeout + (what != null ? " waiting for " + what : "");
    if (last == NotYet.INSTANCE) {
      return new AssertionError(message);
    }
    return new AssertionError(message + ": " + last, last);
  }

  /** A condition that was simply false: nothing to report but the wait itself. */
  private static final class NotYet extends RuntimeException {
    @SuppressWarnings("StaticAssignmentOfThrowable") // a stackless marker, never thrown out
    static final NotYet INSTANCE = new NotYet();

    private NotYet() {
      super("condition still false", null, false, false);
    }
  }
}
