package io.kpushgateway.core.format;

import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place where HTTP headers pick a format: {@code Content-Type} picks the reader of a push
 * body, {@code Accept} the writer of a scrape. Both follow the Pushgateway: a push body is
 * delimited protobuf only when its media type says so exactly, and anything else (missing, JSON,
 * OpenMetrics, garbage) goes to the text parser; a scrape gets protobuf only when the scraper asks
 * for the delimited encoding before text, OpenMetrics only when the gateway offers it and the
 * scraper asks for it before text, otherwise text 0.0.4.
 */
public final class ExpositionFormats {

  private static final String PROTO_MEDIA_TYPE = "application/vnd.google.protobuf";
  private static final String PROTO_MESSAGE = "io.prometheus.client.MetricFamily";
  private static final String OPENMETRICS_MEDIA_TYPE = "application/openmetrics-text";

  /** The scrape formats this gateway writes. */
  public enum Format {
    TEXT(TextWriter.CONTENT_TYPE),
    PROTOBUF(DelimitedProtobuf.CONTENT_TYPE),
    /** Asked for with version 1.0.0; the same page as 0.0.1 under another Content-Type. */
    OPENMETRICS_1_0_0(OpenMetricsWriter.CONTENT_TYPE_1_0_0),
    OPENMETRICS_0_0_1(OpenMetricsWriter.CONTENT_TYPE_0_0_1);

    private final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    public String contentType() {
      return contentType;
    }

    public boolean isOpenMetrics() {
      return this == OPENMETRICS_1_0_0 || this == OPENMETRICS_0_0_1;
    }

    /** Writes a page; {@code escaping} applies to the text formats (protobuf is never escaped). */
    public void write(OutputStream out, Iterable<MetricFamily> families, EscapingScheme escaping)
        throws IOException {
      switch (this) {
        case PROTOBUF -> DelimitedProtobuf.write(out, families);
        case TEXT -> TextWriter.write(out, families, escaping);
        case OPENMETRICS_1_0_0, OPENMETRICS_0_0_1 ->
            OpenMetricsWriter.write(out, families, escaping);
      }
    }
  }

  private ExpositionFormats() {}

  /**
   * Whether a push body with this {@code Content-Type} (may be null) is delimited protobuf: media
   * type {@code application/vnd.google.protobuf} with {@code
   * proto=io.prometheus.client.MetricFamily} and {@code encoding=delimited}, in any order, quoted
   * or not, type and parameter names in any case; parameter values compare exactly. An unparsable
   * header means text, as upstream.
   */
  public static boolean isDelimitedProtobuf(String requestContentType) {
    if (requestContentType == null) {
      return false;
    }
    MediaType mt = MediaType.parseStrict(requestContentType);
    return mt != null
        && mt.type().equals(PROTO_MEDIA_TYPE)
        && PROTO_MESSAGE.equals(mt.params().get("proto"))
        && "delimited".equals(mt.params().get("encoding"));
  }

  /** Parses a push body according to its {@code Content-Type} (may be null). */
  public static List<MetricFamily> read(String requestContentType, InputStream body)
      throws IOException {
    return isDelimitedProtobuf(requestContentType)
        ? DelimitedProtobuf.read(body)
        : TextParser.parse(body);
  }

  /** {@link #negotiate(String, boolean)} without OpenMetrics, as the Pushgateway answers. */
  public static Format negotiate(String accept) {
    return negotiate(accept, false);
  }

  /**
   * Picks the scrape format for an {@code Accept} header (may be null), like client_golang's {@code
   * expfmt.Negotiate}, or {@code NegotiateIncludingOpenMetrics} when {@code openMetrics}: ranges
   * are taken by descending q (stable); the first that is delimited MetricFamily protobuf gives
   * PROTOBUF, {@code text/plain} (version absent or 0.0.4) gives TEXT, and with {@code openMetrics}
   * {@code application/openmetrics-text} with version 1.0.0 gives OPENMETRICS_1_0_0, with 0.0.1 or
   * none OPENMETRICS_0_0_1; other ranges are skipped, and TEXT is the default. Unlike upstream, a
   * range with {@code q=0} is skipped too: the client said it does not want it.
   */
  public static Format negotiate(String accept, boolean openMetrics) {
    for (MediaType range : acceptRanges(accept)) {
      Format format = match(range, openMetrics);
      if (format != null) {
        return format;
      }
    }
    return Format.TEXT;
  }

  /** {@link #negotiateEscaping(String, boolean)} without OpenMetrics. */
  public static EscapingScheme negotiateEscaping(String accept) {
    return negotiateEscaping(accept, false);
  }

  /**
   * The name escaping for a scrape with this {@code Accept} header (may be null), as
   * prometheus/common's negotiation picks it: the {@code escaping} parameter of the last range that
   * carries a known one, among the ranges looked at until {@link #negotiate} found its format;
   * {@link EscapingScheme#DEFAULT} without one. Protobuf output is never escaped.
   */
  public static EscapingScheme negotiateEscaping(String accept, boolean openMetrics) {
    EscapingScheme escaping = EscapingScheme.DEFAULT;
    for (MediaType range : acceptRanges(accept)) {
      EscapingScheme asked = EscapingScheme.fromParameter(range.params().get("escaping"));
      if (asked != null) {
        escaping = asked;
      }
      if (match(range, openMetrics) != null) {
        break;
      }
    }
    return escaping;
  }

