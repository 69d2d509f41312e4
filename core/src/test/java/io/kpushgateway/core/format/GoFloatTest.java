package io.kpushgateway.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoFloatTest {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("smallest subnormal", 5e-324, "5e-324"),
        Arguments.of("largest double", 1.7976931348623157e308, "1.7976931348623157e+308"),
        Arguments.of("smallest normal", 2.2250738585072014e-308, "2.2250738585072014e-308"),
        Arguments.of("0.1 + 0.2", 0.1 + 0.2, "0.30000000000000004"),
        Arguments.of("1e21", 1e21, "1e+21"),
        Arguments.of("1e20", 1e20, "1e+20"),
        Arguments.of("six digits stay plain", 123456.0, "123456"),
        Arguments.of("seven digits go exponent", 1234567.0, "1.234567e+06"),
        Arguments.of("a million", 1e6, "1e+06"),
        Arguments.of("999999", 999999.0, "999999"),
        Arguments.of("123456789", 123456789.0, "1.23456789e+08"),
        Arguments.of("exponent -4 is plain", 0.0001, "0.0001"),
        Arguments.of("exponent -5 is not", 0.00001, "1e-05"),
        Arguments.of("2.5e-05", 2.5e-5, "2.5e-05"),
        Arguments.of("100", 100.0, "100"),
        Arguments.of("one", 1.0, "1"),
        Arguments.of("minus one", -1.0, "-1"),
        Arguments.of("zero", 0.0, "0"),
        Arguments.of("negative zero", -0.0, "-0"),
        Arguments.of("2^53 + 1 parses to 2^53", 9007199254740993.0, "9.007199254740992e+15"),
        Arguments.of("Unix time with fraction", 1795270186.3935902, "1.7952701863935902e+09"),
        Arguments.of("above 2^53", 123456789012345678.0, "1.2345678901234568e+17"),
        Arguments.of("pi", Math.PI, "3.141592653589793"),
        Arguments.of("negative tiny", -1e-300, "-1e-300"),
        Arguments.of("short decimal", 0.05, "0.05"),
        Arguments.of("negative fraction", -3.25, "-3.25"),
        Arguments.of("1e-07", 1e-7, "1e-07"),
        Arguments.of("1e+100", 1e100, "1e+100"),
        Arguments.of("next after one", 1.0000000000000002, "1.0000000000000002"),
        Arguments.of("tie rounds to even digit", 1125899906842624.25, "1.1258999068426242e+15"),
        Arguments.of("tie rounds up to even", 1125899906842624.75, "1.1258999068426248e+15"),
        Arguments.of("2e+23", 2e23, "2e+23"),
        Arguments.of("NaN", Double.NaN, "NaN"),
        Arguments.of("+Inf", Double.POSITIVE_INFINITY, "+Inf"),
        Arguments.of("-Inf", Double.NEGATIVE_INFINITY, "-Inf"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void formatsLikeGo(String name, double value, String expected) {
    assertThat(GoFloat.format(value)).isEqualTo(expected);
  }

  @Test
  void matchesGoOnReferenceValues() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (InputStream in =
            Objects.requireNonNull(getClass().getResourceAsStream("/format/gofloat-golden.txt"));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        int sp = line.indexOf(' ');
        double v = Double.longBitsToDouble(Long.parseUnsignedLong(line.substring(0, sp), 16));
        String want = line.substring(sp + 1);
        String got = GoFloat.format(v);
        if (!got.equals(want)) {
          mismatches.add(line + " -> " + got);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(7000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void randomDoublesRoundTripWithShortestDigits() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      double v = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      String s = GoFloat.format(v);
      assertThat(Double.parseDouble(s)).as(s).isEqualTo(v);
      String mantissa = s.replaceFirst("^-", "").replaceFirst("e.*$", "").replace(".", "");
      String significant = mantissa.replaceFirst("^0+", "");
      assertThat(significant.length()).as(s).isLessThanOrEqualTo(17);
    }
  }

  @Test
  void appendToWritesAtOffset() {
    byte[] buf = new byte[40];
    buf[0] = 'x';
    int end = GoFloat.appendTo(-2.2250738585072014e-308, buf, 1);
    assertThat(new String(buf, 0, end, StandardCharsets.US_ASCII))
        .isEqualTo("x-2.2250738585072014e-308");
    assertThat(end - 1).isLessThanOrEqualTo(GoFloat.MAX_LENGTH);
  }
}
