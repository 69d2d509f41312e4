package io.kpushgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  private static final Duration SHORT = Duration.ofMillis(100);

  @Test
  void until_returns_once_the_condition_holds() {
    AtomicInteger polls = new AtomicInteger();
    Await.until(Duration.ofSeconds(5), "third poll", () -> polls.incrementAndGet() >= 3);
    assertThat(polls).hasValue(3);
  }

  @Test
  void until_names_what_it_waited_for_when_time_runs_out() {
    assertThatThrownBy(() -> Await.until(SHORT, "the moon", () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Timed out after PT0.1S waiting for the moon")
        .hasNoCause();
  }

  @Test
  void until_reports_the_last_exception_of_the_condition() {
    AtomicInteger polls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Await.until(
                    SHORT,
                    "a broker",
                    () -> {
                      throw new IllegalStateException("refused #" + polls.incrementAndGet());
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Timed out after PT0.1S waiting for a broker: ")
        .hasMessageContaining("refused #" + polls.get())
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("refused #" + polls.get());
  }

  @Test
  void untilAsserted_retries_a_failing_assertion_until_it_passes() {
    AtomicInteger polls = new AtomicInteger();
    Await.untilAsserted(
        Duration.ofSeconds(5), () -> assertThat(polls.incrementAndGet()).isEqualTo(4));
    assertThat(polls).hasValue(4);
  }

  @Test
  void untilAsserted_keeps_the_last_failure_as_cause() {
    assertThatThrownBy(
            () -> Await.untilAsserted(SHORT, () -> assertThat("late").isEqualTo("on time")))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Timed out after PT0.1S: ")
        .hasMessageContaining("on time")
        .cause()
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void a_condition_that_holds_at_once_costs_one_poll_even_with_no_time() {
    AtomicInteger polls = new AtomicInteger();
    Await.until(Duration.ZERO, "nothing", () -> polls.incrementAndGet() > 0);
    assertThat(polls).hasValue(1);
  }
}
