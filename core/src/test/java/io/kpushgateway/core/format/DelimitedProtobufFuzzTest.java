package io.kpushgateway.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A delimited-protobuf push body, read as ingest reads it ({@link PushReading}): refused with a
 * {@code PushRejectedException} or accepted within the limits and the decoding memory it asked for.
 * What is accepted is written back twice: as protobuf, which must read back unchanged (the store
 * and peers pass families on in it), and by {@link TextWriter} as a page, which must read back to
 * the same families in the form a page can hold ({@link TextPageForm}). Seeds: the text seeds as
 * client_golang would send them, and a native, a float and an empty family.
 */
class DelimitedProtobufFuzzTest {

  private static final PushReading.Reader PROTOBUF =
      (body, names, meter, sanitizer) -> DelimitedProtobuf.read(body, meter, sanitizer::family);

  private static final PushReading.Reader TEXT =
      (body, names, meter, sanitizer) -> TextParser.parse(body, names, meter, sanitizer::labels);

  @FuzzTest
  void delimitedBody(byte[] body) throws IOException {
    for (NameValidationScheme names : NameValidationScheme.values()) {
      List<MetricFamily> accepted = PushReading.accepted(PROTOBUF, body, names);
      if (accepted == null) {
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DelimitedProtobuf.write(out, accepted);
      assertThat(PushReading.reread(PROTOBUF, out.toByteArray(), names)).isEqualTo(accepted);

      byte[] page = PushReading.textPage(accepted, names);
      List<MetricFamily> again = PushReading.reread(TEXT, page, names);
      assertThat(TextPageForm.of(again))
          .as("page %s", PushReading.text(page))
          .isEqualTo(TextPageForm.of(accepted));
    }
  }
}
