package io.kpushgateway.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Metrics.MetricType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class NameClashTest {

  static Stream<Arguments> types() {
    return Stream.of(
        Arguments.of(MetricType.HISTOGRAM, List.of("_bucket", "_count", "_sum"), "histogram"),
        Arguments.of(MetricType.GAUGE_HISTOGRAM, List.of("_bucket", "_count", "_sum"), "histogram"),
        Arguments.of(MetricType.SUMMARY, List.of("_count", "_sum"), "summary"),
        Arguments.of(MetricType.COUNTER, List.of(), null),
        Arguments.of(MetricType.GAUGE, List.of(), null),
        Arguments.of(MetricType.UNTYPED, List.of(), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void aTypeClaimsTheSuffixesOfItsSamples(MetricType type, List<String> suffixes, String kind) {
    assertThat(NameClash.suffixes(type)).isEqualTo(suffixes);
    assertThat(NameClash.kind(type)).isEqualTo(kind);
    assertThat(NameClash.isHistogram(type)).isEqualTo("histogram".equals(kind));
  }

  static Stream<Arguments> bases() {
    return Stream.of(
        Arguments.of("x_bucket", "x"),
        Arguments.of("x_count", "x"),
        Arguments.of("x_sum", "x"),
        Arguments.of("x_sum_count", "x_sum"),
        Arguments.of("_count", ""),
        Arguments.of("x_total", null),
        Arguments.of("x_counts", null),
        Arguments.of("x", null));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("bases")
  void theBaseIsTheNameWithoutItsSampleSuffix(String name, String base) {
    assertThat(NameClash.base(name)).isEqualTo(base);
  }

  static Stream<Arguments> claims() {
    return Stream.of(
        Arguments.of(MetricType.HISTOGRAM, "h_bucket", true),
        Arguments.of(MetricType.HISTOGRAM, "h_count", true),
        Arguments.of(MetricType.GAUGE_HISTOGRAM, "h_sum", true),
        Arguments.of(MetricType.SUMMARY, "s_count", true),
        Arguments.of(MetricType.SUMMARY, "s_sum", true),
        Arguments.of(MetricType.SUMMARY, "s_bucket", false),
        Arguments.of(MetricType.COUNTER, "c_count", false),
        Arguments.of(MetricType.HISTOGRAM, "h_total", false));
  }

  @ParameterizedTest(name = "{0} claims {1}: {2}")
  @MethodSource("claims")
  void aFamilyClaimsOnlyItsOwnSuffixes(MetricType baseType, String name, boolean claimed) {
    assertThat(NameClash.claims(baseType, name)).isEqualTo(claimed);
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void everyClaimedSuffixHasTheBase(MetricType type) {
    for (String suffix : NameClash.suffixes(type)) {
      assertThat(NameClash.base("x" + suffix)).isEqualTo("x");
      assertThat(NameClash.claims(type, "x" + suffix)).isTrue();
    }
  }
}
