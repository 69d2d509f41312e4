package io.kpushgateway.core.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NameCacheTest {

  @Test
  void aNameDecodedTwiceIsOneString() {
    byte[] a = "xxbench_metric_00yy".getBytes(StandardCharsets.UTF_8);
    byte[] b = "bench_metric_00".getBytes(StandardCharsets.UTF_8);
    String first = NameCache.decode(a, 2, 15);
    assertThat(first).isEqualTo("bench_metric_00");
    assertThat(NameCache.decode(b, 0, b.length)).isSameAs(first);
  }

  @Test
  void manyMoreNamesThanSlotsAreEachDecodedRight() {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 20_000; i++) {
        byte[] name = ("family_" + i).getBytes(StandardCharsets.UTF_8);
        assertThat(NameCache.decode(name, 0, name.length)).isEqualTo("family_" + i);
      }
    }
  }

  @Test
  void malformedUtf8DecodesAsStringDoes() {
    byte[] bad = {'a', (byte) 0xff, 'b', (byte) 0xc3};
    assertThat(NameCache.decode(bad, 0, bad.length))
        .isEqualTo(new String(bad, StandardCharsets.UTF_8))
        .isEqualTo("a\ufffdb\ufffd");
  }

  @Test
  void longNamesAreDecodedButNotKept() {
    byte[] name = "n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    String first = NameCache.decode(name, 0, name.length);
    assertThat(NameCache.decode(name, 0, name.length)).isEqualTo(first).isNotSameAs(first);
  }
}
