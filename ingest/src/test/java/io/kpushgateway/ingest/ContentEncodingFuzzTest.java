package io.kpushgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.airlift.compress.snappy.SnappyFramedOutputStream;
import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.core.validate.PushMeter;
import io.kpushgateway.core.validate.PushRejectedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * A push body with its {@code Content-Encoding}, decoded and parsed as {@code PushController} does:
 * refused only as a malformed push ({@link PushRejectedException}) or a too large one ({@link
 * BodyTooLargeException}); the decoded bytes never exceed the body limit, by the limit's own count;
 * the decoding memory asked for stays within the budget and all of it is given back; and gzip and
 * snappy give back exactly the bytes they were given. The first byte of an input picks the encoding
 * (0 none, 1 gzip, 2 snappy), the rest is the body as sent. Seeds: text bodies plain, gzipped and
 * snappy-framed, a small gzip bomb, corrupt and truncated streams.
 */
class ContentEncodingFuzzTest {

  private static final String[] ENCODINGS = {null, "gzip", "snappy"};
  private static final int MAX_BODY_BYTES = 64 << 10;
  private static final long BUDGET_BYTES = 1 << 20;
  private static final PushLimits LIMITS = new PushLimits(50, 500, 16, 64, 512);

  @FuzzTest
  void encodedBody(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    String encoding = ENCODINGS[(input[0] & 0xFF) % ENCODINGS.length];
    byte[] body = Arrays.copyOfRange(input, 1, input.length);

    byte[] decoded = decodeAll(encoding, body);
    if (decoded != null) {
      assertThat(decoded.length).isLessThanOrEqualTo(MAX_BODY_BYTES);
      parseWithinBudget(decoded);
    }
    // what a client compresses comes back unchanged, up to the limit
    byte[] plain = Arrays.copyOf(body, Math.min(body.length, MAX_BODY_BYTES));
    assertThat(decodeAll("gzip", gzip(plain))).isEqualTo(plain);
    assertThat(decodeAll("snappy", snappy(plain))).isEqualTo(plain);
  }

  /** The decoded body, or null when it is refused as malformed or too large. */
  private static byte[] decodeAll(String encoding, byte[] body) throws IOException {
    try {
      InputStream in =
          ContentEncoding.decode(encoding, new ByteArrayInputStream(body), MAX_BODY_BYTES);
      byte[] decoded = in.readAllBytes();
      if (in instanceof LimitedInputStream limited) {
        assertThat(limited.bytesRead()).isEqualTo(decoded.length);
      }
      return decoded;
    } catch (PushRejectedException | BodyTooLargeException e) {
      return null;
    }
  }

  private static void parseWithinBudget(byte[] decoded) throws IOException {
    DecodeBudget budget = new DecodeBudget(BUDGET_BYTES, Duration.ZERO);
    try (DecodeBudget.Grant memory = budget.open()) {
      TextParser.parse(
          new ByteArrayInputStream(decoded),
          NameValidationScheme.LEGACY,
          new PushMeter(LIMITS, memory),
          labels -> labels);
    } catch (PushRejectedException e) {
      // malformed, over a limit, or more memory than the budget: all answered 400 or 413
    }
    assertThat(budget.availableBytes()).as("budget given back").isEqualTo(budget.totalBytes());
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  private static byte[] snappy(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream sn = new SnappyFramedOutputStream(out)) {
      sn.write(plain);
    }
    return out.toByteArray();
  }
}
