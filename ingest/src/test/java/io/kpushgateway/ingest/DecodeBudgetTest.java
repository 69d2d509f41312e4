package io.kpushgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.validate.PushRejectedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeBudgetTest {

  private static final long KIB = 1024;
  private static final Duration NO_WAIT = Duration.ZERO;

  @Test
  void sharesAreTakenInWholeChunksAndGivenBackOnClose() {
    DecodeBudget budget = new DecodeBudget(1024 * KIB, NO_WAIT);
    assertThat(budget.totalBytes()).isEqualTo(1024 * KIB);
    DecodeBudget.Grant a = budget.open();
    a.charge(1);
    assertThat(budget.availableBytes()).isEqualTo(960 * KIB);
    a.charge(64 * KIB - 1); // still within the first chunk
    assertThat(budget.availableBytes()).isEqualTo(960 * KIB);
    a.charge(1);
    assertThat(budget.availableBytes()).isEqualTo(896 * KIB);
    a.close();
    a.close(); // once only
    assertThat(budget.availableBytes()).isEqualTo(1024 * KIB);
  }

  @Test
  void aPushThatAloneNeedsMoreThanTheBudgetIsTooLarge() {
    DecodeBudget budget = new DecodeBudget(1024 * KIB, NO_WAIT);
    try (DecodeBudget.Grant grant = budget.open()) {
      grant.charge(1000 * KIB);
      assertThatThrownBy(() -> grant.charge(100 * KIB))
          .isInstanceOfSatisfying(
              PushRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(PushRejectedException.Reason.TOO_LARGE))
          .hasMessage(
              "push needs more memory to decode than the budget of 1048576 bytes"
                  + " (--push.decode-budget)");
    }
    assertThat(budget.availableBytes()).isEqualTo(1024 * KIB);
  }

  @Test
  void whatOthersHoldIsWaitedForThenRefusedWithTheFlagNamed() {
    DecodeBudget budget = new DecodeBudget(1024 * KIB, Duration.ofMillis(20));
    DecodeBudget.Grant small = budget.open();
    small.charge(40 * KIB); // below the large-push size
    DecodeBudget.Grant other = budget.open();
    other.charge(40 * KIB);
    assertThat(budget.availableBytes()).isEqualTo(896 * KIB);
    DecodeBudget.Grant large = budget.open();
    large.charge(896 * KIB); // exactly what is left
    DecodeBudget.Grant late = budget.open();
    assertThatThrownBy(() -> late.charge(1))
        .isInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("--push.decode-budget");
    late.close();
    small.close();
    DecodeBudget.Grant later = budget.open();
    assertThatCode(() -> later.charge(1)).doesNotThrowAnyException();
    assertThatThrownBy(() -> late.charge(1)).isInstanceOf(IllegalStateException.class);
    for (DecodeBudget.Grant g : new DecodeBudget.Grant[] {other, large, later}) {
      g.close();
    }
    assertThat(budget.availableBytes()).isEqualTo(1024 * KIB);
  }

  @Test
  void oneLargePushIsDecodedAtATime() throws Exception {
    DecodeBudget budget = new DecodeBudget(1024 * KIB, Duration.ofMillis(20));
    DecodeBudget.Grant first = budget.open();
    first.charge(100 * KIB); // over a sixteenth of the budget: a large push
    DecodeBudget.Grant second = budget.open();
    second.charge(60 * KIB); // small pushes still go ahead
    assertThatThrownBy(() -> second.charge(100 * KIB))
        .isInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("another large push is being decoded");
    // once the first is decoded (it keeps its share until answered), the next may grow
    first.decoded();
    DecodeBudget.Grant third = budget.open();
    assertThatCode(() -> third.charge(200 * KIB)).doesNotThrowAnyException();
    // closed from another thread, as the producer's callback does
    CompletableFuture.runAsync(first::close).get(10, TimeUnit.SECONDS);
    second.close();
    third.close();
    assertThat(budget.availableBytes()).isEqualTo(1024 * KIB);
  }
}
