package io.kpushgateway.core.validate;

import static io.kpushgateway.core.TestFamilies.counter;
import static io.kpushgateway.core.TestFamilies.family;
import static io.kpushgateway.core.TestFamilies.gauge;
import static io.kpushgateway.core.TestFamilies.histogram;
import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.shape;
import static io.kpushgateway.core.TestFamilies.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.FamilyCatalog.Conflict;
import io.kpushgateway.proto.Revocation;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Two groups whose pushes passed their check at the same time: who loses what, and why. */
class RaceDetectorTest {

  private static final GroupingKey A = key("a");
  private static final GroupingKey B = key("b");

  private final ShapeIndex index = new ShapeIndex();
  private final RaceDetector races = new RaceDetector(index);

  private static Revocation revocation(String name, MetricType type) {
    return Revocation.newBuilder().setName(name).setType(type).build();
  }

  static Stream<Arguments> races() {
    return Stream.of(
        Arguments.of(
            "same name, other type",
            family("m", MetricType.COUNTER, counter(1)),
            family("m", MetricType.GAUGE, gauge(1)),
            revocation("m", MetricType.GAUGE)),
        Arguments.of(
            "a's histogram claims b's name",
            family("h", MetricType.HISTOGRAM, histogram(1, 1)),
            family("h_bucket", MetricType.GAUGE, gauge(1)),
            revocation("h_bucket", MetricType.GAUGE)),
        Arguments.of(
            "b's summary claims a's name",
            family("s_sum", MetricType.GAUGE, gauge(1)),
            family("s", MetricType.SUMMARY, summary(1, 1)),
            revocation("s", MetricType.SUMMARY)),
        Arguments.of(
            "a summary does not claim _bucket",
            family("s", MetricType.SUMMARY, summary(1, 1)),
            family("s_bucket", MetricType.GAUGE, gauge(1)),
            null),
        Arguments.of(
            "same name and type in both",
            family("m", MetricType.GAUGE, gauge(1)),
            family("m", MetricType.GAUGE, gauge(2)),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("races")
  void theLargerKeyGivesUpItsFamily(
      String name, MetricFamily inA, MetricFamily inB, Revocation revoked) {
    index.put(shape(B, 1, inB));
    index.put(shape(A, 1, inA));

    for (List<Conflict> found :
        List.of(races.conflictsOf(A), races.conflictsOf(B), races.allConflicts())) {
      if (revoked == null) {
        assertThat(found).isEmpty();
      } else {
        assertThat(found).hasSize(1);
        Conflict c = found.get(0);
        assertThat(c.loser()).isEqualTo(B);
        assertThat(c.revoked()).containsExactly(revoked);
        // worded from the side that found it, naming the winner
        assertThat(c.reason())
            .startsWith("lost a race against a conflicting push: group {job=\"a\"} ");
      }
    }
  }
}
