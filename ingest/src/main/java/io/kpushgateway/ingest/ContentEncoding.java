package io.kpushgateway.ingest;

import io.airlift.compress.snappy.SnappyFramedInputStream;
import io.kpushgateway.core.validate.PushRejectedException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Push bodies as the Pushgateway (1.6 and later) decodes them: {@code Content-Encoding} {@code
 * gzip} or {@code snappy} (the framed snappy stream format, what Go's {@code snappy.NewReader}
 * reads), in any letter case; any other value, or none, leaves the body as it is, like upstream. A
 * corrupt stream is a malformed push (400) whose message names the encoding; the size limit counts
 * decompressed bytes, so a small bomb still ends in 413.
 */
final class ContentEncoding {

  static final String GZIP = "gzip";
  static final String SNAPPY = "snappy";

  private ContentEncoding() {}

  /**
   * The body to parse: {@code raw} limited to {@code maxBytes}, decoded according to {@code
   * contentEncoding} (may be null) and limited again after decoding.
   *
   * @throws PushRejectedException (malformed) when the stream header is already unreadable
   */
  static InputStream decode(String contentEncoding, InputStream raw, long maxBytes)
      throws IOException {
    InputStream body = new LimitedInputStream(raw, maxBytes);
    String encoding =
        contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    return switch (encoding) {
      case GZIP -> new LimitedInputStream(new Failing(GZIP, gzip(body)), maxBytes);
      case SNAPPY -> new LimitedInputStream(new Failing(SNAPPY, snappy(body)), maxBytes);
      default -> body; // upstream ignores encodings it does not know
    };
  }

  private static InputStream gzip(InputStream body) throws IOException {
    try {
      return new GZIPInputStream(body, 8192);
    } catch (IOException e) {
      throw failure(GZIP, e);
    }
  }

  private static InputStream snappy(InputStream body) throws IOException {
    // Go's reader takes an empty body as an empty stream; aircompressor wants a header first.
    PushbackInputStream in = new PushbackInputStream(body, 1);
    int first = in.read();
    if (first < 0) {
      return InputStream.nullInputStream();
    }
    in.unread(first);
    try {
      // verify the CRC-32C of every chunk, as Go's reader does
      return new SnappyFramedInputStream(in, true);
    } catch (IOException | RuntimeException e) {
      throw failure(SNAPPY, e);
    }
  }

  /**
   * A 400 whose message starts like upstream's ({@code gzip: ...}, {@code snappy: ...}). The
   * decompressor reads hostile bytes: whatever it throws (aircompressor's {@code
   * MalformedInputException} is unchecked) means a corrupt body, except our own limit and
   * rejections read from the stream below it, which pass through.
   */
  private static RuntimeException failure(String encoding, Exception e) {
    if (e instanceof BodyTooLargeException || e instanceof PushRejectedException) {
      return (RuntimeException) e;
    }
    String message = String.valueOf(e.getMessage());
    String detail;
    if (e instanceof EOFException) {
      detail = "unexpected EOF: the compressed body ends early";
    } else if (encoding.equals(GZIP) && message.equals("Not in GZIP format")) {
      detail = "invalid header: the body is not gzip data";
    } else if (encoding.equals(SNAPPY) && message.equals("invalid stream header")) {
      detail = "corrupt input: no snappy stream identifier (the framed format is expected)";
    } else if (e instanceof ZipException
        || e instanceof RuntimeException
        || encoding.equals(SNAPPY)) {
      detail = "corrupt input: " + message.replaceFirst("^(?i)corrupt input: ", "");
    } else {
      detail = message;
    }
    return PushRejectedException.malformed(
        encoding + ": " + detail + " (Content-Encoding: " + encoding + ")");
  }

  /** Turns read errors of the decompressor into 400s; the parsers pass them through. */
  private static final class Failing extends FilterInputStream {
    private final String encoding;

    Failing(String encoding, InputStream in) {
      super(in);
      this.encoding = encoding;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | RuntimeException e) {
        throw failure(encoding, e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw failure(encoding, e);
      }
    }
  }
}
