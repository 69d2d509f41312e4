package io.kpushgateway.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code --web.config.file}: a {@link WebConfig} or a {@link WebConfigException} naming the
 * problem, never anything else (the gateway must refuse to start with a message, not a stack
 * trace). What is accepted holds only configurable headers with allowed values, bcrypt hashes and,
 * for TLS, a certificate and a key. Seeds: the files of {@code WebConfigTest}.
 */
class WebConfigFuzzTest {

  private static final Path DIR = Path.of("/etc/kpushgateway");

  @FuzzTest
  void webConfig(byte[] yaml) throws IllegalBCryptFormatException {
    WebConfig config;
    try {
      config = WebConfig.parse(yaml, DIR);
    } catch (WebConfigException e) {
      return;
    }
    for (Map.Entry<String, String> header : config.headers().entrySet()) {
      assertThat(WebConfig.CONFIGURABLE_HEADERS).containsKey(header.getKey());
      assertThat(header.getValue()).isNotBlank();
    }
    for (String hash : config.users().values()) {
      BCrypt.Version.VERSION_2A.parser.parse(hash.getBytes(StandardCharsets.UTF_8));
    }
    if (config.tls() != null) {
      assertThat(config.tls().certFile()).isNotNull();
      assertThat(config.tls().keyFile()).isNotNull();
    }
  }
}
