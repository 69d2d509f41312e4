package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.app.web.TestPki;
import io.kpushgateway.app.web.WebConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A web config file that cannot be used stops the gateway before anything else starts. */
class WebConfigStartupTest {

  @Test
  void brokenFilesRefuseTheStartWithTheProblemNamed(@TempDir Path dir) {
    TestPki.create().writeServerFiles(dir);
    String[][] cases = {
      {
        "tls_server_config: {cert_file: server.pem, key_file: server-key.pem, bogus: 1}",
        "field bogus not found in tls_server_config"
      },
      {
        "tls_server_config: {cert_file: missing.pem, key_file: server-key.pem}",
        "cannot read cert_file " + dir.resolve("missing.pem")
      },
      {
        "tls_server_config: {cert_file: server.pem, key_file: server.pem}",
        "holds a certificate, not a private key"
      },
      {
        "basic_auth_users: {alice: plaintext}",
        "the password of user \"alice\" is not a bcrypt hash"
      },
    };
    for (String[] c : cases) {
      Path web = dir.resolve("web.yml");
      TestPki.write(web, c[0]);
      // No broker is started for a broken file: the data directory stays untouched.
      Path data = dir.resolve("data");
      assertThatThrownBy(
              () ->
                  Gateway.start(
                      GatewayConfig.parse(
                          "--web.listen-address=127.0.0.1:0",
                          "--web.config.file=" + web,
                          "--data.dir=" + data)))
          .isInstanceOf(WebConfigException.class)
          .hasMessageStartingWith("web config file " + web + ": ")
          .hasMessageContaining(c[1]);
      assertThat(data).doesNotExist();
    }
    assertThatThrownBy(
            () ->
                Gateway.start(
                    GatewayConfig.parse(
                        "--web.listen-address=127.0.0.1:0",
                        "--web.config.file=" + dir.resolve("nope.yml"),
                        "--data.dir=" + dir.resolve("data"))))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining("cannot read web config file " + dir.resolve("nope.yml"));
  }

  @Test
  void theProcessExitsNonZeroWithTheMessageOnStderr(@TempDir Path dir) throws Exception {
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "tls_server_config: {cert_file: server.pem}\n");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "--web.listen-address=127.0.0.1:0",
                    "--web.config.file=" + web,
                    "--data.dir=" + dir.resolve("data")))
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the process ended").isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isEqualTo(1);
      assertThat(output)
          .contains(
              "kpushgateway: --web.config.file: web config file "
                  + web
                  + ": tls_server_config: missing key_file");
    } finally {
      p.destroyForcibly();
    }
  }
}
