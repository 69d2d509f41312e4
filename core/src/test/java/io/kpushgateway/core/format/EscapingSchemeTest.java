package io.kpushgateway.core.format;

import static io.kpushgateway.core.format.EscapingScheme.ALLOW_UTF8;
import static io.kpushgateway.core.format.EscapingScheme.DOTS;
import static io.kpushgateway.core.format.EscapingScheme.UNDERSCORES;
import static io.kpushgateway.core.format.EscapingScheme.VALUES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** prometheus/common's EscapeName and UnescapeName, case by case. */
class EscapingSchemeTest {

  static Stream<Arguments> escapes() {
    return Stream.of(
        arguments(UNDERSCORES, "foo.bar", "foo_bar"),
        arguments(UNDERSCORES, "legacy_name:ok", "legacy_name:ok"),
        arguments(UNDERSCORES, "0abc", "_abc"),
        arguments(UNDERSCORES, "größe", "gr__e"),
        arguments(UNDERSCORES, "a😀b", "a_b"),
        arguments(DOTS, "foo.bar_baz", "foo_dot_bar__baz"),
        arguments(DOTS, "a😀", "a__"),
        arguments(DOTS, "a_b", "a__b"), // no short cut for legacy names in this scheme
        arguments(VALUES, "foo.bar", "U__foo_2e_bar"),
        arguments(VALUES, "a_b.c", "U__a__b_2e_c"),
        arguments(VALUES, "😀", "U___1f600_"),
        arguments(VALUES, "0a", "U___30_a"),
        arguments(VALUES, "lone\uD800", "U__lone_FFFD_"),
        arguments(VALUES, "legacy", "legacy"),
        arguments(ALLOW_UTF8, "foo.bar", "foo.bar"),
        arguments(UNDERSCORES, "", ""));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("escapes")
  void escapesLikeUpstream(EscapingScheme scheme, String name, String escaped) {
    assertThat(scheme.escape(name)).isEqualTo(escaped);
  }

  static Stream<Arguments> unescapes() {
    return Stream.of(
        arguments("escaped dot", "U__foo_2e_bar", "foo.bar"),
        arguments("upper-case hex", "U__foo_2E_bar", "foo.bar"),
        arguments("doubled underscore", "U__a__b_2e_c", "a_b.c"),
        arguments("supplementary code point", "U___1f600_", "😀"),
        arguments("five hex digits", "U__a_fffff_", "a\uDBBF\uDFFF"),
        arguments("NUL is a valid code point", "U__a_0_b", "a\u0000b"),
        arguments("only the prefix", "U__", ""),
        // anything malformed: the name comes back as written
        arguments("no prefix", "foo_2e_bar", "foo_2e_bar"),
        arguments("lower-case prefix", "u__foo_2e_bar", "u__foo_2e_bar"),
        arguments("not hex", "U__foo_zz_bar", "U__foo_zz_bar"),
        arguments("six hex digits (upstream's limit)", "U__a_10ffff_", "U__a_10ffff_"),
        arguments("surrogate", "U__a_d800_", "U__a_d800_"),
        arguments("no closing underscore", "U__a_2e", "U__a_2e"),
        arguments("dangling underscore", "U___", "U___"),
        arguments("non-ASCII digit", "U__a_٣_b", "U__a_٣_b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unescapes")
  void unescapesValueEncodingLikeUpstream(String scenario, String name, String unescaped) {
    assertThat(EscapingScheme.unescapeValues(name)).isEqualTo(unescaped);
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo.bar", "a_b.c", "größe", "0abc", "with space", "a/b", "é😀.x"})
  void valueEncodingRoundTrips(String name) {
    assertThat(EscapingScheme.unescapeValues(VALUES.escape(name))).isEqualTo(name);
  }

  @Test
  void parameterValuesAreUpstreams() {
    assertThat(EscapingScheme.fromParameter("allow-utf-8")).isEqualTo(ALLOW_UTF8);
    assertThat(EscapingScheme.fromParameter("underscores")).isEqualTo(UNDERSCORES);
    assertThat(EscapingScheme.fromParameter("dots")).isEqualTo(DOTS);
    assertThat(EscapingScheme.fromParameter("values")).isEqualTo(VALUES);
    assertThat(EscapingScheme.fromParameter("Values")).isNull();
    assertThat(EscapingScheme.fromParameter(null)).isNull();
    assertThat(EscapingScheme.DEFAULT).isEqualTo(UNDERSCORES);
  }
}
