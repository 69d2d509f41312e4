package io.kpushgateway.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.kpushgateway.app.web.TlsConfig.ClientAuth;
import io.kpushgateway.app.web.TlsConfig.TlsVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The file's schema, read as strictly as the toolkit reads it. */
class WebConfigTest {

  private static final Path DIR = Path.of("/etc/kpushgateway");
  private static final String HASH = BCrypt.withDefaults().hashToString(4, "secret".toCharArray());

  @Test
  void emptyFileConfiguresNothing() {
    for (String yaml : new String[] {"", "# only a comment\n", "~\n"}) {
      WebConfig c = WebConfig.parse(yaml, DIR);
      assertThat(c.tls()).isNull();
      assertThat(c.basicAuth()).isFalse();
      assertThat(c.headers()).isEmpty();
      assertThat(c.http2()).isTrue();
    }
  }

  @Test
  void everyKeyIsRead() {
    WebConfig c =
        WebConfig.parse(
            """
            tls_server_config:
              cert_file: certs/server.pem
              key_file: /abs/server-key.pem
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
              min_version: TLS13
              max_version: TLS13
              cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
              curve_preferences: [X25519, CurveP256]
              prefer_server_cipher_suites: false
              client_allowed_sans: [pusher.example, 10.0.0.1]
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
                X-XSS-Protection: ""
            basic_auth_users:
              alice: %s
            """
                .formatted(HASH),
            DIR);
    TlsConfig tls = c.tls();
    // Relative names are relative to the configuration file's directory, as upstream.
    assertThat(tls.certFile()).isEqualTo(Path.of("/etc/kpushgateway/certs/server.pem"));
    assertThat(tls.keyFile()).isEqualTo(Path.of("/abs/server-key.pem"));
    assertThat(tls.clientCaFile()).isEqualTo(Path.of("/etc/kpushgateway/ca.pem"));
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT);
    assertThat(tls.protocols()).containsExactly("TLSv1.3");
    assertThat(tls.cipherSuites())
        .containsExactly(
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertThat(tls.namedGroups()).containsExactly("x25519", "secp256r1");
    assertThat(tls.preferServerCipherSuites()).isFalse();
    assertThat(tls.clientAllowedSans()).containsExactly("pusher.example", "10.0.0.1");
    assertThat(c.http2()).isFalse();
    // A blank header value is left out, as the toolkit documents ("unset if blank").
    assertThat(c.headers())
        .containsExactly(
            java.util.Map.entry("X-Frame-Options", "deny"),
            java.util.Map.entry("Strict-Transport-Security", "max-age=31536000"));
    assertThat(c.users()).containsOnlyKeys("alice");
  }

