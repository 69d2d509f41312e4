package io.kpushgateway.core.select;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code match[]} selector as a URL brings it: a {@link SeriesSelector} or a {@link
 * SelectorSyntaxException}, never anything else (a regex RE2 refuses included). What is accepted
 * prints, as Prometheus prints a matcher list, into a selector that reads back to the same
 * matchers, and both select the same series. Seeds: the selectors of {@code SeriesSelectorTest}.
 */
class SeriesSelectorFuzzTest {

  @FuzzTest
  void selector(byte[] input) throws SelectorSyntaxException {
    String text = new String(input, StandardCharsets.UTF_8);
    SeriesSelector selector;
    try {
      selector = SeriesSelector.parse(text);
    } catch (SelectorSyntaxException e) {
      return;
    }
    SeriesSelector printed = SeriesSelector.parse(selector.toString());
    assertThat(printed.matchers()).as("printed %s", selector).isEqualTo(selector.matchers());

    // a series with each matcher's value, and the empty one: the same answer from both
    Map<String, String> labels = new HashMap<>();
    for (LabelMatcher m : selector.matchers()) {
      labels.put(m.name(), m.value());
    }
    SeriesSelector.Labels series = name -> labels.getOrDefault(name, "");
    SeriesSelector.Labels none = name -> "";
    assertThat(printed.matches(series)).isEqualTo(selector.matches(series));
    assertThat(printed.matches(none)).isEqualTo(selector.matches(none));
  }
}
