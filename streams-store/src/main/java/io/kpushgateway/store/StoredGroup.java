package io.kpushgateway.store;

import io.kpushgateway.core.merge.GroupFamilies;
import io.kpushgateway.core.model.DecidingRecords;
import io.kpushgateway.proto.GroupRecord;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One group as the store holds it: the canonical grouping-key bytes (the push log's record key) and
 * the {@code GroupRecord} bytes ({@link StoredGroups#parse}). Readers compare and parse the bytes,
 * so nothing is converted between a node's store, its peers and the page.
 *
 * <p>A read of the past builds the groups it applied pushes to as records; those are handed on
 * {@linkplain #parsed() parsed}, and serialized only when a peer asks for the bytes, so a page of
 * the past does not write every touched group only to parse it again. A group read as bytes is
 * parsed at the first {@link #record()} and keeps the record, so a snapshot a reader keeps is
 * parsed once, and only its groups that a page needs.
 */
public final class StoredGroup {

  /** Grouping-key order: unsigned bytes, as the store and its changelog order keys. */
  public static final Comparator<StoredGroup> KEY_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.key, b.key);

  private final byte[] key;
  // each of the two is written at its first use when the group was made from the other one; the
  // same value every time, so racing readers may both compute it
  private volatile GroupRecord parsed;
  private volatile byte[] value;

  public StoredGroup(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
  }

  private StoredGroup(byte[] key, GroupRecord parsed) {
    this.key = key;
    this.parsed = parsed;
  }

  /** A group built as a record: its bytes are written only if someone asks for them. */
  public static StoredGroup parsed(byte[] key, GroupRecord record) {
    return new StoredGroup(key, record);
  }

  public byte[] key() {
    return key;
  }

  /** The {@code GroupRecord} bytes. */
  public byte[] value() {
    byte[] v = value;
    if (v == null) {
      v = parsed.toByteArray();
      value = v;
    }
    return v;
  }

  /** The record: the one the group was built as, or its bytes parsed (once). */
  public GroupRecord record() {
    GroupRecord p = parsed;
    if (p == null) {
      p = StoredGroups.parse(value);
      parsed = p;
    }
    return p;
  }

  /** The record, when the group was built as one or already parsed; null while it is bytes. */
  public GroupRecord parsed() {
    return parsed;
  }

  /** The group as a page is merged from it: the record it was built as, else its bytes. */
  public GroupFamilies families() {
    GroupRecord p = parsed;
    return p != null ? GroupFamilies.of(p) : GroupFamilies.of(value);
  }

  /** The group's {@code push_failure_time_seconds} in nanoseconds, its families not parsed. */
  public long pushFailureTimeNanos() {
    GroupRecord p = parsed;
    return p != null ? p.getPushFailureTimeUnixNanos() : DecidingRecords.failureTime(value);
  }
}
