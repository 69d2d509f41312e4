package io.kpushgateway.core.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected results were checked once against Go 1.19's base64.RawURLEncoding after TrimRight. */
class UrlBase64Test {

  static Stream<Arguments> decodable() {
    return Stream.of(
        arguments("empty", "", ""),
        arguments("'=' alone", "=", ""),
        arguments("unpadded", "Zm9vL2Jhcg", "foo/bar"),
        arguments("excess padding", "Zm9vL2Jhcg=====", "foo/bar"),
        arguments("two sextets", "YQ", "a"),
        arguments("three sextets", "YWI", "ab"),
        arguments("CR LF skipped", "Zm9v\r\nYmFy", "foobar"),
        arguments("trailing LF skipped", "YQ\n", "a"),
        arguments("only LFs", "\n\n", ""),
        arguments("LF inside a quantum", "Y\nQ", "a"),
        arguments("trailing bits ignored", "YR", "a"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodes(String scenario, String encoded, String decoded) throws Exception {
    assertThat(new String(UrlBase64.decode(encoded), StandardCharsets.UTF_8)).isEqualTo(decoded);
  }

  static Stream<Arguments> illegal() {
    return Stream.of(
        arguments("illegal first byte", "!!", 0),
        arguments("'=' inside", "YW=J", 2),
        arguments("standard alphabet", "YW+i", 2),
        arguments("lone sextet", "Y", 0),
        arguments("lone sextet after a quantum", "YWJjZ", 4),
        arguments("lone sextet after LF", "YWJj\nZ", 5),
        arguments("offset in UTF-8 bytes", "YWü", 2),
        arguments("after the fast path", "YWJjZGVmZ2hp!", 12));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("illegal")
  void reportsTheOffendingByte(String scenario, String encoded, int offset) {
    assertThatThrownBy(() -> UrlBase64.decode(encoded))
        .hasMessage("illegal base64 data at input byte " + offset);
  }
}
