package io.kpushgateway.store;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One group as the store holds it: the canonical grouping-key bytes (the push log's record key) and
 * the {@code GroupRecord} bytes ({@link StoredGroups#parse}). Readers compare and parse the bytes,
 * so nothing is converted between a node's store, its peers and the page.
 */
@SuppressWarnings("ArrayRecordComponent") // bytes as read, compared with Arrays by their users
public record StoredGroup(byte[] key, byte[] value) {

  /** Grouping-key order: unsigned bytes, as the store and its changelog order keys. */
  public static final Comparator<StoredGroup> KEY_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.key, b.key);
}
