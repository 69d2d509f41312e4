package io.kpushgateway.core.model;

import java.util.Comparator;

/**
 * Orders strings as their UTF-8 bytes compare (unsigned), which is Go's string order and so the
 * Pushgateway's. Equal to code point order; {@link String#compareTo} differs from it for
 * supplementary characters versus U+E000..U+FFFF. Compares without encoding.
 */
public final class Utf8Order {

  public static final Comparator<String> COMPARATOR = Utf8Order::compare;

  private Utf8Order() {}

  public static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        // UTF-16 units already order as code points, except surrogates against U+E000..U+FFFF:
        // move the surrogates above those (the usual code point order fix-up).
        if (ca >= 0xD800 && cb >= 0xD800) {
          return Integer.compare(fixUp(ca), fixUp(cb));
        }
        return Integer.compare(ca, cb);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  private static int fixUp(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