  @Test
  void toolkitDefaults() {
    TlsConfig tls =
        WebConfig.parse("tls_server_config: {cert_file: c.pem, key_file: k.pem}", DIR).tls();
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NO_CLIENT_CERT);
    assertThat(tls.minVersion()).isEqualTo(TlsVersion.TLS12);
    assertThat(tls.maxVersion()).isEqualTo(TlsVersion.TLS13);
    assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(tls.preferServerCipherSuites()).isTrue();
    assertThat(tls.cipherSuites()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "NoClientCert, NO_CLIENT_CERT, false, false, false",
    "RequestClientCert, REQUEST_CLIENT_CERT, true, false, false",
    "RequireAnyClientCert, REQUIRE_ANY_CLIENT_CERT, true, true, false",
    "RequireClientCert, REQUIRE_ANY_CLIENT_CERT, true, true, false",
    "VerifyClientCertIfGiven, VERIFY_CLIENT_CERT_IF_GIVEN, true, false, true",
    "RequireAndVerifyClientCert, REQUIRE_AND_VERIFY_CLIENT_CERT, true, true, true",
  })
  void clientAuthTypes(
      String configName,
      ClientAuth expected,
      boolean requests,
      boolean requires,
      boolean verifies) {
    TlsConfig tls =
        WebConfig.parse(
                "tls_server_config: {cert_file: c.pem, key_file: k.pem, client_auth_type: "
                    + configName
                    + "}",
                DIR)
            .tls();
    assertThat(tls.clientAuth()).isEqualTo(expected);
    assertThat(tls.clientAuth().requestsCertificate()).isEqualTo(requests);
    assertThat(tls.clientAuth().requiresCertificate()).isEqualTo(requires);
    assertThat(tls.clientAuth().verifiesCertificate()).isEqualTo(verifies);
  }

  @Test
  void aTlsSectionWithoutCertificateLeavesTlsOff() {
    assertThat(WebConfig.parse("tls_server_config: {min_version: TLS13}", DIR).tls()).isNull();
    assertThat(WebConfig.parse("tls_server_config:\n", DIR).tls()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          foo: 1                                                                          | line 1: field foo not found in the top level
          tls_server_config: {cert_file: c.pem, key_file: k.pem, bogus: 1}                | line 1: field bogus not found in tls_server_config
          http_server_config: {http3: true}                                               | field http3 not found in http_server_config
          rate_limit: {interval: 1s, burst: 2}                                            | field rate_limit not found
          'basic_auth_users: [alice]'                                                     | line 1: basic_auth_users: expected a mapping (key: value)
          'http_server_config: {http2: maybe}'                                            | line 1: http_server_config.http2: expected true or false
          'tls_server_config: [a]'                                                        | line 1: tls_server_config: expected a mapping (key: value)
          'tls_server_config: {cert_file: c.pem, key_file: k.pem, cipher_suites: TLS_AES_128_GCM_SHA256}' | tls_server_config.cipher_suites: expected a list
          'tls_server_config: {cert_file: c.pem, cert_file: d.pem, key_file: k.pem}'      | Duplicate field 'cert_file'
          ': : :'                                                                         | not valid YAML
          tls_server_config: {cert_file: c.pem}                                           | tls_server_config: missing key_file
          tls_server_config: {key_file: k.pem}                                            | tls_server_config: missing cert_file
          tls_server_config: {cert_file: c.pem, key_file: k.pem, client_auth_type: Foo}   | invalid client_auth_type: Foo (one of NoClientCert, RequestClientCert
          tls_server_config: {cert_file: c.pem, key_file: k.pem, client_ca_file: ca.pem}  | client_ca_file is set but client_auth_type is NoClientCert
          tls_server_config: {cert_file: c.pem, key_file: k.pem, min_version: TLS14}      | unknown TLS version: TLS14
          tls_server_config: {cert_file: c.pem, key_file: k.pem, min_version: TLS13, max_version: TLS12} | min_version TLS13 is above max_version TLS12
          tls_server_config: {cert_file: c.pem, key_file: k.pem, cipher_suites: [FOO]}    | unknown cipher: FOO
          tls_server_config: {cert_file: c.pem, key_file: k.pem, cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]} | unknown cipher: TLS_RSA_WITH_RC4_128_SHA
          tls_server_config: {cert_file: c.pem, key_file: k.pem, curve_preferences: [CurveP999]} | unknown curve: CurveP999
          tls_server_config: {cert_file: c.pem, key_file: k.pem, cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]} | with HTTP/2 on, cipher_suites needs one of
          tls_server_config: {cert_file: c.pem, key_file: k.pem, client_auth_type: VerifyClientCertIfGiven, client_allowed_sans: [a]} | client_allowed_sans needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert
          tls_server_config: {cert_file: c.pem, key_file: k.pem, client_auth_type: RequireAnyClientCert, client_allowed_sans: [a, null]} | tls_server_config: client_allowed_sans: an entry is empty
          tls_server_config: {cert_file: c.pem, key_file: k.pem, cipher_suites: [~]}      | tls_server_config: cipher_suites: an entry is empty
          tls_server_config: {cert_file: c.pem, key_file: k.pem, curve_preferences: [X25519, null]} | tls_server_config: curve_preferences: an entry is empty
          http_server_config: {headers: {X-Foo: bar}}                                     | HTTP header "X-Foo" can not be configured
          http_server_config: {headers: {X-Frame-Options: bar}}                           | invalid value for X-Frame-Options: expected one of [deny, sameorigin], got "bar"
          http_server_config: {headers: {X-Content-Type-Options: sniff}}                  | invalid value for X-Content-Type-Options
          basic_auth_users: {alice: notahash}                                             | the password of user "alice" is not a bcrypt hash
          'basic_auth_users: {alice: }'                                                   | the password of user "alice" is not a bcrypt hash
          """)
  // the three "an entry is empty" rows were found by WebConfigFuzzTest: a NullPointerException
  void rejectedWithTheProblemNamed(String yaml, String message) {
    assertThatThrownBy(() -> WebConfig.parse(yaml, DIR))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void http2CipherRuleOnlyWhereHttp2CanBeNegotiatedOverTls12() {
    String ciphers = "cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]";
    assertThat(
            WebConfig.parse(
                    "tls_server_config: {cert_file: c.pem, key_file: k.pem, "
                        + ciphers
                        + "}\nhttp_server_config: {http2: false}",
                    DIR)
                .tls())
        .isNotNull();
    assertThat(
            WebConfig.parse(
                    "tls_server_config: {cert_file: c.pem, key_file: k.pem, min_version: TLS13, "
                        + ciphers
                        + "}",
                    DIR)
                .tls())
        .isNotNull();
  }

  @Test
  void errorsNameTheFileButNeverTheHash(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("web.yml");
    Files.writeString(file, "basic_auth_users:\n  alice: $2y$10$tooShort\n");
    assertThatThrownBy(() -> WebConfig.read(file))
        .hasMessageStartingWith("web config file " + file + ": basic_auth_users:")
        .hasMessageNotContaining("tooShort");
    assertThatThrownBy(() -> WebConfig.read(dir.resolve("missing.yml")))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining("cannot read web config file")
        .hasMessageContaining("missing.yml");
  }
}
