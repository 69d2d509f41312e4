package io.kpushgateway.core.validate;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.shape;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapeIndexTest {

  private static final GroupingKey A = key("a");
  private static final GroupingKey B = key("b");
  private static final GroupingKey C = key("c");

  private final ShapeIndex index = new ShapeIndex();

  /** A series every group holds alike: the grouping labels overwritten to one value. */
  private static MetricFamily shared() {
    return family("m", MetricType.GAUGE, gauge(1, "instance", "i"));
  }

  private static long sharedId(GroupingKey holder) {
    return shape(holder, 1, shared()).getFamilies(0).getSeries(0);
  }

  @Test
  void holdersAreFoundByNameAndType() {
    index.put(shape(A, 1, family("m", MetricType.GAUGE, gauge(1))));
    index.put(shape(B, 1, family("m", MetricType.COUNTER, counter(1))));

    List<String> seen = new ArrayList<>();
    index.forEachHolder("m", A, (holder, type) -> seen.add(holder + " " + type));

    assertThat(seen).containsExactly("{job=\"b\"} COUNTER");
    assertThat(index.typesElsewhere("m", A)).containsExactly(MetricType.COUNTER);
    assertThat(index.typesElsewhere("m", C))
        .containsExactlyInAnyOrder(MetricType.GAUGE, MetricType.COUNTER);
    assertThat(index.typeIn(B, "m")).isEqualTo(MetricType.COUNTER);
    assertThat(index.typeIn(B, "n")).isNull();

    // only the holders of another type: not the ones that agree
    index.put(shape(C, 1, family("m", MetricType.GAUGE, gauge(1))));
    List<String> other = new ArrayList<>();
    index.forEachHolderNot(
        MetricType.GAUGE, "m", A, (holder, type) -> other.add(holder + " " + type));
    assertThat(other).containsExactly("{job=\"b\"} COUNTER");
  }

  @Test
  void aNewShapeReplacesTheOldOnesEntries() {
    index.put(shape(A, 1, family("m", MetricType.GAUGE, gauge(1))));
    index.put(shape(A, 2, family("n", MetricType.GAUGE, gauge(1))));

    assertThat(index.typesElsewhere("m", B)).isEmpty();
    assertThat(index.typesElsewhere("n", B)).containsExactly(MetricType.GAUGE);
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void theSameSeriesPushedAgainKeepTheirEntriesAndTheNewerTime() {
    index.put(shape(A, 1, shared()));
    index.put(shape(A, 2, shared()));

    assertThat(index.shape(A).getAsOfUnixNanos()).isEqualTo(2);
    assertThat(index.holdersOf(sharedId(A))).containsExactly(A);
    assertThat(index.typesElsewhere("m", B)).containsExactly(MetricType.GAUGE);
    // and a later shape with other series still replaces them
    index.put(shape(A, 3, family("m", MetricType.GAUGE, gauge(1, "instance", "j"))));
    assertThat(index.holdersOf(sharedId(A))).isEmpty();
    assertThat(index.typesElsewhere("m", B)).containsExactly(MetricType.GAUGE);
  }

  @Test
  void aSeriesHeldByOneGroupIsOnlyHeldBesidesForOthers() {
    GroupingKey withInstance = key("a", "instance", "i");
    index.put(shape(A, 1, shared()));
    long id = sharedId(A);

    assertThat(index.holdersOf(id)).containsExactly(A);
    assertThat(index.heldBesides(id, A)).isFalse();
    assertThat(index.heldBesides(id, withInstance)).isTrue();
    assertThat(index.heldBesides(id + 1, A)).isFalse();
  }

  @Test
  void aSharedSeriesKeepsEveryHolderUntilTheLastLeaves() {
    // {job="a"} with instance="i" in the body and {instance="i",job="a"}: one series
    GroupingKey withInstance = key("a", "instance", "i");
    long id = sharedId(A);
    assertThat(sharedId(withInstance)).isEqualTo(id);
    index.put(shape(A, 1, shared()));
    index.put(shape(withInstance, 1, shared()));
    index.put(shape(C, 1, family("other", MetricType.GAUGE, gauge(1))));

    assertThat(index.holdersOf(id)).containsExactly(A, withInstance);
    assertThat(index.heldBesides(id, A)).isTrue();

    index.remove(A, 2, true);
    assertThat(index.holdersOf(id)).containsExactly(withInstance);
    assertThat(index.heldBesides(id, withInstance)).isFalse();

    index.remove(withInstance, 2, true);
    assertThat(index.holdersOf(id)).isEmpty();
    assertThat(index.keys()).containsExactly(C);
  }

  @Test
  void anOlderShapeOrAnUnconfirmedLaterDeletionWins() {
    index.put(shape(A, 5, family("m", MetricType.GAUGE, gauge(1))));
    assertThat(index.put(shape(A, 4, family("n", MetricType.GAUGE, gauge(1))))).isFalse();

    index.remove(A, 6, false);
    assertThat(index.put(shape(A, 5, family("m", MetricType.GAUGE, gauge(1))))).isFalse();
    assertThat(index.put(shape(A, 7, family("m", MetricType.GAUGE, gauge(1))))).isTrue();
    assertThat(index.typesElsewhere("m", B)).isEqualTo(Set.of(MetricType.GAUGE));
  }
}
