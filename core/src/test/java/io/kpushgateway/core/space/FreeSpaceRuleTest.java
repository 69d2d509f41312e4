package io.kpushgateway.core.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.space.FreeSpaceRule.FreeSpace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreeSpaceRuleTest {

  private static final long MIB = 1 << 20;
  private static final String FLAG = "--data.min-free-space";

  private static FreeSpaceRule rule(FreeSpaceThreshold threshold) {
    return new FreeSpaceRule("/var/lib/kpgw", threshold, FLAG);
  }

  @ParameterizedTest(name = "{0}: {1} MiB free, refusing before {2} -> {3}")
  @CsvSource({
    "plenty of room,          500, false, false",
    "exactly the threshold,   100, false, false",
    "one byte short,          99.999999, false, true",
    "still short once refusing, 109, true, true",
    "the margin is reached,   110, true, false",
    "between both and taking,  105, false, false",
    "between both and refusing, 105, true, true",
    "nothing free,            0, false, true",
  })
  void refusesBelowTheThresholdAndResumesAboveItsMargin(
      String scenario, double freeMib, boolean refusingBefore, boolean refusing) {
    FreeSpace space =
        rule(FreeSpaceThreshold.ofBytes(100 * MIB))
            .decide((long) Math.ceil(freeMib * MIB), 1000 * MIB, refusingBefore);
    assertThat(space.refusing()).as(scenario).isEqualTo(refusing);
    assertThat(space.minFreeBytes()).isEqualTo(100 * MIB);
  }

  @Test
  void theRefusalNamesTheDirectoryTheFreeSpaceAndTheFlag() {
    FreeSpace space =
        rule(FreeSpaceThreshold.ofBytes(130 * MIB)).decide(129 * MIB + MIB / 2, 195 * MIB, false);
    assertThat(space.refusal())
        .isEqualTo(
            "pushes refused: the data directory /var/lib/kpgw has 129.5MiB free of 195MiB, less"
                + " than --data.min-free-space=130MiB; free space there or lower the threshold");
  }

  @Test
  void aShareNamesTheBytesItStandsFor() {
    FreeSpace space = rule(FreeSpaceThreshold.defaultFor(65 * MIB)).decide(MIB, 4096 * MIB, false);
    assertThat(space.minFreeBytes()).isEqualTo(214_748_365L); // 5% of 4 GiB, above 130 MiB
    assertThat(space.refusal())
        .contains("less than --data.min-free-space=max(130MiB, 5%) (204.8MiB);");
  }

  @Test
  void takingPushesHasNoRefusal() {
    FreeSpace space = rule(FreeSpaceThreshold.ofPercent(5)).decide(900 * MIB, 1000 * MIB, true);
    assertThat(space.refusing()).isFalse();
    assertThat(space.refusal()).isNull();
    assertThat(space.minFreeBytes()).isEqualTo(50 * MIB);
  }

  @Test
  void noThresholdNeverRefuses() {
    assertThat(rule(FreeSpaceThreshold.NONE).decide(0, 1000 * MIB, false).refusing()).isFalse();
  }

  @ParameterizedTest(name = "{0} on {1} MiB -> {2} bytes")
  @CsvSource({
    "130, 0, 1000, 136314880",
    "130, 5, 1000, 136314880",
    "130, 5, 4096, 214748365",
    "0, 5, 1000, 52428800",
    "0, 0, 1000, 0",
  })
  void theThresholdIsTheLargerOfItsSizeAndItsShare(
      long mib, int percent, long totalMib, long expected) {
    assertThat(new FreeSpaceThreshold(mib * MIB, percent).bytesOf(totalMib * MIB))
        .isEqualTo(expected);
  }

  @Test
  void theDefaultIsTwoRecordsOrFivePercent() {
    FreeSpaceThreshold threshold = FreeSpaceThreshold.defaultFor(65 * MIB);
    assertThat(threshold).isEqualTo(new FreeSpaceThreshold(130 * MIB, 5));
    assertThat(threshold.toString()).isEqualTo("max(130MiB, 5%)");
    assertThat(FreeSpaceThreshold.ofPercent(10).toString()).isEqualTo("10%");
    assertThat(FreeSpaceThreshold.ofBytes(512 * MIB).toString()).isEqualTo("512MiB");
  }

  @Test
  void nonsenseThresholdsAreRefused() {
    assertThatThrownBy(() -> FreeSpaceThreshold.ofBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FreeSpaceThreshold.ofPercent(100))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
