package io.kpushgateway.core.path;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of a request path as Go's {@code net/url} does it, the one path decoder of the
 * gateway: the router matches the decoded bytes, and the push path is read from them as UTF-8.
 * Bytes are carried as a "byte string" (one char per byte, ISO-8859-1), so re-escaping it gives
 * back exactly the bytes sent.
 */
public final class PathDecoding {

  private PathDecoding() {}

  /**
   * The bytes {@code raw} stands for ({@code '+'} stays {@code '+'}, unlike form decoding), as a
   * byte string; {@code null} for a malformed escape ({@code %} not followed by two hex digits),
   * which Go answers 400.
   */
  public static String toBytes(String raw) {
    if (raw.indexOf('%') < 0 && isAscii(raw)) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = hexDigit(raw.charAt(i + 1));
        int lo = hexDigit(raw.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** A text as the byte string {@link #toBytes} makes of its escaped form. */
  public static String bytesOf(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** A byte string read as UTF-8; {@code null} when its bytes are not UTF-8. */
  public static String utf8(String bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Go's unhex: ASCII only (Character.digit also takes the digits of other scripts). */
  private static int hexDigit(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
