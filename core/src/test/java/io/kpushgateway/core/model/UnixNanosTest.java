package io.kpushgateway.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UnixNanosTest {

  static Stream<Arguments> instants() {
    return Stream.of(
        Arguments.of("the epoch", Instant.EPOCH, 0L),
        Arguments.of("a nanosecond after", Instant.ofEpochSecond(0, 1), 1L),
        Arguments.of("a nanosecond before", Instant.ofEpochSecond(-1, 999_999_999), -1L),
        Arguments.of(
            "2023",
            Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
            1_700_000_000_123_456_789L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("instants")
  void anInstantIsOneCountOfNanosecondsAndBack(String name, Instant t, long nanos) {
    assertThat(UnixNanos.of(t)).isEqualTo(nanos);
    assertThat(UnixNanos.of(t.getEpochSecond(), t.getNano())).isEqualTo(nanos);
    assertThat(UnixNanos.toInstant(nanos)).isEqualTo(t);
  }

  static Stream<Arguments> seconds() {
    return Stream.of(
        Arguments.of(0L, 0.0),
        Arguments.of(1_500_000_000L, 1.5),
        // Go: float64(int64(1700000000123456789)) / 1e9 = 1.7000000001234567e+09
        Arguments.of(1_700_000_000_123_456_789L, 1.7000000001234567e9));
  }

  @ParameterizedTest(name = "{0} ns")
  @MethodSource("seconds")
  void secondsAreGosFloatDivision(long nanos, double seconds) {
    assertThat(UnixNanos.toSeconds(nanos)).isEqualTo(seconds);
  }

  @Test
  void theSecondsAreRoundedAsAFloat64NotTruncated() {
    // the long is rounded to a double first, as Go's float64(..) does, then divided
    assertThat(UnixNanos.toSeconds(Long.MAX_VALUE)).isEqualTo((double) Long.MAX_VALUE / 1e9);
  }
}
