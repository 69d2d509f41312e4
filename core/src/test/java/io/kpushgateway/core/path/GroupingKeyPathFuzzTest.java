package io.kpushgateway.core.path;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import java.nio.charset.StandardCharsets;

/**
 * The push path after {@code /metrics/}, as the HTTP server hands it over (still percent-encoded):
 * a grouping key or a {@link PushRejectedException}, never anything else; and every key it accepts
 * is written by {@link GroupingKeyPath#encode} into a path that reads back to the same key. Seeds:
 * the paths of {@code GroupingKeyPathTest} and of the upstream route table.
 */
class GroupingKeyPathFuzzTest {

  @FuzzTest
  void pushPath(byte[] input) {
    // the server's path is text; take the bytes as UTF-8, as a client's URL would be
    String raw = new String(input, StandardCharsets.UTF_8);
    for (NameValidationScheme names : NameValidationScheme.values()) {
      GroupingKey key;
      try {
        key = GroupingKeyPath.parseEscaped(raw, names);
      } catch (PushRejectedException e) {
        continue;
      }
      assertThat(key.job()).isNotEmpty();
      String encoded = GroupingKeyPath.encode(key, names);
      assertThat(GroupingKeyPath.parseEscaped(encoded, names)).isEqualTo(key);
    }
    String bytes = PathDecoding.toBytes(raw);
    if (bytes != null) {
      // Go's unescaping: '%' takes exactly two ASCII hex digits, anything else is refused
      for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 3)) {
        assertThat(isAsciiHex(raw, i + 1) && isAsciiHex(raw, i + 2))
            .as("escape at %d of %s", i, raw)
            .isTrue();
      }
    }
  }

  private static boolean isAsciiHex(String s, int i) {
    if (i >= s.length()) {
      return false;
    }
    char c = s.charAt(i);
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
