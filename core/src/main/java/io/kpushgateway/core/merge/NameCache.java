package io.kpushgateway.core.merge;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Family names decoded from stored bytes, shared: a page of 100,000 groups names the same few
 * families 100,000 times each, and a String per occurrence was a tenth of a big scrape's heap.
 * Direct-mapped and bounded: a name whose slot another name took is decoded again, so a page with
 * more distinct names than slots costs allocations, never wrong names. Entries are immutable, so
 * racing threads see either an old entry or a new one, both right.
 */
final class NameCache {

  private static final int SLOTS = 4096; // a power of two
  private static final int LONGEST = 256; // longer names are decoded, not kept

  private record Entry(byte[] utf8, String name) {}

  private static final Entry[] entries = new Entry[SLOTS];

  private NameCache() {}

  /** The UTF-8 bytes {@code [at, at + length)} of {@code bytes} as a String (malformed: U+FFFD). */
  static String decode(byte[] bytes, int at, int length) {
    int hash = 1;
    for (int i = at; i < at + length; i++) {
      hash = 31 * hash + bytes[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    Entry entry = entries[slot];
    if (entry != null
        && Arrays.equals(entry.utf8(), 0, entry.utf8().length, bytes, at, at + length)) {
      return entry.name();
    }
    String name = new String(bytes, at, length, StandardCharsets.UTF_8);
    if (length <= LONGEST) {
      entries[slot] = new Entry(Arrays.copyOfRange(bytes, at, at + length), name);
    }
    return name;
  }
}