  /** The ranges of an Accept header by descending q (stable), without those of q=0. */
  @SuppressWarnings("StringSplitter") // empty parts are skipped anyway
  private static List<MediaType> acceptRanges(String accept) {
    if (accept == null) {
      return List.of();
    }
    List<MediaType> ranges = new ArrayList<>();
    for (String part : accept.split(",")) {
      MediaType range = MediaType.parseLenient(part);
      if (range != null && range.q() > 0) {
        ranges.add(range);
      }
    }
    ranges.sort(Comparator.comparingDouble(MediaType::q).reversed());
    return ranges;
  }

  /** The format one Accept range asks for, or null if it asks for none we write. */
  private static Format match(MediaType range, boolean openMetrics) {
    if (range.type().equals(PROTO_MEDIA_TYPE)
        && PROTO_MESSAGE.equals(range.params().get("proto"))) {
      // Upstream would answer encoding=text/compact-text with debug formats we do not offer.
      String encoding = range.params().get("encoding");
      if ("delimited".equals(encoding)) {
        return Format.PROTOBUF;
      }
      if ("text".equals(encoding) || "compact-text".equals(encoding)) {
        return Format.TEXT;
      }
    }
    String version = range.params().get("version");
    if (range.type().equals("text/plain")
        && (version == null || version.isEmpty() || version.equals("0.0.4"))) {
      return Format.TEXT;
    }
    if (openMetrics && range.type().equals(OPENMETRICS_MEDIA_TYPE)) {
      if ("1.0.0".equals(version)) {
        return Format.OPENMETRICS_1_0_0;
      }
      if (version == null || version.isEmpty() || version.equals("0.0.1")) {
        return Format.OPENMETRICS_0_0_1;
      }
    }
    return null;
  }

  /** A media type with lower-cased type and parameter names, and its q (1 unless given). */
  record MediaType(String type, Map<String, String> params, double q) {

    /**
     * Go's {@code mime.ParseMediaType}: {@code token[/token]} then {@code ;name=value} pairs with
     * token or quoted-string values; a trailing semicolon is fine, anything malformed or a
     * parameter repeated with another value gives null.
     */
    static MediaType parseStrict(String header) {
      int semi = header.indexOf(';');
      String type = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
      int slash = type.indexOf('/');
      String main = slash < 0 ? type : type.substring(0, slash);
      if (!isToken(main) || (slash >= 0 && !isToken(type.substring(slash + 1)))) {
        return null;
      }
      Map<String, String> params = new HashMap<>();
      int i = semi < 0 ? header.length() : semi;
      int n = header.length();
      while (true) {
        i = skipSpace(header, i);
        if (i == n) {
          break;
        }
        if (header.charAt(i) != ';') {
          return null;
        }
        i = skipSpace(header, i + 1);
        if (i == n) {
          break; // trailing semicolon
        }
        int keyStart = i;
        while (i < n && isTokenChar(header.charAt(i))) {
          i++;
        }
        if (i == keyStart) {
          return null;
        }
        String key = header.substring(keyStart, i).toLowerCase(Locale.ROOT);
        i = skipSpace(header, i);
        if (i == n || header.charAt(i) != '=') {
          return null;
        }
        i = skipSpace(header, i + 1);
        String value;
        if (i < n && header.charAt(i) == '"') {
          StringBuilder sb = new StringBuilder();
          i++;
          while (true) {
            if (i == n) {
              return null; // unterminated quoted string
            }
            char c = header.charAt(i++);
            if (c == '"') {
              break;
            }
            if (c == '\\' && i < n) {
              c = header.charAt(i++);
            }
            sb.append(c);
          }
          value = sb.toString();
        } else {
          int valueStart = i;
          while (i < n && isTokenChar(header.charAt(i))) {
            i++;
          }
          if (i == valueStart) {
            return null;
          }
          value = header.substring(valueStart, i);
        }
        String previous = params.put(key, value);
        if (previous != null && !previous.equals(value)) {
          return null; // the Go that builds upstream 1.11 allows repeats of the same value only
        }
      }
      return new MediaType(type, params, 1);
    }

    /**
     * One range of an Accept header, parsed as loosely as goautoneg does: {@code type/subtype} (or
     * {@code *}), parameters split at {@code ;} and {@code =}, values trimmed and unquoted, {@code
     * q} read as a number (unreadable means 0). Null when there is no {@code /}.
     */
    @SuppressWarnings("StringSplitter") // empty parts are skipped anyway
    static MediaType parseLenient(String range) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (type.equals("*")) {
        type = "*/*";
      }
      int slash = type.indexOf('/');
      if (slash < 0 || type.indexOf('/', slash + 1) >= 0) {
        return null;
      }
      type = type.substring(0, slash).trim() + "/" + type.substring(slash + 1).trim();
      Map<String, String> params = new HashMap<>();
      double q = 1;
      for (int k = 1; k < parts.length; k++) {
        int eq = parts[k].indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = parts[k].substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(parts[k].substring(eq + 1).trim());
        if (key.equals("q")) {
          q = parseQ(value);
        } else {
          params.put(key, value);
        }
      }
      return new MediaType(type, params, q);
    }

    private static double parseQ(String value) {
      try {
        double q = Double.parseDouble(value);
        return Double.isNaN(q) ? 0 : q;
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private static String unquote(String v) {
      return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
          ? v.substring(1, v.length() - 1)
          : v;
    }

    private static int skipSpace(String s, int i) {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      return i;
    }

    private static boolean isToken(String s) {
      if (s.isEmpty()) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        if (!isTokenChar(s.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    /** RFC 2045 token characters: visible ASCII except tspecials. */
    private static boolean isTokenChar(char c) {
      return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }
  }
}
