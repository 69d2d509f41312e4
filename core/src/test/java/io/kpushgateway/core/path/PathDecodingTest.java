package io.kpushgateway.core.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathDecodingTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/metrics/job/a       | /metrics/job/a",
        "/a%2Fb               | /a/b",
        "/a+b                 | /a+b",
        "/%41%62              | /Ab",
        "/x%ff                | /x\u00ff",
        "/\u00e4              | /\u00c3\u00a4",
      })
  void decodesToTheBytesSentAsAByteString(String raw, String bytes) {
    assertThat(PathDecoding.toBytes(raw)).isEqualTo(bytes);
  }

  // "/%\u0663\u0663": Arabic-Indic threes, which Character.digit reads as 3 and Go refuses
  @ParameterizedTest
  @CsvSource({"/a%", "/a%2", "/a%zz", "/%g1", "/%\u0663\u0663", "/%\uff14\uff11"})
  void aMalformedEscapeIsNull(String raw) {
    assertThat(PathDecoding.toBytes(raw)).isNull();
  }

  @Test
  void bytesAreReadAsUtf8OnlyWhenTheyAreUtf8() {
    assertThat(PathDecoding.utf8(PathDecoding.toBytes("/%C3%A4"))).isEqualTo("/\u00e4");
    assertThat(PathDecoding.utf8(PathDecoding.bytesOf("\u00e4/\uD83D\uDE00")))
        .isEqualTo("\u00e4/\uD83D\uDE00");
    assertThat(PathDecoding.utf8(PathDecoding.toBytes("/x%ffy"))).isNull();
    assertThat(PathDecoding.utf8(PathDecoding.toBytes("/%C3"))).isNull();
  }

  @Test
  void pushPathsAreDecodedOnceAndMustBeUtf8() {
    assertThat(
            GroupingKeyPath.parseEscaped("job/j/a/%C3%A9%2Fb/x", NameValidationScheme.LEGACY)
                .labels())
        .as("%2F is a separator, as in Go's mux")
        .isEqualTo(Map.of("job", "j", "a", "\u00e9", "b", "x"));
    assertThatThrownBy(
            () -> GroupingKeyPath.parseEscaped("job/j/a/x%ffy", NameValidationScheme.LEGACY))
        .isInstanceOf(PushRejectedException.class)
        .hasMessage("invalid UTF-8 after percent-decoding the push path \"job/j/a/x%ffy\"");
    assertThatThrownBy(
            () -> GroupingKeyPath.parseEscaped("job/j/a/x%f", NameValidationScheme.LEGACY))
        .isInstanceOf(PushRejectedException.class)
        .hasMessage("invalid URL escape in the push path \"job/j/a/x%f\"");
  }
}
