package io.kpushgateway.core.model;

import static io.kpushgateway.core.TestFamilies.key;
import static io.kpushgateway.core.TestFamilies.label;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GroupingKeyTest {

  /** Keys chosen to stress the byte order: prefixes, empty values, non-ASCII, label counts. */
  static final List<GroupingKey> TRICKY =
      List.of(
          key("a"),
          key("a", "x", ""),
          key("a", "x", "1"),
          key("a", "x", "1", "y", ""),
          key("a", "xy", "1"),
          key("a", "instance", ""),
          key("a", "_", "1"),
          key("a", "Z", "1"),
          key("ab"),
          key("a b"),
          key("a\uFFFD"),
          key("a\uD83D\uDE00"),
          key("a\uE000"),
          key("aé"),
          key("b", "a", "1"),
          key("b", "a", "12"),
          key("b", "a", "1", "b", "1"));

  @Test
  void sortsLabelsAndKeepsJob() {
    GroupingKey key = GroupingKey.of(Map.of("x", "1", "job", "j", "a", "2"));
    assertThat(key.labels().keySet()).containsExactly("a", "job", "x");
    assertThat(key.job()).isEqualTo("j");
    assertThat(key).hasToString("{a=\"2\",job=\"j\",x=\"1\"}");
  }

  @Test
  void labelsAreUnmodifiable() {
    assertThatThrownBy(() -> key("a").labels().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringEscapesLikeTheTextFormat() {
    assertThat(key("a", "v", "q\"b\\n\nl")).hasToString("{job=\"a\",v=\"q\\\"b\\\\n\\nl\"}");
  }

  @Test
  void utf8LabelNamesRoundTripThroughTheRecordKey() {
    GroupingKey key = GroupingKey.of(Map.of("job", "a", "foo.bar", "1", "größe", "2"));
    assertThat(GroupingKey.fromBytes(key.toBytes())).isEqualTo(key);
    assertThat(key.labels()).containsOnlyKeys("foo.bar", "größe", "job");
  }

  static Stream<Arguments> invalidLabels() {
    return Stream.of(
        arguments("no job", Map.of("x", "1"), "a grouping key needs a non-empty job label"),
        arguments("empty job", Map.of("job", ""), "a grouping key needs a non-empty job label"),
        arguments("empty name", Map.of("job", "a", "", "1"), "improper label name \"\""),
        arguments(
            "name with a lone surrogate",
            Map.of("job", "a", "a\uD800", "1"),
            "improper label name \"a\uD800\""),
        arguments("reserved name", Map.of("job", "a", "__x", "1"), "improper label name \"__x\""),
        arguments("lone surrogate", Map.of("job", "a\uDC00"), "label job has an ill-formed value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidLabels")
  void rejectsInvalidLabels(String scenario, Map<String, String> labels, String message) {
    assertThatThrownBy(() -> GroupingKey.of(labels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void canonicalBytesSeparateWith0xFfWithoutTrailingSeparator() {
    assertThat(key("a", "x", "y").toBytes())
        .isEqualTo(bytes("job", 0xFF, "a", 0xFF, "x", 0xFF, "y"));
    // the names sort, so job need not come first; an empty last value ends on a separator
    assertThat(key("é", "a", "").toBytes()).isEqualTo(bytes("a", 0xFF, 0xFF, "job", 0xFF, "é"));
    assertThat(key("j", "z", "").toBytes()).isEqualTo(bytes("job", 0xFF, "j", 0xFF, "z", 0xFF));
  }

  static Stream<GroupingKey> tricky() {
    return TRICKY.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tricky")
  void bytesAndLabelPairsRoundTrip(GroupingKey key) {
    assertThat(GroupingKey.fromBytes(key.toBytes())).isEqualTo(key);
    assertThat(GroupingKey.fromLabelPairs(key.toLabelPairs())).isEqualTo(key);
  }

  @Test
  void labelPairsAreSortedByName() {
    assertThat(key("j", "z", "1", "a", "2").toLabelPairs())
        .containsExactly(label("a", "2"), label("job", "j"), label("z", "1"));
  }

  static Stream<Arguments> nonCanonicalBytes() {
    return Stream.of(
        arguments("empty", bytes()),
        arguments("odd token count", bytes("job", 0xFF, "a", 0xFF, "x")),
        arguments("unsorted names", bytes("x", 0xFF, "1", 0xFF, "job", 0xFF, "a")),
        arguments("repeated name", bytes("job", 0xFF, "a", 0xFF, "job", 0xFF, "a")),
        arguments("no job", bytes("x", 0xFF, "1")),
        arguments("invalid UTF-8", bytes("job", 0xFF, "a", 0xC3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonCanonicalBytes")
  void fromBytesRejectsNonCanonicalInput(String scenario, byte[] bytes) {
    assertThatThrownBy(() -> GroupingKey.fromBytes(bytes))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromLabelPairsRejectsRepeatedNames() {
    assertThatThrownBy(
            () -> GroupingKey.fromLabelPairs(List.of(label("job", "a"), label("job", "b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("repeated grouping label job");
  }

  @Test
  void orderIsTheUnsignedOrderOfTheCanonicalBytes() {
    for (GroupingKey a : TRICKY) {
      for (GroupingKey b : TRICKY) {
        int expected = Integer.signum(Arrays.compareUnsigned(a.toBytes(), b.toBytes()));
        assertThat(Integer.signum(a.compareTo(b))).as("%s vs %s", a, b).isEqualTo(expected);
      }
    }
  }

  @Test
  void orderExamples() {
    List<GroupingKey> keys = new ArrayList<>(List.of(key("b"), key("a", "x", "1"), key("a")));
    keys.sort(null);
    // "job\xFFa" ends before "job\xFFa\xFFx...": the shorter key first
    assertThat(keys).containsExactly(key("a"), key("a", "x", "1"), key("b"));
    // an earlier label name beats job: "a\xFF..." < "job\xFF..."
    assertThat(key("z", "a", "1")).isLessThan(key("a"));
  }

  /** Strings as UTF-8 and ints as single bytes, concatenated. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }
}
