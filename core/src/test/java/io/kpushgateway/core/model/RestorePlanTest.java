package io.kpushgateway.core.model;

import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.put;
import static io.prometheus.client.Metrics.MetricType.GAUGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestorePlanTest {

  private static final MetricFamily A1 = family("a", GAUGE, gauge(1));
  private static final MetricFamily A2 = family("a", GAUGE, gauge(2));
  private static final MetricFamily B1 = family("b", GAUGE, gauge(1));
  private static final MetricFamily C1 = family("c", GAUGE, gauge(1));

  @Test
  void restoresWhatChangedAndDeletesWhatWasNotThere() {
    GroupRecord a = GroupState.apply(null, put(key("a"), 10, A1));
    GroupRecord aLater = GroupState.apply(a, put(key("a"), 20, A2));
    GroupRecord b = GroupState.apply(null, put(key("b"), 10, B1));
    GroupRecord c = GroupState.apply(null, put(key("c"), 30, C1));
    List<RestorePlan.Change> changes =
        RestorePlan.of(List.of(aLater, b, c), List.of(a, b), g -> true, 50, "node");
    assertThat(changes)
        .extracting(ch -> ch.action() + " " + ch.key().job())
        .containsExactly("RESTORE a", "DELETE c");
    assertThat(changes.get(0).record().getRestored()).isEqualTo(a);
    assertThat(changes.get(1).record().getMethod()).isEqualTo(Method.DELETE);
    assertThat(
            RestorePlan.of(
                List.of(aLater, b, c),
                List.of(a, b),
                g -> !g.getGroupingList().toString().contains("\"c\""),
                50,
                "n"))
        .extracting(ch -> ch.key().job())
        .containsExactly("a");
  }
}
