package io.kpushgateway.core.select;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed series selector such as {@code http_requests_total{code=~"5.."}}: the matchers a series
 * must all satisfy. It accepts what Prometheus' {@code parser.ParseMetricSelector} accepts (see
 * {@link #parse}), which Prometheus' {@code /federate} uses: unlike a PromQL selector, one whose
 * matchers all match the empty string ({@code {job=~".*"}}) is allowed and selects every series.
 * Only {@code {}} is refused.
 */
public final class SeriesSelector {

  /** A series' labels as a selector reads them: its metric name under {@code __name__}. */
  @FunctionalInterface
  public interface Labels {
    /** The value of label {@code name}, or the empty string if the series has none. */
    String value(String name);
  }

  private final String text;
  private final List<LabelMatcher> matchers;
  private final LabelMatcher[] evaluationOrder;

  SeriesSelector(String text, List<LabelMatcher> matchers) {
    this.text = text;
    this.matchers = List.copyOf(matchers);
    // the name rules out most series at once; the order does not change the result
    List<LabelMatcher> order = new ArrayList<>(matchers.size());
    matchers.stream().filter(m -> m.name().equals(LabelMatcher.METRIC_NAME)).forEach(order::add);
    matchers.stream().filter(m -> !m.name().equals(LabelMatcher.METRIC_NAME)).forEach(order::add);
    this.evaluationOrder = order.toArray(new LabelMatcher[0]);
  }

  /**
   * Parses PromQL's selector syntax: {@code name}, {@code name{...}} or {@code {...}}, where the
   * braces hold comma-separated matchers (a trailing comma is fine) {@code label op value} with
   * {@code op} one of {@code =}, {@code !=}, {@code =~}, {@code !~} and the value a string in
   * double quotes, single quotes (both with Go's escapes) or backticks (raw). Label and metric
   * names outside the legacy character set are written as strings: {@code {"my.metric",
   * "label.x"="v"}}. A metric name before the braces must not be given again inside them.
   *
   * @throws SelectorSyntaxException with the position and what was expected there
   */
  public static SeriesSelector parse(String text) throws SelectorSyntaxException {
    return new SelectorParser(text).selector();
  }

  /** The selector as it was given. */
  public String text() {
    return text;
  }

  /** In the order Prometheus lists them: as written, a metric name before the braces last. */
  public List<LabelMatcher> matchers() {
    return matchers;
  }

  public boolean matches(Labels series) {
    for (LabelMatcher m : evaluationOrder) {
      if (!m.matches(series.value(m.name()))) {
        return false;
      }
    }
    return true;
  }

  /** The matchers in braces, as Prometheus prints a matcher list. */
  @Override
  public String toString() {
    return matchers.stream()
        .map(LabelMatcher::toString)
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
