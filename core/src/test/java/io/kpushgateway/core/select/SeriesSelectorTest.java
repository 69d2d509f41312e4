package io.kpushgateway.core.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeriesSelectorTest {

  /** Selectors Prometheus' ParseMetricSelector accepts, with the matchers it makes of them. */
  static Stream<Arguments> valid() {
    return Stream.of(
        arguments("metric name", "foo", List.of("__name__=\"foo\"")),
        arguments("blanks around", " \t\n foo \r\n", List.of("__name__=\"foo\"")),
        arguments("colons in the name", "job:rate:5m", List.of("__name__=\"job:rate:5m\"")),
        arguments("a keyword PromQL allows as a name", "sum", List.of("__name__=\"sum\"")),
        arguments("'by' as a name", "by", List.of("__name__=\"by\"")),
        arguments("'offset' as a name", "offset", List.of("__name__=\"offset\"")),
        arguments("empty braces after a name", "foo{}", List.of("__name__=\"foo\"")),
        arguments(
            "the name's matcher comes last",
            "foo{a=\"b\"}",
            List.of("a=\"b\"", "__name__=\"foo\"")),
        arguments(
            "space before the braces", "foo {a=\"b\"}", List.of("a=\"b\"", "__name__=\"foo\"")),
        arguments("braces only", "{a=\"b\"}", List.of("a=\"b\"")),
        arguments("trailing comma", "{a=\"b\",}", List.of("a=\"b\"")),
        arguments("trailing comma and blanks", "{ a=\"b\" , }", List.of("a=\"b\"")),
        arguments(
            "every operator and quote",
            "{ a = \"1\" , b != '2' , c =~ `3.*` , d !~ \"4\" }",
            List.of("a=\"1\"", "b!=\"2\"", "c=~\"3.*\"", "d!~\"4\"")),
        arguments("name as a matcher", "{__name__=\"foo\"}", List.of("__name__=\"foo\"")),
        arguments("name regex", "{__name__=~\"foo|bar\"}", List.of("__name__=~\"foo|bar\"")),
        arguments(
            "two name matchers inside the braces",
            "{__name__=\"a\",__name__=\"b\"}",
            List.of("__name__=\"a\"", "__name__=\"b\"")),
        arguments(
            "keywords are plain label names inside braces",
            "{by=\"x\",bool=\"y\"}",
            List.of("by=\"x\"", "bool=\"y\"")),
        arguments("quoted UTF-8 name", "{\"my.metric\"}", List.of("__name__=\"my.metric\"")),
        arguments(
            "quoted UTF-8 name and label",
            "{\"my.metric\", \"label.x\"=\"v\"}",
            List.of("__name__=\"my.metric\"", "\"label.x\"=\"v\"")),
        arguments("single-quoted name", "{'my.metric'}", List.of("__name__=\"my.metric\"")),
        arguments("quoted legacy label", "{\"a\" =~ \"b\"}", List.of("a=~\"b\"")),
        arguments(
            "Go escapes",
            "{a=\"\\\"q\\\" \\\\ \\n\\t\\a\\b\\f\\r\\v\"}",
            List.of("a=\"\\\"q\\\" \\\\ \\n\\t\\a\\b\\f\\r\\v\"")),
        arguments("escaped single quote", "{a='it\\'s'}", List.of("a=\"it's\"")),
        arguments("unescaped single quote in double", "{a=\"it's\"}", List.of("a=\"it's\"")),
        arguments(
            "unescaped double quote in single",
            "{a='say \"hi\"'}",
            List.of("a=\"say \\\"hi\\\"\"")),
        arguments(
            "numeric escapes", "{a=\"\\x41\\101\\u00e9\\U0001F600\"}", List.of("a=\"AAé😀\"")),
        arguments("byte escapes spelling UTF-8", "{a=\"\\xc3\\xa9\"}", List.of("a=\"é\"")),
        arguments("backticks keep backslashes", "{a=`\\d+\\n`}", List.of("a=\"\\\\d+\\\\n\"")),
        arguments("backticks hold newlines", "{a=`x\ny`}", List.of("a=\"x\\ny\"")),
        arguments("non-ASCII value", "{a=\"ü 😀\"}", List.of("a=\"ü 😀\"")),
        arguments("comment after", "foo # the rest is a comment", List.of("__name__=\"foo\"")),
        arguments(
            "comments inside braces",
            "{a=\"b\", # one\n c=\"d\" # two\n}",
            List.of("a=\"b\"", "c=\"d\"")),
        arguments("non-empty regex", "{a=~\".+\"}", List.of("a=~\".+\"")),
        // as Prometheus' /federate: no PromQL rule that one matcher must not match ""
        arguments("only an empty value", "{a=\"\"}", List.of("a=\"\"")),
        arguments("regex matching empty", "{a=~\".*\"}", List.of("a=~\".*\"")),
        arguments("negated non-empty regex", "{a!~\".+\"}", List.of("a!~\".+\"")),
        arguments("not-equal matches the empty value", "{a!=\"x\"}", List.of("a!=\"x\"")),
        arguments("not empty", "{a!=\"\"}", List.of("a!=\"\"")),
        arguments("not the empty regex", "{a!~\"\"}", List.of("a!~\"\"")),
        arguments(
            "empty matchers beside a non-empty one",
            "{a=\"\",b=~\".*\",c=\"x\"}",
            List.of("a=\"\"", "b=~\".*\"", "c=\"x\"")),
        arguments(
            "a name makes empty matchers fine",
            "foo{a=\"\"}",
            List.of("a=\"\"", "__name__=\"foo\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parses(String scenario, String text, List<String> matchers) throws Exception {
    SeriesSelector selector = SeriesSelector.parse(text);
    assertThat(selector.matchers()).map(LabelMatcher::toString).isEqualTo(matchers);
    assertThat(selector.text()).isEqualTo(text);
  }

  static Stream<Arguments> invalid() {
    String ops = "one of \"=\", \"!=\", \"=~\", \"!~\"";
    return Stream.of(
        arguments(
            "empty",
            "",
            "1:1: parse error: unexpected end of input, expected a metric name or \"{\""),
        arguments(
            "blank",
            "  ",
            "1:3: parse error: unexpected end of input, expected a metric name or \"{\""),
        arguments(
            "bad first character",
            "-not-a-valid-metric-name",
            "1:1: parse error: unexpected \"-\", expected a metric name or \"{\""),
        arguments(
            "bad character in the middle",
            "not-a-valid-metric-name",
            "1:4: parse error: unexpected \"-\", expected \"{\" or the end of the selector"),
        arguments(
            "two names",
            "foo bar",
            "1:5: parse error: unexpected \"bar\", expected \"{\" or the end of the selector"),
        arguments(
            "something after the braces",
            "foo{a=\"b\"} x",
            "1:12: parse error: unexpected \"x\", expected the end of the selector"),
        arguments(
            "a function call",
            "sum(foo)",
            "1:4: parse error: unexpected \"(\", expected \"{\" or the end of the selector"),
        arguments(
            "a range",
            "foo[5m]",
            "1:4: parse error: unexpected \"[\", expected \"{\" or the end of the selector"),
        arguments(
            "an offset",
            "foo offset 5m",
            "1:5: parse error: unexpected \"offset\", expected \"{\" or the end of the selector"),
        arguments(
            "keyword as a name",
            "bool",
            "1:1: parse error: unexpected keyword \"bool\", expected a metric name or \"{\""),
        arguments(
            "keywords in any case",
            "Group_Left{a=\"b\"}",
            "1:1: parse error: unexpected keyword \"Group_Left\", expected a metric name or \"{\""),
        arguments(
            "Inf is a number",
            "Inf",
            "1:1: parse error: unexpected keyword \"Inf\", expected a metric name or \"{\""),
        arguments(
            "a number",
            "1foo",
            "1:1: parse error: unexpected \"1foo\", expected a metric name or \"{\""),
        arguments("open braces", "foo{", "1:5: parse error: unexpected end of input inside braces"),
        arguments(
            "unclosed braces",
            "foo{a=\"b\"",
            "1:10: parse error: unexpected end of input inside braces"),
        arguments(
            "unclosed after a comma",
            "{a=\"b\", ",
            "1:9: parse error: unexpected end of input inside braces"),
        arguments(
            "label without operator",
            "{a}",
            "1:3: parse error: unexpected \"}\" in label matching, expected " + ops),
        arguments(
            "'==' is not an operator",
            "{a==\"b\"}",
            "1:4: parse error: unexpected \"=\" in label matching, expected a quoted label value"),
        arguments(
            "unquoted value",
            "{a=b}",
            "1:4: parse error: unexpected \"b\" in label matching, expected a quoted label value"),
        arguments(
            "'!' alone",
            "{a!\"b\"}",
            "1:3: parse error: unexpected \"!\" in label matching, expected " + ops),
        arguments(
            "lone comma",
            "{,}",
            "1:2: parse error: unexpected \",\" in label matching,"
                + " expected a label name, a quoted metric name or \"}\""),
        arguments(
            "two commas",
            "{a=\"b\",,}",
            "1:8: parse error: unexpected \",\" in label matching,"
                + " expected a label name, a quoted metric name or \"}\""),
        arguments(
            "missing comma",
            "{a=\"b\" c=\"d\"}",
            "1:8: parse error: unexpected \"c\" in label matching, expected \",\" or \"}\""),
        arguments(
            "dot in an unquoted label name",
            "{a.b=\"c\"}",
            "1:3: parse error: unexpected \".\" in label matching, expected " + ops),
        arguments(
            "colon in a label name",
            "{a:b=\"c\"}",
            "1:3: parse error: unexpected \":b\" in label matching, expected " + ops),
        arguments(
            "label name starting with a digit",
            "{1a=\"b\"}",
            "1:2: parse error: unexpected \"1a\" in label matching,"
                + " expected a label name, a quoted metric name or \"}\""),
        arguments(
            "nested braces",
            "foo{{",
            "1:5: parse error: unexpected \"{\" in label matching,"
                + " expected a label name, a quoted metric name or \"}\""),
        arguments(
            "quoted name then a value",
            "{\"foo\" \"bar\"}",
            "1:8: parse error: unexpected \"\\\"\" in label matching, expected \",\" or \"}\""),
        arguments("unterminated string", "{a=\"b}", "1:4: parse error: unterminated quoted string"),
        arguments(
            "newline in a string", "{a=\"b\nc\"}", "1:4: parse error: unterminated quoted string"),
        arguments("unterminated raw string", "{a=`b}", "1:4: parse error: unterminated raw string"),
        arguments("unknown escape", "{a=\"\\q\"}", "1:5: parse error: unknown escape sequence \\q"),
        arguments(
            "single quote escaped in double quotes",
            "{a=\"\\'\"}",
            "1:5: parse error: unknown escape sequence \\'"),
        arguments(
            "double quote escaped in single quotes",
            "{a='\\\"'}",
            "1:5: parse error: unknown escape sequence \\\""),
        arguments(
            "short hex escape",
            "{a=\"\\x4\"}",
            "1:5: parse error: illegal character \"\\\"\" in escape sequence"),
        arguments(
            "escape at the end", "{a=\"\\", "1:5: parse error: escape sequence not terminated"),
        arguments(
            "octal beyond a byte",
            "{a=\"\\400\"}",
            "1:5: parse error: escape sequence is an invalid Unicode code point"),
        arguments(
            "surrogate escape",
            "{a=\"\\uD800\"}",
            "1:5: parse error: escape sequence is an invalid Unicode code point"),
        arguments(
            "beyond Unicode",
            "{a=\"\\U00110000\"}",
            "1:5: parse error: escape sequence is an invalid Unicode code point"),
        // found by SeriesSelectorFuzzTest: overflowed an int and got past the check (a 500)
        arguments(
            "beyond an int",
            "{a=\"\\UF000D100\"}",
            "1:5: parse error: escape sequence is an invalid Unicode code point"),
        arguments(
            "bytes that are not UTF-8",
            "{a=\"\\xff\"}",
            "1:4: parse error: the string's byte escapes do not form valid UTF-8"),
        arguments(
            "replacement character (invalid UTF-8 in the URL)",
            "{a=\"\uFFFD\"}",
            "1:5: parse error: invalid UTF-8 rune"),
        arguments(
            "bad regex",
            "{a=~\"(\"}",
            "1:5: parse error: error parsing regexp: missing closing ): `(`"),
        arguments(
            "a regex cannot close the anchoring group",
            "{a=~\"b)|(c\"}",
            "1:5: parse error: error parsing regexp: unexpected ): `b)|(c`"),
        arguments(
            "Perl lookahead is not RE2",
            "{a=~\"(?=b)\"}",
            "1:5: parse error: error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        arguments(
            "empty braces",
            "{}",
            "1:1: parse error: vector selector must contain label matchers or metric name"),
        arguments(
            "name twice",
            "foo{__name__=\"bar\"}",
            "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""),
        arguments(
            "name twice, the same",
            "  foo{__name__=~\"foo\"}",
            "1:3: parse error: metric name must not be set twice: \"foo\" or \"foo\""),
        arguments(
            "name twice, quoted",
            "foo{\"bar\"}",
            "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""),
        arguments(
            "positions count lines",
            "{a=\"b\",\n  c}",
            "2:4: parse error: unexpected \"}\" in label matching, expected " + ops),
        arguments(
            "positions count characters",
            "{a=\"é😀\"} x",
            "1:10: parse error: unexpected \"x\", expected the end of the selector"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refuses(String scenario, String text, String message) {
    assertThatThrownBy(() -> SeriesSelector.parse(text))
        .isInstanceOf(SelectorSyntaxException.class)
        .hasMessage(message);
  }

  @Test
  void anErrorCarriesItsPositionAndReason() {
    assertThatThrownBy(() -> SeriesSelector.parse("{a=\"b\",\n  c}"))
        .isInstanceOfSatisfying(
            SelectorSyntaxException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isEqualTo(4);
              assertThat(e.reason()).startsWith("unexpected \"}\" in label matching");
            });
  }

  /** Series are given as name, value pairs; {@code __name__} is a label like any other here. */
  static Stream<Arguments> matching() {
    return Stream.of(
        arguments("name", "foo", List.of("__name__", "foo"), true),
        arguments("other name", "foo", List.of("__name__", "foo_bar"), false),
        arguments("extra labels do not matter", "foo", List.of("__name__", "foo", "a", "1"), true),
        arguments("all matchers must match", "foo{a=\"1\"}", List.of("__name__", "foo"), false),
        arguments("missing label is empty", "foo{a=\"\"}", List.of("__name__", "foo"), true),
        arguments(
            "present label is not empty",
            "foo{a=\"\"}",
            List.of("__name__", "foo", "a", "x"),
            false),
        arguments("not empty needs the label", "foo{a!=\"\"}", List.of("__name__", "foo"), false),
        arguments("not equal", "{a!=\"1\",b=\"2\"}", List.of("a", "3", "b", "2"), true),
        arguments("regex alternatives", "{a=~\"b|c\"}", List.of("a", "c"), true),
        arguments("regex anchored at the end", "{a=~\"b|c\"}", List.of("a", "bc"), false),
        arguments("regex anchored at the start", "{a=~\"b\"}", List.of("a", "xb"), false),
        arguments("dot matches a newline", "{a=~\"b.*\"}", List.of("a", "b\nc"), true),
        arguments("flags", "{a=~\"(?i)B\"}", List.of("a", "b"), true),
        arguments("RE2 classes", "{a=~\"\\\\d+\"}", List.of("a", "123"), true),
        arguments("Unicode classes", "{a=~\"\\\\p{L}+\"}", List.of("a", "éa"), true),
        arguments("negated regex", "{a!~\"b.*\",c=\"d\"}", List.of("a", "xb", "c", "d"), true),
        arguments(
            "negated regex, matching", "{a!~\"b.*\",c=\"d\"}", List.of("a", "bx", "c", "d"), false),
        arguments(
            "negated regex, missing label", "foo{a!~\"b\"}", List.of("__name__", "foo"), true),
        arguments("name regex", "{__name__=~\"foo|bar\"}", List.of("__name__", "bar"), true),
        arguments(
            "name regex, anchored",
            "{__name__=~\"foo|bar\"}",
            List.of("__name__", "foobar"),
            false),
        arguments(
            "quoted UTF-8 names",
            "{\"my.metric\", \"label.x\"=\"v\"}",
            List.of("__name__", "my.metric", "label.x", "v"),
            true),
        arguments(
            "two different names inside braces match nothing",
            "{__name__=\"a\",__name__=\"b\"}",
            List.of("__name__", "a"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matching")
  void matches(String scenario, String text, List<String> series, boolean expected)
      throws Exception {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < series.size(); i += 2) {
      labels.put(series.get(i), series.get(i + 1));
    }
    SeriesSelector selector = SeriesSelector.parse(text);
    assertThat(selector.matches(name -> labels.getOrDefault(name, ""))).isEqualTo(expected);
  }

  @Test
  void printsItsMatchersAsPrometheusDoes() throws Exception {
    assertThat(SeriesSelector.parse("foo{a=~'x\\n', \"b.c\"!=`\"`}"))
        .hasToString("{a=~\"x\\n\", \"b.c\"!=\"\\\"\", __name__=\"foo\"}");
  }

  /** Found by SeriesSelectorFuzzTest: a UTF-8 label name printed bare did not parse back. */
  @Test
  void printedSelectorParsesBackToTheSameMatchers() throws Exception {
    SeriesSelector selector = SeriesSelector.parse("{\"my.metric\",\"label.x\"=\"v\"}");
    assertThat(SeriesSelector.parse(selector.toString()).matchers()).isEqualTo(selector.matchers());
  }

  @Test
  void matchersCompareByValueNotByCompiledRegex() {
    assertThat(LabelMatcher.of(LabelMatcher.Type.REGEX, "a", "b.*"))
        .isEqualTo(LabelMatcher.of(LabelMatcher.Type.REGEX, "a", "b.*"))
        .hasSameHashCodeAs(LabelMatcher.of(LabelMatcher.Type.REGEX, "a", "b.*"))
        .isNotEqualTo(LabelMatcher.of(LabelMatcher.Type.NOT_REGEX, "a", "b.*"));
  }
}
