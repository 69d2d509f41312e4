package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.kpushgateway.app.web.TestPki;
import io.kpushgateway.testkit.Await;
import io.kpushgateway.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --web.config.file} on a real gateway: HTTPS (HTTP/2 and 1.1) with a throwaway CA, client
 * certificates, TLS versions, basic auth on every endpoint, and reloading the file while running.
 */
class WebSecurityIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration VISIBLE = Duration.ofSeconds(10);
  private static final Duration RELOADED = Duration.ofSeconds(15);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private final TestPki pki = TestPki.create();

  private static String bcrypt(String password) {
    return BCrypt.withDefaults().hashToString(6, password.toCharArray());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void httpsWithBasicAuthOnEveryEndpoint(@TempDir Path dir) throws Exception {
    pki.writeServerFiles(dir);
    Path web = dir.resolve("web.yml");
    TestPki.write(
        web,
        """
        tls_server_config:
          cert_file: server.pem
          key_file: server-key.pem
        http_server_config:
          headers:
            X-Frame-Options: deny
        basic_auth_users:
          alice: %s
        """
            .formatted(bcrypt("secret")));
    HttpClient https = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build();
    try (Gateway gw = start(dir, web)) {
      Client alice = new Client(https, "https", gw.port(), basic("alice", "secret"));
      alice.awaitReady();

      // Without credentials, or with a wrong password: 401 as upstream, and nothing reaches a
      // route.
      for (String authorization :
          new String[] {null, basic("alice", "wrong"), basic("mallory", "secret")}) {
        Client c = new Client(https, "https", gw.port(), authorization);
        for (HttpResponse<String> r :
            java.util.List.of(
                c.send("PUT", "/metrics/job/intruder", "intruder_total 1\n"),
                c.send("GET", "/metrics", null),
                c.send("GET", "/api/v1/status", null))) {
          assertThat(r.statusCode()).as("%s %s", r.request().method(), r.uri()).isEqualTo(401);
          assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic");
          assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
              .isEqualTo("text/plain;charset=utf-8"); // Jetty drops the space Go writes
          assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("deny");
          assertThat(r.body()).isEqualTo("Unauthorized\n");
        }
      }

      // The right password: push, scrape and the status API work, over HTTP/2 by default.
      HttpResponse<String> push =
          alice.send("PUT", "/metrics/job/tls", "# TYPE tls_total counter\ntls_total 7\n");
      assertThat(push.statusCode()).isEqualTo(200);
      assertThat(push.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(push.headers().firstValue("X-Frame-Options")).hasValue("deny");
      Await.until(
          VISIBLE,
          "the push on /metrics",
          () ->
              alice
                  .send("GET", "/metrics", null)
                  .body()
                  .contains("tls_total{instance=\"\",job=\"tls\"} 7"));
      assertThat(alice.send("GET", "/metrics", null).body()).doesNotContain("intruder");
      HttpResponse<String> status = alice.send("GET", "/api/v1/status", null);
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.body()).contains("\"web.config.file\":\"" + web + "\"");

      // HTTP/1.1 clients get the same.
      HttpClient http11 =
          HttpClient.newBuilder()
              .sslContext(pki.clientContext(null))
              .version(HttpClient.Version.HTTP_1_1)
              .build();
      HttpResponse<String> scrape11 =
          new Client(http11, "https", gw.port(), basic("alice", "secret"))
              .send("GET", "/metrics", null);
      assertThat(scrape11.statusCode()).isEqualTo(200);
      assertThat(scrape11.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

      // Plain HTTP to the TLS port gets no answer.
      Client plain =
          new Client(HttpClient.newHttpClient(), "http", gw.port(), basic("alice", "secret"));
      assertThatThrownBy(() -> plain.sendOrThrow("GET", "/metrics", null))
          .isInstanceOf(IOException.class);

      // A changed file applies without a restart: new password in, old one out.
      TestPki.write(
          web,
          """
          tls_server_config: {cert_file: server.pem, key_file: server-key.pem}
          basic_auth_users:
            alice: %s
          """
              .formatted(bcrypt("changed")));
      Client changed = new Client(https, "https", gw.port(), basic("alice", "changed"));
      Await.until(
          RELOADED,
          "the new password accepted",
          () -> changed.send("GET", "/-/healthy", null).statusCode() == 200);
      assertThat(alice.send("GET", "/-/healthy", null).statusCode()).isEqualTo(401);
      assertThat(changed.send("GET", "/-/healthy", null).headers().firstValue("X-Frame-Options"))
          .isEmpty();

      // A broken file fails closed, as upstream: 500 for everyone until it is fixed.
      TestPki.write(web, "basic_auth_users: [\n");
      Await.until(
          RELOADED,
          "500 while the file is broken",
          () -> changed.send("GET", "/-/healthy", null).statusCode() == 500);
      assertThat(changed.send("GET", "/metrics", null).body()).isEqualTo("Internal Server Error\n");
      TestPki.write(
          web,
          """
          tls_server_config: {cert_file: server.pem, key_file: server-key.pem}
          basic_auth_users: {alice: %s}
          """
              .formatted(bcrypt("changed")));
      Await.until(
          RELOADED,
          "served again once fixed",
          () -> changed.send("GET", "/-/healthy", null).statusCode() == 200);
    }
  }

  @Test
  void clientCertificatesAndTls13Only(@TempDir Path dir) throws Exception {
    pki.writeServerFiles(dir);
    Path web = dir.resolve("web.yml");
    TestPki.write(
        web,
        """
        tls_server_config:
          cert_file: server.pem
          key_file: server-key.pem
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.pem
          client_allowed_sans: [pusher.example]
          min_version: TLS13
        """);
    try (Gateway gw = start(dir, web)) {
      Client withCert =
          new Client(
              HttpClient.newBuilder().sslContext(pki.clientContext(pki.client)).build(),
              "https",
              gw.port(),
              null);
      withCert.awaitReady();
      assertThat(withCert.send("PUT", "/metrics/job/mtls", "mtls 1\n").statusCode()).isEqualTo(200);

      // No certificate, a certificate from another CA, or one without an allowed SAN: no
      // connection.
      TestPki stranger = TestPki.create();
      SSLContext otherCa = pki.clientContext(stranger.client);
      SSLContext otherSan =
          pki.clientContext(
              pki.issue(
                  "other",
                  TestPki.ec(),
                  new GeneralNames(new GeneralName(GeneralName.dNSName, "other.example")),
                  KeyPurposeId.id_kp_clientAuth));
      for (SSLContext ctx : new SSLContext[] {pki.clientContext(null), otherCa, otherSan}) {
        Client c =
            new Client(HttpClient.newBuilder().sslContext(ctx).build(), "https", gw.port(), null);
        assertThatThrownBy(() -> c.sendOrThrow("GET", "/metrics", null))
            .isInstanceOf(IOException.class);
      }

      // min_version TLS13: a client that speaks only TLS 1.2 is refused, even with a good
      // certificate.
      HttpClient tls12 =
          HttpClient.newBuilder()
              .sslContext(pki.clientContext(pki.client))
              .sslParameters(new SSLParameters(null, new String[] {"TLSv1.2"}))
              .build();
      Client old = new Client(tls12, "https", gw.port(), null);
      assertThatThrownBy(() -> old.sendOrThrow("GET", "/metrics", null))
          .isInstanceOf(IOException.class);
    }
  }

  private static Gateway start(Path dir, Path webConfig) {
    String name = KAFKA.uniqueName("sec");
    return Gateway.start(
        GatewayConfig.parse(
            "--web.listen-address=127.0.0.1:0",
            "--web.config.file=" + webConfig,
            "--data.dir=" + dir.resolve("data"),
            "--kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
            "--kafka.topic-prefix=" + name,
            "--kafka.application-id=" + name));
  }

  /** One HTTP client, scheme, port and Authorization header. */
  private record Client(HttpClient http, String scheme, int port, String authorization) {

    void awaitReady() {
      Await.until(READY, "gateway ready", () -> send("GET", "/-/ready", null).statusCode() == 200);
    }

    HttpResponse<String> send(String method, String path, String body) {
      try {
        return sendOrThrow(method, path, body);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    HttpResponse<String> sendOrThrow(String method, String path, String body) throws IOException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .timeout(Duration.ofSeconds(30));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      try {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
