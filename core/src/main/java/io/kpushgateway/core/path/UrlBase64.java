package io.kpushgateway.core.path;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The Pushgateway's {@code @base64} value codec: RFC 4648 URL-safe alphabet, every trailing {@code
 * '='} stripped before decoding (padding optional, excess padding tolerated, {@code "="} alone is
 * the empty string). Decoding follows Go's raw decoder so that error positions match: CR and LF are
 * skipped, trailing bits are not checked, and a lone final character is illegal. {@link
 * java.util.Base64} can do neither the positions nor the CR/LF leniency.
 */
final class UrlBase64 {

  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = (byte) i;
    }
  }

  /** Thrown with the offending byte offset into the (trailing-'='-stripped) input. */
  static final class IllegalBase64Exception extends Exception {
    IllegalBase64Exception(int offset) {
      super("illegal base64 data at input byte " + offset, null, false, false);
    }
  }

  private UrlBase64() {}

  static byte[] decode(String encoded) throws IllegalBase64Exception {
    int end = encoded.length();
    while (end > 0 && encoded.charAt(end - 1) == '=') {
      end--;
    }
    byte[] in = encoded.substring(0, end).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 3 / 4 + 1);
    int si = 0;
    int[] quantum = new int[4];
    while (si < in.length) {
      int n = 0; // sextets collected in this quantum
      while (n < 4) {
        if (si == in.length) {
          if (n == 1) {
            throw new IllegalBase64Exception(si - n);
          }
          break;
        }
        int b = in[si++] & 0xFF;
        int v = b < 128 ? VALUES[b] : -1;
        if (v >= 0) {
          quantum[n++] = v;
        } else if (b != '\n' && b != '\r') {
          throw new IllegalBase64Exception(si - 1);
        }
      }
      if (n == 0) {
        break; // only CR/LF were left
      }
      int bits =
          quantum[0] << 18
              | quantum[1] << 12
              | (n > 2 ? quantum[2] << 6 : 0)
              | (n > 3 ? quantum[3] : 0);
      out.write(bits >> 16);
      if (n > 2) {
        out.write(bits >> 8);
      }
      if (n > 3) {
        out.write(bits);
      }
    }
    return out.toByteArray();
  }

  /** Padded URL-safe base64, and {@code "="} for the empty string, which the path needs. */
  static String encode(String value) {
    if (value.isEmpty()) {
      return "=";
    }
    return Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
