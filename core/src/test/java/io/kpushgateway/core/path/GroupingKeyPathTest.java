package io.kpushgateway.core.path;

import static io.kpushgateway.core.TestFamilies.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.core.validate.PushRejectedException.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GroupingKeyPathTest {

  static Stream<Arguments> validPaths() {
    return Stream.of(
        arguments("plain job", "job/foo", key("foo")),
        arguments(
            "job and labels", "job/foo/instance/bar/a/1", key("foo", "instance", "bar", "a", "1")),
        arguments("label order irrelevant", "job/foo/b/2/a/1", key("foo", "a", "1", "b", "2")),
        arguments("base64 job with slash, unpadded", "job@base64/Zm9vL2Jhcg", key("foo/bar")),
        arguments("base64 job, padded", "job@base64/Zm9vL2Jhcg==", key("foo/bar")),
        arguments("base64 job, excess padding", "job@base64/Zm9vL2Jhcg=====", key("foo/bar")),
        arguments(
            "base64 value with slash",
            "job/x/path@base64/L3Zhci9saWI=",
            key("x", "path", "/var/lib")),
        arguments("'=' alone is the empty string", "job/x/e@base64/=", key("x", "e", "")),
        arguments("empty base64 value", "job/x/e@base64/", key("x", "e", "")),
        arguments("trailing slash gives an empty value", "job/x/lbl/", key("x", "lbl", "")),
        arguments("trailing slash after the job", "job/x/", key("x")),
        arguments("repeated label: last wins", "job/x/a/1/a/2", key("x", "a", "2")),
        arguments("job among the labels is ignored", "job/x/job/other", key("x")),
        arguments("base64 job among the labels is ignored", "job/x/job@base64/b3RoZXI", key("x")),
        arguments("URL-safe alphabet '-'", "job/x/a@base64/fn5-", key("x", "a", "~~~")),
        arguments("URL-safe alphabet '_'", "job/x/a@base64/Pz8_", key("x", "a", "???")),
        arguments("base64 UTF-8", "job@base64/asO2YuKCrA/u@base64/8J-YgA", key("jöb€", "u", "😀")),
        arguments("percent-decoded text kept as is", "job/a b/x/ü=", key("a b", "x", "ü=")),
        arguments("CR and LF inside base64 are skipped", "job@base64/Zm9v\r\nYmFy", key("foobar")),
        arguments("label names with digits and underscores", "job/x/_a1/v", key("x", "_a1", "v")),
        arguments("instance may be empty", "job/x/instance@base64/=", key("x", "instance", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validPaths")
  void parses(String scenario, String suffix, GroupingKey expected) {
    assertThat(GroupingKeyPath.parse(suffix)).isEqualTo(expected);
  }

  static Stream<Arguments> invalidPaths() {
    Reason none = Reason.NOT_A_PUSH_PATH;
    Reason bad = Reason.MALFORMED;
    String notFound = "404 page not found";
    return Stream.of(
        arguments("empty", "", none, notFound),
        arguments("job without value", "job", none, notFound),
        arguments("job with empty value", "job/", none, notFound),
        arguments("job@base64 with empty value", "job@base64/", none, notFound),
        arguments("empty job then labels", "job//a/1", none, notFound),
        arguments("other first component", "foo/bar", none, notFound),
        arguments("instance first", "instance/x", none, notFound),
        arguments("jobs is not job", "jobs/x", none, notFound),
        arguments("leading slash", "/job/x", none, notFound),
        arguments("base64 '=' job is empty", "job@base64/=", bad, "job name is required"),
        arguments("base64 '===' job is empty", "job@base64/===", bad, "job name is required"),
        arguments(
            "name without value",
            "job/x/a",
            bad,
            "odd number of components in label string \"/a\""),
        arguments(
            "three components",
            "job/x/a/1/b",
            bad,
            "odd number of components in label string \"/a/1/b\""),
        arguments(
            "trailing slash after a pair",
            "job/x/a/1/",
            bad,
            "odd number of components in label string \"/a/1/\""),
        arguments(
            "name starting with a digit", "job/x/1abc/v", bad, "improper label name \"1abc\""),
        arguments("name with a dash", "job/x/a-b/v", bad, "improper label name \"a-b\""),
        arguments(
            "base64 name starting with a digit",
            "job/x/1x@base64/YQ",
            bad,
            "improper label name \"1x\""),
        arguments("reserved name", "job/x/__a/v", bad, "improper label name \"__a\""),
        arguments("empty name", "job/x//v", bad, "improper label name \"\""),
        arguments("empty base64 name", "job/x/@base64/YQ", bad, "improper label name \"\""),
        arguments(
            "@base64 twice", "job/x/a@base64@base64/YQ", bad, "improper label name \"a@base64\""),
        arguments(
            "illegal characters",
            "job/x/a@base64/!!",
            bad,
            "invalid base64 encoding for label a=\"!!\": illegal base64 data at input byte 0"),
        arguments(
            "'=' inside",
            "job/x/a@base64/YW=J",
            bad,
            "invalid base64 encoding for label a=\"YW=J\": illegal base64 data at input byte 2"),
        arguments(
            "standard alphabet '+'",
            "job/x/a@base64/YW+i",
            bad,
            "invalid base64 encoding for label a=\"YW+i\": illegal base64 data at input byte 2"),
        arguments(
            "single character",
            "job/x/a@base64/Y",
            bad,
            "invalid base64 encoding for label a=\"Y\": illegal base64 data at input byte 0"),
        arguments(
            "one character after a full quantum",
            "job/x/a@base64/YWJjZ",
            bad,
            "invalid base64 encoding for label a=\"YWJjZ\": illegal base64 data at input byte 4"),
        arguments(
            "non-ASCII counted in bytes",
            "job/x/a@base64/YWü",
            bad,
            "invalid base64 encoding for label a=\"YWü\": illegal base64 data at input byte 2"),
        arguments(
            "bad base64 job",
            "job@base64/!!",
            bad,
            "invalid base64 encoding in job name \"!!\": illegal base64 data at input byte 0"),
        arguments(
            "bad base64 job wins over odd labels",
            "job@base64/!!/a",
            bad,
            "invalid base64 encoding in job name \"!!\": illegal base64 data at input byte 0"),
        arguments(
            "odd labels win over the empty job",
            "job@base64/=/a",
            bad,
            "odd number of components in label string \"/a\""),
        arguments(
            "quote in raw value is escaped",
            "job/x/a@base64/\"",
            bad,
            "invalid base64 encoding for label a=\"\\\"\": illegal base64 data at input byte 0"),
        arguments(
            "decoded value not UTF-8",
            "job/x/a@base64/_w",
            bad,
            "invalid UTF-8 after base64 decoding for label a=\"_w\""),
        arguments(
            "decoded job not UTF-8",
            "job@base64/_w",
            bad,
            "invalid UTF-8 after base64 decoding in job name \"_w\""),
        arguments(
            "lone surrogate in a plain value",
            "job/x/a/\uD800",
            bad,
            "label a has an ill-formed value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPaths")
  void rejects(String scenario, String suffix, Reason reason, String message) {
    assertThatThrownBy(() -> GroupingKeyPath.parse(suffix))
        .isInstanceOfSatisfying(
            PushRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessage(message);
  }

  /** With --push.enable-utf8-names: U__ value encoding, UTF-8 rules, upstream's message. */
  static Stream<Arguments> utf8Paths() {
    return Stream.of(
        arguments("escaped dot", "job/x/U__foo_2e_bar/v", key("x", "foo.bar", "v")),
        arguments("upper-case hex", "job/x/U__foo_2E_bar/v", key("x", "foo.bar", "v")),
        arguments("escaped slash", "job/x/U__a_2f_b/v", key("x", "a/b", "v")),
        arguments("doubled underscore", "job/x/U__a__b_2e_c/v", key("x", "a_b.c", "v")),
        arguments("emoji", "job/x/U___1f600_/v", key("x", "😀", "v")),
        arguments("five hex digits", "job/x/U__a_fffff_/v", key("x", "a\uDBBF\uDFFF", "v")),
        arguments(
            "with a base64 value", "job/x/U__a_2e_b@base64/dmFsdWU", key("x", "a.b", "value")),
        arguments("raw UTF-8 name", "job/x/foo.bar/v", key("x", "foo.bar", "v")),
        arguments("percent-decoded name", "job/x/é/v", key("x", "é", "v")),
        arguments("legacy name untouched", "job/x/a_b/v", key("x", "a_b", "v")),
        // upstream keeps the name as written when the escape does not decode
        arguments("bad hex kept as written", "job/x/U__a_zz_b/v", key("x", "U__a_zz_b", "v")),
        arguments("six hex digits kept", "job/x/U__a_10ffff_/v", key("x", "U__a_10ffff_", "v")),
        arguments("surrogate kept", "job/x/U__a_d800_/v", key("x", "U__a_d800_", "v")),
        arguments("dangling underscore kept", "job/x/U___/v", key("x", "U___", "v")),
        arguments("unclosed escape kept", "job/x/U__a_2e/v", key("x", "U__a_2e", "v")),
        arguments("escaped job label still ignored", "job/x/U__job/other", key("x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("utf8Paths")
  void parsesUtf8Names(String scenario, String suffix, GroupingKey expected) {
    assertThat(GroupingKeyPath.parse(suffix, NameValidationScheme.UTF8)).isEqualTo(expected);
  }

  static Stream<Arguments> invalidUtf8Paths() {
    return Stream.of(
        arguments("escape of nothing", "job/x/U__/v", "improper label name \"U__\""),
        arguments(
            "reserved after un-escaping", "job/x/U______x/v", "improper label name \"U______x\""),
        arguments("reserved name", "job/x/__x/v", "improper label name \"__x\""),
        arguments("empty name", "job/x//v", "improper label name \"\""),
        arguments(
            "bad base64 names the escaped label",
            "job/x/U__a_2e_b@base64/!!",
            "invalid base64 encoding for label U__a_2e_b=\"!!\": illegal base64 data at input byte 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8Paths")
  void rejectsBadUtf8Names(String scenario, String suffix, String message) {
    assertThatThrownBy(() -> GroupingKeyPath.parse(suffix, NameValidationScheme.UTF8))
        .isInstanceOfSatisfying(
            PushRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessage(message);
  }

  @Test
  void withoutTheFlagEscapedNamesAreOrdinaryLegacyNames() {
    assertThat(GroupingKeyPath.parse("job/x/U__foo_2e_bar/v"))
        .isEqualTo(key("x", "U__foo_2e_bar", "v"));
    assertThatThrownBy(() -> GroupingKeyPath.parse("job/x/foo.bar/v"))
        .hasMessage("improper label name \"foo.bar\"");
  }

  @Test
  void encodesUtf8NamesValueEscaped() {
    GroupingKey key = key("j", "a/b.c", "v", "plain", "w");
    String encoded = GroupingKeyPath.encode(key, NameValidationScheme.UTF8);
    assertThat(encoded).isEqualTo("job@base64/ag==/U__a_2f_b_2e_c@base64/dg==/plain@base64/dw==");
    assertThat(GroupingKeyPath.parse(encoded, NameValidationScheme.UTF8)).isEqualTo(key);
  }

  static Stream<Arguments> keys() {
    return Stream.of(
        arguments("job only", key("foo")),
        arguments("slashes everywhere", key("a/b", "path", "/var/lib/", "x", "/")),
        arguments("empty values", key("j", "e", "", "instance", "")),
        arguments(
            "unicode and padding lengths",
            key("jöb€", "u", "😀", "p1", "a", "p2", "ab", "p3", "abc")),
        arguments("characters that mean something in a URL", key("?#%&= +", "q", "a@base64")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void encodeRoundTrips(String scenario, GroupingKey key) {
    String encoded = GroupingKeyPath.encode(key, NameValidationScheme.LEGACY);
    assertThat(GroupingKeyPath.parse(encoded)).isEqualTo(key);
  }

  /**
   * Found by GroupingKeyPathFuzzTest: with UTF-8 names, job/x/U__U____b/v is the label U__b, which
   * was encoded as U__b and so read back as b (the web UI's delete button named another group).
   */
  @Test
  void encodesALegacyNameThatLooksEscapedInFullForUtf8Names() {
    GroupingKey key = GroupingKeyPath.parse("job/x/U__U____b/v", NameValidationScheme.UTF8);
    assertThat(key).isEqualTo(key("x", "U__b", "v"));
    String encoded = GroupingKeyPath.encode(key, NameValidationScheme.UTF8);
    assertThat(GroupingKeyPath.parse(encoded, NameValidationScheme.UTF8)).isEqualTo(key);
    // a gateway with legacy names stores U__b as written and reads it so
    assertThat(GroupingKeyPath.parse(GroupingKeyPath.encode(key, NameValidationScheme.LEGACY)))
        .isEqualTo(key);
  }

  @Test
  void encodesEveryValueAsBase64JobFirst() {
    assertThat(
            GroupingKeyPath.encode(
                key("foo/bar", "path", "/var/lib", "e", ""), NameValidationScheme.LEGACY))
        .isEqualTo("job@base64/Zm9vL2Jhcg==/e@base64/=/path@base64/L3Zhci9saWI=");
  }
}
