package io.kpushgateway.bench;

import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushValidator;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/** PushValidator.sanitizeAndValidate of one push for the group job=x,instance=y. */
public class ValidateBenchmark extends PushBenchmarkDefaults {

  /** As ingest's decoder hands them over: sanitized for the group while read. */
  private List<MetricFamily> decoded;

  /** As TextParser.parse(InputStream) returns them: the sanitizer has all the work. */
  private List<MetricFamily> unsanitized;

  @Setup
  public void setUp() throws IOException {
    byte[] text = PushFixture.text(PushFixture.PUT_LOAD);
    decoded = PushFixture.decodeText(text, PushFixture.KEY);
    unsanitized = PushFixture.parse(text);
  }

  /** The call PushController makes after decoding; the series are kept as read. */
  @Benchmark
  public List<MetricFamily> sanitizeAndValidate() {
    return PushValidator.sanitizeAndValidate(decoded, PushFixture.KEY, NameValidationScheme.LEGACY);
  }

  /** The same on families not sanitized while read: what the read-time sanitizer takes over. */
  @Benchmark
  public List<MetricFamily> sanitizeAndValidateUnsanitized() {
    return PushValidator.sanitizeAndValidate(
        unsanitized, PushFixture.KEY, NameValidationScheme.LEGACY);
  }
}
