package io.kpushgateway.core.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One group's records over a range of the push log, reduced as they arrive to those that decide its
 * state at the end of the range: a record whose result does not depend on the state before it (a
 * successful PUT outside a batch, DELETE or RESTORE) makes the records before it moot. A replay of
 * the past then parses each group once, from the state it starts from or from its last such record,
 * however many times it was pushed.
 *
 * <p>A PUT keeps the group's failure time, so that is carried along: a rejected record sets it,
 * DELETE clears it, RESTORE sets the restored one. An EXPIRE depends on the state, so after one the
 * failure time is unknown and the next PUT does not make the records before it moot.
 *
 * <p>Records are sorted by reading a few top-level fields, without parsing the families; {@link
 * #state} gives exactly what {@link GroupState#apply} over every record would (a record it throws
 * on skipped, as the store skips it). At most {@link #MAX_HELD} records are held: a longer run of
 * records that all depend on the state (POSTs) is folded into the state it makes, so a replay holds
 * no more than a bounded number of pushes per group.
 */
public final class DecidingRecords {

  /** The failure time is the start state's. */
  private static final long START = -1;

  /** The failure time depends on a state no one computed (after an EXPIRE). */
  private static final long UNKNOWN = -2;

  /** Records held at most: past it, the state so far is computed and held instead. */
  static final int MAX_HELD = 32;

  private final int maxHeld;
  private Supplier<GroupRecord> start;
  private Supplier<Long> startFailure;
  private final List<byte[]> records = new ArrayList<>(2);
  private boolean standalone; // records.get(0) decides the state, given failureBefore
  private long failureBefore = START; // before records.get(0), when standalone
  private long failure = START; // after the records added so far

  /**
   * @param start the group's state where the range starts (null: none); asked only when needed
   * @param startFailure the failure time of {@code start}, which can be read without parsing it
   *     ({@link #failureTime}); asked only when needed
   */
  public DecidingRecords(Supplier<GroupRecord> start, Supplier<Long> startFailure) {
    this(start, startFailure, MAX_HELD);
  }

  DecidingRecords(Supplier<GroupRecord> start, Supplier<Long> startFailure, int maxHeld) {
    this.start = start;
    this.startFailure = startFailure;
    this.maxHeld = maxHeld;
  }

  /**
   * Adds the group's next record: its {@code PushRecord} bytes.
   *
   * @throws CorruptLogException as {@link #state}, when the records held are folded into a state
   */
  public void add(byte[] push) {
    if (records.size() == maxHeld) { // a long run of POSTs: hold their result, not them
      GroupRecord folded = state();
      start = () -> folded;
      startFailure = () -> folded == null ? 0 : folded.getPushFailureTimeUnixNanos();
      records.clear();
      standalone = false;
      failureBefore = START;
      failure = START;
    }
    Head head = Head.of(push);
    if (head.standalonePut() && failure != UNKNOWN) {
      records.clear();
      standalone = true;
      failureBefore = failure;
    } else if (head.successful() && head.method() == Method.DELETE_VALUE) {
      records.clear();
      standalone = true;
      failure = 0;
    } else if (head.successful() && head.method() == Method.RESTORE_VALUE) {
      PushRecord restore = parse(push);
      if (restore != null) {
        records.clear();
        standalone = true;
        failure = restore.hasRestored() ? restore.getRestored().getPushFailureTimeUnixNanos() : 0;
      }
    } else if (head.method() == Method.EXPIRE_VALUE) {
      failure = UNKNOWN;
    } else if (head.rejected()) {
      failure = head.receivedAtNanos();
    }
    records.add(push);
  }

  /** How many records are held: those that decide the state since the last fold. */
  int size() {
    return records.size();
  }

  /**
   * The group's state after its records.
   *
   * @return the state, null when the group does not exist
   * @throws CorruptLogException when the record that decides it is not a push record that can be
   *     applied, which only a corrupt log holds: the range is to be replayed record by record
   */
  public GroupRecord state() {
    GroupRecord state;
    int from;
    if (standalone) {
      PushRecord first = parse(records.get(0));
      if (first == null) {
        throw new CorruptLogException("a record of the push log is not a push record", null);
      }
      long before = failureBefore == START ? startFailure.get() : failureBefore;
      try {
        state = GroupState.apply(beforePut(first, before), first);
      } catch (RuntimeException e) {
        throw new CorruptLogException("a record of the push log cannot be applied", e);
      }
      from = 1;
    } else {
      state = start.get();
      from = 0;
    }
    for (int i = from; i < records.size(); i++) {
      PushRecord push = parse(records.get(i));
      if (push == null) {
        continue;
      }
      try {
        state = GroupState.apply(state, push);
      } catch (RuntimeException e) {
        // the store skips it too (SkipBadRecords)
      }
    }
    return state;
  }

  /** A record that would decide the state cannot be applied: the store skipped it. */
  public static final class CorruptLogException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    CorruptLogException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What a PUT (or DELETE, RESTORE) needs of the state before it: the failure time only. */
  private static GroupRecord beforePut(PushRecord first, long failureNanos) {
    if (first.getMethod() != Method.PUT || failureNanos == 0) {
      return null;
    }
    return GroupRecord.newBuilder()
        .addAllGrouping(first.getGroupingList())
        .setPushFailureTimeUnixNanos(failureNanos)
        .build();
  }

  /** The failure time of a group from its {@code GroupRecord} bytes, its families not parsed. */
  public static long failureTime(byte[] group) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(group);
      long failure = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == (4 << 3 | WireFormat.WIRETYPE_VARINT)) {
          failure = in.readInt64();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      return failure;
    } catch (IOException e) {
      throw new IllegalStateException(
          "the groups store holds a value that is not a GroupRecord", e);
    }
  }

  private static PushRecord parse(byte[] push) {
    try {
      return PushRecord.parseFrom(push);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /**
   * The fields of a push record that sort it: method, received time, whether it is rejected and
   * whether it is part of a batch. A record that cannot be read this far counts as neither
   * standalone nor rejected: kept, and skipped when applied, as the store skips it.
   */
  private record Head(int method, long receivedAtNanos, boolean rejected, boolean batch) {

    private static final Head UNREADABLE = new Head(-1, 0, false, false);

    static Head of(byte[] push) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(push);
        int method = 0;
        long receivedAt = 0;
        boolean rejected = false;
        boolean batch = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          switch (tag) {
            case 1 << 3 | WireFormat.WIRETYPE_VARINT -> method = in.readEnum();
            case 4 << 3 | WireFormat.WIRETYPE_VARINT -> receivedAt = in.readInt64();
            case 5 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> rejected = skipped(in) > 0;
            case 12 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> batch = skipped(in) > 0;
            default -> {
              if (!in.skipField(tag)) {
                return UNREADABLE;
              }
            }
          }
        }
        return new Head(method, receivedAt, rejected, batch);
      } catch (IOException e) {
        return UNREADABLE;
      }
    }

    private static int skipped(CodedInputStream in) throws IOException {
      int length = in.readRawVarint32();
      in.skipRawBytes(length);
      return length;
    }

    boolean successful() {
      return !rejected && method >= 0;
    }

    boolean standalonePut() {
      return successful() && !batch && method == Method.PUT_VALUE;
    }
  }
}
