package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.app.KillReport.Kill;
import io.kpushgateway.app.KillReport.Read;
import io.kpushgateway.app.PushLoad.Attempt;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KillReportTest {

  private static Attempt ok(int id, long start, long end) {
    return new Attempt(id, 0, id, "node1", start, end, 200, null);
  }

  private static Attempt failed(int id, long start, long end) {
    return new Attempt(id, 0, id, "node3", start, end, 0, "ConnectException: refused");
  }

  private static BitSet ids(int... ids) {
    BitSet set = new BitSet();
    for (int id : ids) {
      set.set(id);
    }
    return set;
  }

  @Test
  void countsLostWrongAndUnacknowledgedPushes() {
    List<Attempt> attempts =
        List.of(ok(0, 0, 10), ok(1, 0, 10), ok(2, 0, 10), failed(3, 0, 10), failed(4, 0, 10));
    Map<Integer, Double> served =
        Map.of(0, PushLoad.value(0), 1, PushLoad.value(1) + 1, 3, PushLoad.value(3));

    KillReport report = new KillReport(attempts, List.of(), 100, List.of(), served);

    assertThat(report.attempted()).isEqualTo(5);
    assertThat(report.acknowledged()).isEqualTo(3);
    assertThat(report.found()).isEqualTo(3);
    assertThat(report.acknowledgedButMissing()).as("1 has a wrong value, 2 is gone").isEqualTo(2);
    assertThat(report.foundButNotAcknowledged()).isEqualTo(1);
    assertThat(report.summary(List.of("setup line"), 0, 100))
        .contains("setup line\n")
        .contains(
            "attempted 5, acknowledged 3, found 3, acknowledged-but-missing 2 (of which wrong value"
                + " 1), found-but-not-acknowledged 1")
        .contains("{200=3, ConnectException=2}");
  }

  @Test
  void pushGapRunsFromTheKillToTheNextKillOrTheEndOfTheLoad() {
    List<Attempt> attempts =
        List.of(
            ok(0, 0, 90), failed(1, 95, 120), ok(2, 120, 150), ok(3, 300, 400), ok(4, 600, 620));
    List<Kill> kills = List.of(new Kill("node2 (store)", 100), new Kill("node3 (ingest)", 500));

    KillReport report = new KillReport(attempts, kills, 1000, List.of(), Map.of());

    assertThat(report.afterKills().get(0).pushGapNanos()).as("150..400").isEqualTo(250);
    assertThat(report.afterKills().get(1).pushGapNanos()).as("620..1000").isEqualTo(380);
    assertThat(report.longestPushGap(700, 900)).as("no 2xx at all").isEqualTo(200);
  }

  @Test
  void readWindowEndsAtTheFirstReadAfterTheKillServingEveryEarlierAck() {
    List<Attempt> attempts = List.of(ok(0, 0, 50), ok(1, 60, 99), ok(2, 100, 130));
    List<Read> reads =
        List.of(
            new Read(90, 95, 200, ids(0, 1)), // sent before the kill
            new Read(110, 120, 503, new BitSet()),
            new Read(130, 140, 200, ids(0, 2)), // 1 missing
            new Read(150, 170, 200, ids(0, 1)));
    KillReport report =
        new KillReport(attempts, List.of(new Kill("node2 (store)", 100)), 200, reads, Map.of());

    assertThat(report.afterKills().get(0).acknowledgedBefore()).isEqualTo(2);
    assertThat(report.afterKills().get(0).completeRead()).isEqualTo(reads.get(3));
    assertThat(KillReport.firstCompleteRead(reads, 100, ids(0, 1, 2))).isNull();
    assertThat(report.summary(List.of(), 0, 200))
        .contains("reads 0.00 s until the survivor answered 200 with all 2 pushes")
        .contains("survivor reads after the first kill, by status: {200=2, 503=1}");
  }

  @Test
  void saysWhenAKillCameBeforeReadsRecoveredFromTheOneBefore() {
    List<Attempt> attempts = List.of(ok(0, 0, 50));
    List<Kill> kills = List.of(new Kill("node2 (store)", 100), new Kill("node3 (ingest)", 200));
    List<Read> reads = List.of(new Read(250, 300, 200, ids(0)));

    String summary =
        new KillReport(attempts, kills, 400, reads, Map.of()).summary(List.of(), 0, 400);

    assertThat(summary)
        .contains("after killing node2 (store): pushes longest gap without a 2xx 0 ms;")
        .contains("reads 0.00 s until the survivor answered 200 with all 1 pushes")
        .contains("before the kill (reads had not recovered from the kill before)");
  }
}
