package io.kpushgateway.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8OrderTest {

  @Test
  void agreesWithUnsignedUtf8Bytes() {
    List<String> samples =
        List.of(
            "",
            "a",
            "ab",
            "b",
            "A",
            "_",
            ":",
            "é",
            "\uE000",
            "\uFFFD",
            "\uD83D\uDE00",
            "a\uD83D\uDE00",
            "a\uFFFF",
            "\uD7FF",
            "\uD800\uDC00",
            "\uDBFF\uDFFF",
            "x\uD800\uDC00y",
            "x\uE000");
    for (String a : samples) {
      for (String b : samples) {
        int bytes =
            Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
        assertThat(Integer.signum(Utf8Order.compare(a, b)))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(bytes));
      }
    }
  }

  @Test
  void differsFromStringCompareToForSupplementaryCharacters() {
    // U+1F600 is above U+FFFD as a code point (and in UTF-8), below it in UTF-16
    assertThat(Utf8Order.compare("\uD83D\uDE00", "\uFFFD")).isPositive();
    assertThat("\uD83D\uDE00".compareTo("\uFFFD")).isNegative();
  }
}
