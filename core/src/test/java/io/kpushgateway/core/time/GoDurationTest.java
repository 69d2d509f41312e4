package io.kpushgateway.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "0s, 0",
    "1ns, 1",
    "1us, 1000",
    "1µs, 1000",
    "500ms, 500000000",
    "10s, 10000000000",
    "1.5s, 1500000000",
    ".5s, 500000000",
    "2m, 120000000000",
    "1h30m, 5400000000000",
    "1h0m0.25s, 3600250000000",
    "7d, 604800000000000",
    "2w, 1209600000000000",
    "' 5s ', 5000000000"
  })
  void goAndPrometheusForms(String value, long nanos) {
    assertThat(GoDuration.parse(value)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "soon", "10", "s", "-5s", "+5s", "5 s", "1..5s", "5y", "5sec", "1e3s"})
  void othersNameTheValue(String value) {
    assertThatThrownBy(() -> GoDuration.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(value.isEmpty() ? "empty duration" : "\"" + value + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"300000w", "99999999999999999999h"})
  void tooLongIsRefused(String value) {
    assertThatThrownBy(() -> GoDuration.parse(value)).hasMessageContaining("too long");
  }
}
