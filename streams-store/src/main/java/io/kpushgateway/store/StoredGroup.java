package io.kpushgateway.store;

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
 * the past does not write every touched group only to parse it again.
 */
public final class StoredGroup {

  /** Grouping-key order: unsigned bytes, as the store and its changelog order keys. */
  public static final Comparator<StoredGroup> KEY_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.key, b.key);

  private final byte[] key;
  private final GroupRecord parsed;
  private volatile byte[] value; // of parsed, written at first use (the same bytes every time)

  public StoredGroup(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
    this.parsed = null;
  }

  private StoredGroup(byte[] key, GroupRecord parsed) {
    this.key = key;
    this.parsed = parsed;
  }

  private StoredGroup(byte[] key, byte[] value, GroupRecord parsed) {
    this.key = key;
    this.value = value;
    this.parsed = parsed;
  }

  /** A group built as a record: its bytes are written only if someone asks for them. */
  public static StoredGroup parsed(byte[] key, GroupRecord record) {
    return new StoredGroup(key, record);
  }

  /** A group of bytes, parsed once by a reader that keeps it: both forms, nothing to convert. */
  static StoredGroup both(byte[] key, byte[] value) {
    return new StoredGroup(key, value, StoredGroups.parse(value));
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

  /** The record: the one the group was built as, or its bytes parsed. */
  public GroupRecord record() {
    return parsed != null ? parsed : StoredGroups.parse(value);
  }

  /** The record, when the group was built or kept as one; null when it is only bytes. */
  public GroupRecord parsed() {
    return parsed;
  }
}
