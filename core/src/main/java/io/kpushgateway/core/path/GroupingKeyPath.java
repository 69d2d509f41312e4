package io.kpushgateway.core.path;

import io.kpushgateway.core.format.EscapingScheme;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.core.validate.PushRejectedException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The grouping key in a push URL: {@code job/<job>{/<name>/<value>}}, where {@code job} and any
 * label name may carry {@code @base64} to mark a base64 value. Rules and messages follow the
 * Pushgateway's push handler; the check order too, so the same bad URL gets the same answer.
 */
public final class GroupingKeyPath {

  static final String BASE64_SUFFIX = "@base64";
  private static final String JOB_BASE64 = GroupingKey.JOB + BASE64_SUFFIX;

  private GroupingKeyPath() {}

  /**
   * Parses the path after {@code /metrics/} as sent, percent-encoded: decoded by {@link
   * PathDecoding}, whose bytes must be UTF-8, as after {@code @base64} (a label value must be
   * UTF-8; upstream keeps such bytes and then fails every later push and scrape).
   *
   * @throws PushRejectedException as {@link #parse(String, NameValidationScheme)}, and {@link
   *     Reason#MALFORMED} for a malformed escape or bytes that are not UTF-8
   */
  public static GroupingKey parseEscaped(String rawSuffix, NameValidationScheme names) {
    String bytes = PathDecoding.toBytes(rawSuffix);
    if (bytes == null) {
      throw PushRejectedException.malformed(
          "invalid URL escape in the push path \"" + rawSuffix + "\"");
    }
    String suffix = PathDecoding.utf8(bytes);
    if (suffix == null) {
      throw PushRejectedException.malformed(
          "invalid UTF-8 after percent-decoding the push path \"" + rawSuffix + "\"");
    }
    return parse(suffix, names);
  }

  /** {@link #parse(String, NameValidationScheme)} with legacy label names. */
  public static GroupingKey parse(String suffix) {
    return parse(suffix, NameValidationScheme.LEGACY);
  }

  /**
   * Parses the percent-decoded path after {@code /metrics/}, e.g. {@code job/foo/instance/bar}.
   * With {@link NameValidationScheme#UTF8} (upstream's {@code --push.enable-utf8-names}) a label
   * name is first un-escaped from the {@code U__} value encoding ({@code U__foo_2e_bar} is {@code
   * foo.bar}) and then checked by the UTF-8 rules.
   *
   * @throws PushRejectedException {@link Reason#NOT_A_PUSH_PATH} when the path does not start with
   *     a {@code job} component and a non-empty job value (the routes would not match), {@link
   *     Reason#MALFORMED} for every other defect
   */
  public static GroupingKey parse(String suffix, NameValidationScheme names) {
    int jobEnd = suffix.indexOf('/');
    if (jobEnd < 0) {
      throw notAPushPath();
    }
    String jobComponent = suffix.substring(0, jobEnd);
    boolean jobBase64 = jobComponent.equals(JOB_BASE64);
    if (!jobBase64 && !jobComponent.equals(GroupingKey.JOB)) {
      throw notAPushPath();
    }
    int valueEnd = suffix.indexOf('/', jobEnd + 1);
    String rawJob = suffix.substring(jobEnd + 1, valueEnd < 0 ? suffix.length() : valueEnd);
    if (rawJob.isEmpty()) {
      throw notAPushPath(); // "job/" or "job//..." matches no route upstream either
    }
    String job = jobBase64 ? decode(rawJob, "in job name \"" + quote(rawJob) + "\"") : rawJob;

    Map<String, String> labels = new TreeMap<>();
    // like the upstream route's catch-all: the rest including its leading '/'
    String rest = valueEnd < 0 ? "" : suffix.substring(valueEnd);
    if (rest.length() > 1) {
      // -1: keep trailing empty components, so "a/1/" is odd and "lbl/" means lbl=""
      String[] components = rest.substring(1).split("/", -1);
      if (components.length % 2 != 0) {
        throw PushRejectedException.malformed(
            "odd number of components in label string \"" + quote(rest) + "\"");
      }
      for (int i = 0; i < components.length; i += 2) {
        String name = components[i];
        String value = components[i + 1];
        boolean base64 = name.endsWith(BASE64_SUFFIX);
        if (base64) {
          name = name.substring(0, name.length() - BASE64_SUFFIX.length());
        }
        String escapedName = name;
        if (names == NameValidationScheme.UTF8) {
          name = EscapingScheme.unescapeValues(name);
        }
        // Unlike upstream, the reserved prefix is checked after un-escaping: upstream lets
        // U______x through as "__x", and that push then fails every later consistency check.
        if (!names.isUserLabelName(name)) {
          throw PushRejectedException.malformed(
              "improper label name \"" + quote(escapedName) + "\"");
        }
        if (base64) {
          value = decode(value, "for label " + escapedName + "=\"" + quote(value) + "\"");
        }
        labels.put(name, value); // a repeated name: the last one wins, as upstream
      }
    }
    if (job.isEmpty()) {
      throw PushRejectedException.malformed("job name is required");
    }
    labels.put(GroupingKey.JOB, job); // the route's job beats a job pair among the labels
    try {
      return GroupingKey.of(labels);
    } catch (IllegalArgumentException e) {
      // names are checked above: only an ill-formed (lone surrogate) value gets here
      throw PushRejectedException.malformed(e.getMessage());
    }
  }

  /**
   * A path suffix that {@link #parse} with {@code names} turns back into {@code key}, every value
   * base64 so that slashes and empty values survive: {@code
   * job@base64/<b64>/<name>@base64/<b64>...}. Names outside the legacy set are written {@code
   * U__}-escaped, which only a gateway with UTF-8 names (the only kind that stores them) reads
   * back; with UTF-8 names a legacy name that starts with {@code U__} is escaped too, since such a
   * gateway un-escapes it.
   */
  public static String encode(GroupingKey key, NameValidationScheme names) {
    StringBuilder sb = new StringBuilder(JOB_BASE64).append('/');
    sb.append(UrlBase64.encode(key.job()));
    key.labels()
        .forEach(
            (name, value) -> {
              if (!name.equals(GroupingKey.JOB)) {
                // a UTF-8 name travels value-encoded (it may hold a '/'); legacy names unchanged
                sb.append('/').append(escapedName(name, names));
                sb.append(BASE64_SUFFIX).append('/');
                sb.append(UrlBase64.encode(value));
              }
            });
    return sb.toString();
  }

  private static String escapedName(String name, NameValidationScheme names) {
    String escaped = EscapingScheme.VALUES.escape(name);
    if (names == NameValidationScheme.UTF8
        && escaped.equals(name)
        && !EscapingScheme.unescapeValues(name).equals(name)) {
      // a legacy name such as U__b, which parse would read as b: its value escaping in full
      return "U__" + name.replace("_", "__");
    }
    return escaped;
  }

  private static String decode(String raw, String what) {
    byte[] bytes;
    try {
      bytes = UrlBase64.decode(raw);
    } catch (UrlBase64.IllegalBase64Exception e) {
      throw PushRejectedException.malformed(
          "invalid base64 encoding " + what + ": " + e.getMessage());
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      // upstream stores such bytes and fails later; a label value must be UTF-8 to be exposed
      throw PushRejectedException.malformed("invalid UTF-8 after base64 decoding " + what);
    }
  }

  private static PushRejectedException notAPushPath() {
    return new PushRejectedException(Reason.NOT_A_PUSH_PATH, "404 page not found");
  }

  /** Escapes like Go's {@code %q} does for the characters that matter in a message. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
