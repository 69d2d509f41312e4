package io.kpushgateway.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.util.List;

/**
 * A text push body, read as ingest reads it ({@link PushReading}): refused with a {@code
 * PushRejectedException} or accepted within the limits and the decoding memory it asked for; what
 * is accepted is written by {@link TextWriter} into a page that reads back to the same families, in
 * the form a page can hold ({@link TextPageForm}). Both name schemes. Seeds: bodies of the
 * conformance cases and of the parser's scenario tables.
 */
class TextParserFuzzTest {

  private static final PushReading.Reader TEXT =
      (body, names, meter, sanitizer) -> TextParser.parse(body, names, meter, sanitizer::labels);

  @FuzzTest
  void textBody(byte[] body) throws IOException {
    for (NameValidationScheme names : NameValidationScheme.values()) {
      List<MetricFamily> accepted = PushReading.accepted(TEXT, body, names);
      if (accepted == null) {
        continue;
      }
      byte[] page = PushReading.textPage(accepted, names);
      List<MetricFamily> again = PushReading.reread(TEXT, page, names);
      assertThat(TextPageForm.of(again))
          .as("page %s", PushReading.text(page))
          .isEqualTo(TextPageForm.of(accepted));
    }
  }
}
