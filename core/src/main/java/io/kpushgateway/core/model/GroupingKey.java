package io.kpushgateway.core.model;

import io.kpushgateway.core.validate.NameValidationScheme;
import io.prometheus.client.Metrics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Identifies one group: {@code job} plus the URL labels. Its {@link #toBytes() canonical bytes} are
 * the Kafka record key, so every push of a group lands in one partition, in order; its {@link
 * #compareTo order} (those bytes, unsigned) is the group order everywhere.
 *
 * @param labels label name to value, {@link Utf8Order} sorted, unmodifiable, always with a
 *     non-empty {@code job}
 */
public record GroupingKey(SortedMap<String, String> labels) implements Comparable<GroupingKey> {

  public static final String JOB = "job";
  public static final String INSTANCE = "instance";

  /** Go's {@code model.SeparatorByte}: never produced by UTF-8, so keys split unambiguously. */
  private static final int SEPARATOR = 0xFF;

  public GroupingKey {
    Objects.requireNonNull(labels, "labels");
    TreeMap<String, String> sorted = new TreeMap<>(Utf8Order.COMPARATOR);
    labels.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "label name");
          Objects.requireNonNull(value, () -> "value of label " + name);
          // UTF-8 rules: whether a push may use such names is the ingest's decision (the flag)
          if (!NameValidationScheme.UTF8.isUserLabelName(name)) {
            throw new IllegalArgumentException("improper label name \"" + name + "\"");
          }
          // a lone surrogate would encode as '?' and two keys could share one Kafka key
          if (!isWellFormed(value)) {
            throw new IllegalArgumentException("label " + name + " has an ill-formed value");
          }
          sorted.put(name, value);
        });
    String job = sorted.get(JOB);
    if (job == null || job.isEmpty()) {
      throw new IllegalArgumentException("a grouping key needs a non-empty job label");
    }
    labels = Collections.unmodifiableSortedMap(sorted);
  }

  /**
   * @throws IllegalArgumentException if {@code job} is missing or empty, a name is not a valid user
   *     label name by the UTF-8 rules (non-empty, well-formed, not {@code __}-prefixed), or a value
   *     is not well-formed UTF-16
   */
  public static GroupingKey of(Map<String, String> labels) {
    return new GroupingKey(new TreeMap<>(labels));
  }

  public String job() {
    return labels.get(JOB);
  }

  /** {@code name 0xFF value 0xFF name 0xFF value}, UTF-8, names sorted, no trailing separator. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    boolean first = true;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!first) {
        out.write(SEPARATOR);
      }
      first = false;
      out.writeBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
      out.write(SEPARATOR);
      out.writeBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /**
   * The inverse of {@link #toBytes()}.
   *
   * @throws IllegalArgumentException unless {@code bytes} is the canonical form of a valid key
   */
  public static GroupingKey fromBytes(byte[] bytes) {
    List<String> tokens = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || (bytes[i] & 0xFF) == SEPARATOR) {
        tokens.add(decodeUtf8(bytes, start, i - start));
        start = i + 1;
      }
    }
    if (tokens.size() % 2 != 0) {
      throw new IllegalArgumentException("grouping key bytes hold an odd number of tokens");
    }
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < tokens.size(); i += 2) {
      labels.put(tokens.get(i), tokens.get(i + 1));
    }
    GroupingKey key = of(labels);
    // unsorted or repeated names would map a second byte string to the same group
    if (!Arrays.equals(key.toBytes(), bytes)) {
      throw new IllegalArgumentException("grouping key bytes are not in canonical form");
    }
    return key;
  }

  /** The labels as protobuf pairs, sorted by name: the grouping of our Kafka records. */
  public List<Metrics.LabelPair> toLabelPairs() {
    List<Metrics.LabelPair> pairs = new ArrayList<>(labels.size());
    labels.forEach(
        (name, value) ->
            pairs.add(Metrics.LabelPair.newBuilder().setName(name).setValue(value).build()));
    return pairs;
  }

  /**
   * @throws IllegalArgumentException on a repeated name, or whatever {@link #of} rejects
   */
  public static GroupingKey fromLabelPairs(List<Metrics.LabelPair> pairs) {
    Map<String, String> labels = new TreeMap<>();
    for (Metrics.LabelPair pair : pairs) {
      if (labels.put(pair.getName(), pair.getValue()) != null) {
        throw new IllegalArgumentException("repeated grouping label " + pair.getName());
      }
    }
    return of(labels);
  }

  /** Compares the canonical bytes without building them. */
  @Override
  public int compareTo(GroupingKey other) {
    Iterator<Map.Entry<String, String>> a = labels.entrySet().iterator();
    Iterator<Map.Entry<String, String>> b = other.labels.entrySet().iterator();
    while (true) {
      // both keys hold job, so both have a first pair
      Map.Entry<String, String> ea = a.next();
      Map.Entry<String, String> eb = b.next();
      int c = compareToken(ea.getKey(), true, eb.getKey(), true);
      if (c != 0) {
        return c;
      }
      boolean moreA = a.hasNext();
      boolean moreB = b.hasNext();
      c = compareToken(ea.getValue(), moreA, eb.getValue(), moreB);
      if (c != 0 || !moreA) {
        return c; // c == 0 here means both ended together
      }
    }
  }

  /**
   * Compares {@code x} and {@code y} as UTF-8 bytes each followed by a separator (0xFF, above every
   * UTF-8 byte) or by the end of its key (below every byte).
   */
  private static int compareToken(String x, boolean sepAfterX, String y, boolean sepAfterY) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int cx = x.codePointAt(i);
      int cy = y.codePointAt(j);
      if (cx != cy) {
        return Integer.compare(cx, cy);
      }
      i += Character.charCount(cx);
      j += Character.charCount(cy);
    }
    boolean xDone = i == x.length();
    boolean yDone = j == y.length();
    if (xDone && yDone) {
      return Boolean.compare(sepAfterX, sepAfterY);
    }
    if (xDone) {
      return sepAfterX ? 1 : -1;
    }
    return sepAfterY ? -1 : 1;
  }

  /** {@code {job="a",x="y"}}, values escaped as in the text exposition format. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    labels.forEach(
        (name, value) -> {
          if (sb.length() > 1) {
            sb.append(',');
          }
          sb.append(name).append("=\"");
          for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
              case '\\' -> sb.append("\\\\");
              case '"' -> sb.append("\\\"");
              case '\n' -> sb.append("\\n");
              default -> sb.append(c);
            }
          }
          sb.append('"');
        });
    return sb.append('}').toString();
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static String decodeUtf8(byte[] bytes, int offset, int length) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("grouping key bytes are not valid UTF-8", e);
    }
  }
}
