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
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
