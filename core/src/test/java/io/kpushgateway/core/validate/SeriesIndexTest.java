package io.kpushgateway.core.validate;

import static io.kpushgateway.core.TestFamilies.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesIndexTest {

  private static final List<GroupingKey> KEYS = List.of(key("a"), key("b"), key("c"));

  @Test
  void holdsWhatAMapOfListsWouldThroughGrowthAndDeletions() {
    SeriesIndex index = new SeriesIndex();
    Map<Long, List<GroupingKey>> expected = new HashMap<>();
    Random random = new Random(42);
    for (int step = 0; step < 200_000; step++) {
      // few distinct ids, many of them colliding in the low bits, so runs form and break up
      long id = (random.nextInt(5_000) * 4096L) << (random.nextBoolean() ? 0 : 32);
      GroupingKey key = KEYS.get(random.nextInt(KEYS.size()));
      if (random.nextInt(3) == 0) {
        index.remove(id, key);
        List<GroupingKey> holders = expected.get(id);
        if (holders != null) {
          holders.remove(key);
          if (holders.isEmpty()) {
            expected.remove(id);
          }
        }
      } else {
        index.add(id, key);
        expected.computeIfAbsent(id, k -> new ArrayList<>()).add(key);
      }
    }
    assertThat(index.size()).isEqualTo(expected.size());
    expected.forEach((id, holders) -> assertThat(index.holdersOf(id)).isEqualTo(holders));
    for (int i = 0; i < 5_000; i++) {
      long id = i * 4096L;
      assertThat(index.holdersOf(id)).isEqualTo(expected.getOrDefault(id, List.of()));
    }
  }

  @Test
  void aSeriesHeldByOneGroupOnlyIsThatGroupsOwn() {
    SeriesIndex index = new SeriesIndex();
    GroupingKey a = KEYS.get(0);
    GroupingKey b = KEYS.get(1);
    assertThat(index.onlyHeldBy(7, a)).isTrue();
    index.add(7, a);
    assertThat(index.onlyHeldBy(7, a)).isTrue();
    assertThat(index.onlyHeldBy(7, b)).isFalse();
    index.add(7, b);
    assertThat(index.onlyHeldBy(7, a)).isFalse();
    index.remove(7, b);
    assertThat(index.holdersOf(7)).containsExactly(a);
    index.remove(7, a);
    assertThat(index.size()).isZero();
  }

  @Test
  void holdersCollapseBackToOneAndToNone() {
    SeriesIndex index = new SeriesIndex();
    GroupingKey a = KEYS.get(0);
    GroupingKey b = KEYS.get(1);
    GroupingKey c = KEYS.get(2);
    index.add(7, a);
    index.add(7, b);
    index.add(7, c);
    index.remove(7, b);
    assertThat(index.holdersOf(7)).containsExactly(a, c);
    index.remove(7, a);
    assertThat(index.holdersOf(7)).containsExactly(c);
    index.remove(7, a); // not a holder: nothing changes
    assertThat(index.holdersOf(7)).containsExactly(c);
    index.remove(7, c);
    assertThat(index.holdersOf(7)).isEmpty();
    assertThat(index.size()).isZero();
  }
}
