package io.kpushgateway.app;

import io.kpushgateway.app.PushLoad.Attempt;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a kill test saw, from its records alone (no I/O): which acknowledged pushes were lost, and
 * how long pushes and reads were unavailable after each kill. All times are {@link
 * System#nanoTime()} values.
 */
final class KillReport {

  /** A node (named with its roles) killed at {@code atNanos}. */
  record Kill(String node, long atNanos) {}

  /**
   * One read of the survivor.
   *
   * @param served ids of the load's groups served with exactly their pushed value (empty unless the
   *     status is 200)
   */
  record Read(long startNanos, long endNanos, int status, BitSet served) {}

  /**
   * After one kill: the longest stretch without any 2xx, from the kill to the next kill or the end
   * of the load; and the first read sent after the kill that served every push acknowledged before
   * it (null if none did).
   */
  record AfterKill(Kill kill, long pushGapNanos, int acknowledgedBefore, Read completeRead) {}

  private static final String NOT_RECOVERED = " (reads had not recovered from the kill before)";

  private final List<Attempt> attempts;
  private final List<AfterKill> afterKills = new ArrayList<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private final int acknowledged;
  private final int found;
  private final int acknowledgedButMissing;
  private final int wrongValue;
  private final int foundButNotAcknowledged;

  /** HTTP status (0: no answer) → reads sent after the first kill. */
  private final Map<Integer, Integer> readsAfterFirstKill = new TreeMap<>();

  /**
   * @param kills in the order they happened
   * @param loadStopNanos when the load stopped starting attempts
   * @param reads the survivor's reads in the order they were sent, the final one last
   * @param finalValues attempt id → value served by the final read
   */
  KillReport(
      List<Attempt> attempts,
      List<Kill> kills,
      long loadStopNanos,
      List<Read> reads,
      Map<Integer, Double> finalValues) {
    this.attempts = List.copyOf(attempts);
    int acked = 0;
    int foundCount = 0;
    int missing = 0;
    int wrong = 0;
    int unacked = 0;
    for (Attempt a : attempts) {
      outcomes.merge(a.outcome(), 1, Integer::sum);
      Double served = finalValues.get(a.id());
      if (served != null) {
        foundCount++;
      }
      if (a.acknowledged()) {
        acked++;
        if (served == null || served != PushLoad.value(a.id())) {
          missing++;
          if (served != null) {
            wrong++;
          }
        }
      } else if (served != null) {
        unacked++;
      }
    }
    acknowledged = acked;
    found = foundCount;
    acknowledgedButMissing = missing;
    wrongValue = wrong;
    foundButNotAcknowledged = unacked;
    for (int k = 0; k < kills.size(); k++) {
      Kill kill = kills.get(k);
      long until = k + 1 < kills.size() ? kills.get(k + 1).atNanos() : loadStopNanos;
      BitSet before = acknowledgedBefore(attempts, kill.atNanos());
      afterKills.add(
          new AfterKill(
              kill,
              longestPushGap(kill.atNanos(), until),
              before.cardinality(),
              firstCompleteRead(reads, kill.atNanos(), before)));
    }
    for (Read r : reads) {
      if (!kills.isEmpty() && r.startNanos() >= kills.get(0).atNanos()) {
        readsAfterFirstKill.merge(r.status(), 1, Integer::sum);
      }
    }
  }

  int attempted() {
    return attempts.size();
  }

  int acknowledged() {
    return acknowledged;
  }

  int found() {
    return found;
  }

  /** Acknowledged, but not served with its value in the final read: must be 0. */
  int acknowledgedButMissing() {
    return acknowledgedButMissing;
  }

  /** Allowed: the push reached Kafka, but its answer was an error or never came. */
  int foundButNotAcknowledged() {
    return foundButNotAcknowledged;
  }

  List<AfterKill> afterKills() {
    return List.copyOf(afterKills);
  }

  /** Ids of the attempts acknowledged before {@code nanos}. */
  static BitSet acknowledgedBefore(List<Attempt> attempts, long nanos) {
    BitSet ids = new BitSet();
    for (Attempt a : attempts) {
      if (a.acknowledged() && a.endNanos() < nanos) {
        ids.set(a.id());
      }
    }
    return ids;
  }

  /** The longest stretch of [from, until] without a 2xx answer in it. */
  long longestPushGap(long from, long until) {
    long[] acks =
        attempts.stream()
            .filter(a -> a.acknowledged() && a.endNanos() > from && a.endNanos() <= until)
            .mapToLong(Attempt::endNanos)
            .sorted()
            .toArray();
    long longest = 0;
    long previous = from;
    for (long ack : acks) {
      longest = Math.max(longest, ack - previous);
      previous = ack;
    }
    return Math.max(longest, until - previous);
  }

  /** The first read sent at or after {@code from} that answered 200 serving all of {@code ids}. */
  static Read firstCompleteRead(List<Read> reads, long from, BitSet ids) {
    for (Read r : reads) {
      if (r.startNanos() >= from && r.status() == 200 && servesAll(r.served(), ids)) {
        return r;
      }
    }
    return null;
  }

  static boolean servesAll(BitSet served, BitSet ids) {
    BitSet notServed = (BitSet) ids.clone();
    notServed.andNot(served);
    return notServed.isEmpty();
  }

  /**
   * The summary block: {@code setup} lines first, then counts and windows with times in seconds
   * since {@code originNanos}.
   */
  String summary(List<String> setup, long originNanos, long loadStopNanos) {
    StringBuilder s = new StringBuilder();
    s.append("==== kill test summary ====\n");
    for (String line : setup) {
      s.append(line).append('\n');
    }
    StringBuilder kills = new StringBuilder();
    for (AfterKill k : afterKills) {
      kills.append(
          String.format(
              Locale.ROOT,
              "kill -9 %s at %.1f s; ",
              k.kill().node(),
              seconds(k.kill().atNanos() - originNanos)));
    }
    s.append(kills)
        .append(
            String.format(
                Locale.ROOT, "load stopped at %.1f s%n", seconds(loadStopNanos - originNanos)));
    s.append(
        String.format(
            Locale.ROOT,
            "pushes: attempted %d, acknowledged %d, found %d, acknowledged-but-missing %d"
                + " (of which wrong value %d), found-but-not-acknowledged %d%n",
            attempted(),
            acknowledged,
            found,
            acknowledgedButMissing,
            wrongValue,
            foundButNotAcknowledged));
    s.append("attempt outcomes: ").append(outcomes).append('\n');
    AfterKill previous = null;
    for (AfterKill k : afterKills) {
      String read =
          k.completeRead() == null
              ? "never within the test's deadline"
              : String.format(
                  Locale.ROOT, "%.2f s", seconds(k.completeRead().endNanos() - k.kill().atNanos()));
      s.append(
          String.format(
              Locale.ROOT,
              "after killing %s: pushes longest gap without a 2xx %d ms; reads %s until the"
                  + " survivor answered 200 with all %d pushes acknowledged before the kill%s%n",
              k.kill().node(),
              k.pushGapNanos() / 1_000_000,
              read,
              k.acknowledgedBefore(),
              stillRecovering(previous, k) ? NOT_RECOVERED : ""));
      previous = k;
    }
    s.append("survivor reads after the first kill, by status: ")
        .append(readsAfterFirstKill)
        .append('\n');
    return s.toString();
  }

  private static boolean stillRecovering(AfterKill previous, AfterKill k) {
    return previous != null
        && (previous.completeRead() == null
            || previous.completeRead().endNanos() > k.kill().atNanos());
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
