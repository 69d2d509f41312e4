package io.kpushgateway.core.select;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.kpushgateway.core.format.GoSyntax;
import io.kpushgateway.core.validate.NameRules;
import java.util.Objects;

/**
 * One matcher of a series selector, as Prometheus' {@code labels.Matcher}: a label name, an
 * operator and a value. A label a series does not have matches as the empty string.
 *
 * <p>Regexes are RE2 (through re2j, Google's Java port of RE2, rather than {@code
 * java.util.regex}): the syntax and semantics Prometheus gets from Go's {@code regexp}, and time
 * linear in the input whatever the pattern, which matters for patterns that come from a URL. They
 * are fully anchored and {@code .} matches a newline too, as Prometheus compiles them.
 */
public final class LabelMatcher {

  /** The four operators of PromQL's label matching. */
  public enum Type {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String operator;

    Type(String operator) {
      this.operator = operator;
    }

    /** As written in a selector: {@code =}, {@code !=}, {@code =~} or {@code !~}. */
    public String operator() {
      return operator;
    }
  }

  /** The label that holds a series' metric name. */
  public static final String METRIC_NAME = "__name__";

  private final Type type;
  private final String name;
  private final String value;
  private final Pattern regex; // null unless REGEX or NOT_REGEX

  private LabelMatcher(Type type, String name, String value, Pattern regex) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.regex = regex;
  }

  /**
   * @throws IllegalArgumentException for a regex RE2 cannot compile, with RE2's reason
   */
  public static LabelMatcher of(Type type, String name, String value) {
    Objects.requireNonNull(type);
    Objects.requireNonNull(name);
    Objects.requireNonNull(value);
    Pattern regex = null;
    if (type == Type.REGEX || type == Type.NOT_REGEX) {
      try {
        Pattern.compile(value); // first without flags: re2j's message would show a "(?s)" prefix
        // matches() anchors at both ends, so no ^(?:...)$ wrapping that a ")" could break out of
        regex = Pattern.compile(value, Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(regexError(value, e), e);
      }
    }
    return new LabelMatcher(type, name, value, regex);
  }

  /** RE2's error text, as Go words it. */
  private static String regexError(String value, PatternSyntaxException e) {
    if ("stack underflow".equals(e.getPattern())) {
      // how re2j reports an unmatched ")"
      return "error parsing regexp: unexpected ): `" + value + "`";
    }
    return e.getMessage();
  }

  public static LabelMatcher equal(String name, String value) {
    return of(Type.EQUAL, name, value);
  }

  public Type type() {
    return type;
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  /** Whether a series whose label {@link #name()} has this value (empty if absent) matches. */
  public boolean matches(String labelValue) {
    return switch (type) {
      case EQUAL -> value.equals(labelValue);
      case NOT_EQUAL -> !value.equals(labelValue);
      case REGEX -> regex.matches(labelValue);
      case NOT_REGEX -> !regex.matches(labelValue);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMatcher m
        && type == m.type
        && name.equals(m.name)
        && value.equals(m.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, value);
  }

  /**
   * As Prometheus prints a matcher: {@code name="value"} with Go's quoting of the value; a name
   * outside the legacy set is quoted too ({@code "label.x"="v"}), as PromQL's UTF-8 syntax needs it
   * to parse back.
   */
  @Override
  public String toString() {
    String shown = NameRules.isValidLabelName(name) ? name : GoSyntax.quote(name);
    return shown + type.operator + GoSyntax.quote(value);
  }
}
