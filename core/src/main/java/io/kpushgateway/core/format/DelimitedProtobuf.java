package io.kpushgateway.core.format;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The delimited protobuf exposition format: a sequence of {@code MetricFamily} messages, each
 * preceded by its length as a varint. This is what client_golang's pusher sends by default and what
 * Prometheus asks for when it wants native histograms.
 */
public final class DelimitedProtobuf {

  public static final String CONTENT_TYPE =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
          + " encoding=delimited";

  /** Like upstream's reader, the length prefix may take at most 5 bytes (a varint32). */
  private static final int MAX_VARINT_BYTES = 5;

  private DelimitedProtobuf() {}

  /**
   * Reads messages until the end of the stream. No size limit; families are returned as read,
   * duplicates included (the caller decides which one wins).
   *
   * @throws PushRejectedException (malformed) {@code unexpected EOF} for a truncated body, {@code
   *     proto: ...} for bytes that are not a MetricFamily
   * @throws IOException if reading the stream fails
   */
  public static List<MetricFamily> read(InputStream in) throws IOException {
    List<MetricFamily> families = new ArrayList<>();
    while (true) {
      long length = readLength(in);
      if (length < 0) {
        return families;
      }
      if (length > Integer.MAX_VALUE - 8) {
        // Cannot be held in one array; such a body would end early anyway.
        throw PushRejectedException.malformed("unexpected EOF");
      }
      // readNBytes grows its buffer as data arrives, so a lying prefix costs no memory.
      byte[] message = in.readNBytes((int) length);
      if (message.length < length) {
        throw PushRejectedException.malformed("unexpected EOF");
      }
      try {
        families.add(MetricFamily.parseFrom(message));
      } catch (InvalidProtocolBufferException e) {
        throw new PushRejectedException(
            PushRejectedException.Reason.MALFORMED, "proto: " + e.getMessage(), e);
      }
    }
  }

  /** The message length, or -1 at a clean end of stream. */
  private static long readLength(InputStream in) throws IOException {
    long value = 0;
    for (int i = 0; i < MAX_VARINT_BYTES; i++) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return -1;
        }
        throw PushRejectedException.malformed("unexpected EOF");
      }
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw PushRejectedException.malformed("invalid varint32 encountered");
  }

  /** Writes each family length-delimited; flushes but does not close {@code out}. */
  public static void write(OutputStream out, Iterable<MetricFamily> families) throws IOException {
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    for (MetricFamily family : families) {
      coded.writeUInt32NoTag(family.getSerializedSize());
      family.writeTo(coded);
    }
    coded.flush();
    out.flush();
  }
}
