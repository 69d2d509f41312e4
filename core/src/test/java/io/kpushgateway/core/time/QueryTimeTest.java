package io.kpushgateway.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryTimeTest {

  @Test
  void unixSecondsKeepMilliseconds() {
    assertThat(QueryTime.parse("1764644400")).isEqualTo(Instant.ofEpochSecond(1764644400));
    assertThat(QueryTime.parse("1764644400.5")).isEqualTo(Instant.ofEpochMilli(1764644400500L));
    assertThat(QueryTime.parse("1764644400.1234")).isEqualTo(Instant.ofEpochMilli(1764644400123L));
    assertThat(QueryTime.parse("1764644400.9996")).isEqualTo(Instant.ofEpochMilli(1764644401000L));
  }

  @Test
  void rfc3339WithOffsetAndFraction() {
    assertThat(QueryTime.parse("2026-12-02T03:00:00Z"))
        .isEqualTo(Instant.parse("2026-12-02T03:00:00Z"));
    assertThat(QueryTime.parse("2026-12-02T04:00:00.123456789+01:00"))
        .isEqualTo(Instant.parse("2026-12-02T03:00:00.123456789Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "2026-12-02", "2026-12-02T03:00:00", "1e999", "12abc", "--1"})
  void othersNameTheValue(String value) {
    assertThatThrownBy(() -> QueryTime.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot parse \"" + value + "\"");
  }
}
