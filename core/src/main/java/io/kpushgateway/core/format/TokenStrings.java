package io.kpushgateway.core.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings of a parser's tokens, shared while a token repeats: a big push names the same metric,
 * label names and many label values on every line, and one string for each saves most of what its
 * series take. A small direct-mapped cache, so a miss costs one comparison.
 */
final class TokenStrings {

  /** Longer tokens are rarely repeated and would make the cache hold much. */
  private static final int MAX_CACHED_BYTES = 64;

  private final byte[][] bytes;
  private final String[] strings;

  /**
   * @param slots a power of two
   */
  TokenStrings(int slots) {
    bytes = new byte[slots][];
    strings = new String[slots];
  }

  /** The string of {@code b[0..length)}, which must be valid UTF-8. */
  String get(byte[] b, int length) {
    if (length > MAX_CACHED_BYTES) {
      return new String(b, 0, length, StandardCharsets.UTF_8);
    }
    int h = length;
    for (int i = 0; i < length; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 16)) & (bytes.length - 1);
    byte[] cached = bytes[slot];
    if (cached != null && Arrays.equals(cached, 0, cached.length, b, 0, length)) {
      return strings[slot];
    }
    String s = new String(b, 0, length, StandardCharsets.UTF_8);
    bytes[slot] = Arrays.copyOf(b, length);
    strings[slot] = s;
    return s;
  }
}
