package io.kpushgateway.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificates and keys as operators keep them, and the settings Jetty gets from them. */
class TlsSettingsTest {

  private static TestPki pki;
  @TempDir static Path dir;

  @BeforeAll
  static void pki() {
    pki = TestPki.create();
    pki.writeServerFiles(dir);
  }

  private static TlsConfig tls(String extra) {
    return tls("server.pem", "server-key.pem", extra);
  }

  private static TlsConfig tls(String certFile, String keyFile, String extra) {
    return WebConfig.parse(
            "tls_server_config: {cert_file: " + certFile + ", key_file: " + keyFile + extra + "}",
            dir)
        .tls();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EC-PKCS8", "EC-SEC1", "RSA-PKCS8", "RSA-PKCS1"})
  void keyFormatsGoAccepts(String format) {
    KeyPair keys = format.startsWith("EC") ? TestPki.ec() : TestPki.rsa();
    X509Certificate cert =
        pki.issue(
                "s",
                keys,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")),
                KeyPurposeId.id_kp_serverAuth)
            .certificate();
    Path certFile = dir.resolve(format + ".pem");
    Path keyFile = dir.resolve(format + "-key.pem");
    TestPki.write(certFile, TestPki.pem(cert));
    String pem =
        switch (format) {
          case "EC-SEC1" -> TestPki.sec1(keys.getPrivate());
          case "RSA-PKCS1" ->
              TestPki.pem(keys.getPrivate()); // JcaPEMWriter: OpenSSL's traditional form
          default -> TestPki.pkcs8(keys.getPrivate(), null);
        };
    assertThat(pem)
        .startsWith(
            switch (format) {
              case "EC-SEC1" -> "-----BEGIN EC PRIVATE KEY-----";
              case "RSA-PKCS1" -> "-----BEGIN RSA PRIVATE KEY-----";
              default -> "-----BEGIN PRIVATE KEY-----";
            });
    TestPki.write(keyFile, pem);
    assertThat(PemFiles.privateKey(keyFile, "key_file").getAlgorithm())
        .isEqualTo(keys.getPrivate().getAlgorithm());
    assertThatCode(
            () ->
                TlsSettings.load(
                    WebConfig.parse(
                            "tls_server_config: {cert_file: "
                                + certFile
                                + ", key_file: "
                                + keyFile
                                + "}",
                            dir)
                        .tls()))
        .doesNotThrowAnyException();
  }

  @Test
  void aChainIsReadLeafFirst() {
    Path chain = dir.resolve("chain.pem");
    TestPki.write(chain, TestPki.pem(pki.server.certificate(), pki.ca.certificate()));
    assertThat(PemFiles.certificates(chain, "cert_file"))
        .containsExactly(pki.server.certificate(), pki.ca.certificate());
  }

  @Test
  void unusableFilesAreRefusedWithTheFileNamed() {
    TestPki.write(
        dir.resolve("encrypted-key.pem"), TestPki.pkcs8(pki.server.keys().getPrivate(), "pw"));
    TestPki.write(dir.resolve("other-key.pem"), TestPki.pkcs8(TestPki.ec().getPrivate(), null));
    TestPki.write(dir.resolve("rsa-key.pem"), TestPki.pkcs8(TestPki.rsa().getPrivate(), null));
    TestPki.write(dir.resolve("junk.pem"), "not a pem file\n");

    assertThatThrownBy(() -> TlsSettings.load(tls("server.pem", "encrypted-key.pem", "")))
        .hasMessageContaining("holds an encrypted private key");
    assertThatThrownBy(() -> TlsSettings.load(tls("server.pem", "server.pem", "")))
        .hasMessageContaining("server.pem holds a certificate, not a private key");
    assertThatThrownBy(() -> TlsSettings.load(tls("server.pem", "other-key.pem", "")))
        .hasMessageContaining("the private key in key_file")
        .hasMessageContaining("does not match the certificate in cert_file");
    assertThatThrownBy(() -> TlsSettings.load(tls("server.pem", "rsa-key.pem", "")))
        .hasMessageContaining("a RSA key for a EC certificate");
    assertThatThrownBy(() -> TlsSettings.load(tls("junk.pem", "server-key.pem", "")))
        .hasMessageContaining("cert_file " + dir.resolve("junk.pem") + " holds no PEM certificate");
    assertThatThrownBy(() -> TlsSettings.load(tls("missing.pem", "server-key.pem", "")))
        .isInstanceOf(WebConfigException.class)
        .hasMessageContaining("cannot read cert_file " + dir.resolve("missing.pem"));
    assertThatThrownBy(
            () ->
                TlsSettings.load(
                    tls(
                        ", client_auth_type: RequireAndVerifyClientCert, client_ca_file: junk.pem")))
        .hasMessageContaining(
            "client_ca_file " + dir.resolve("junk.pem") + " holds no PEM certificate");
  }

  @Test
  void jettyGetsTheProtocolRangeTheSuitesAndTheClientPolicy() {
    TlsSettings settings =
        TlsSettings.load(
            tls(
                ", min_version: TLS12, max_version: TLS12, client_auth_type: VerifyClientCertIfGiven, client_ca_file: ca.pem,"
                    + " cipher_suites: [TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],"
                    + " prefer_server_cipher_suites: false"));
    TlsSettings.GatewaySslContextFactory factory = new TlsSettings.GatewaySslContextFactory();
    settings.applyTo(factory);
    assertThat(factory.getIncludeProtocols()).containsExactly("TLSv1.2");
    // Exactly what was listed, though Jetty would exclude TLS_RSA_* by default; TLS 1.3 suites
    // stay.
    assertThat(factory.getExcludeCipherSuites()).isEmpty();
    assertThat(factory.getIncludeCipherSuites())
        .startsWith(
            "\\QTLS_RSA_WITH_AES_128_GCM_SHA256\\E",
            "\\QTLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\\E")
        .contains("\\QTLS_AES_128_GCM_SHA256\\E");
    assertThat(factory.isUseCipherSuitesOrder()).isFalse();
    assertThat(factory.getWantClientAuth()).isTrue();
    assertThat(factory.getNeedClientAuth()).isFalse();
    assertThat(factory.isRenegotiationAllowed()).isFalse();

    // Applying settings without a suite list brings Jetty's exclusions back.
    TlsSettings.load(tls("")).applyTo(factory);
    assertThat(factory.getIncludeCipherSuites()).isEmpty();
    assertThat(factory.getExcludeCipherSuites()).isNotEmpty();
    assertThat(factory.getIncludeProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(factory.getNeedClientAuth()).isFalse();
    assertThat(factory.getWantClientAuth()).isFalse();
  }

  @Test
  void curvePreferencesBeforeJava20NeedTheJvmWideSetting() {
    assumeTrue(Runtime.version().feature() < 20, "Java 20+ sets curves per connection");
    assertThatThrownBy(() -> TlsSettings.load(tls(", curve_preferences: [X25519, CurveP256]")))
        .hasMessageContaining("curve_preferences needs Java 20 or later")
        .hasMessageContaining("-Djdk.tls.namedGroups=x25519,secp256r1");
  }

  @Test
  void allowedSansMatchDnsNamesAndIpAddresses() throws Exception {
    TlsSettings.AllowedSans sans =
        new TlsSettings.AllowedSans(
            new NoCheck(), List.of("pusher.example", "::1", "spiffe://x/y"));
    X509Certificate dns = pki.client.certificate();
    X509Certificate ip =
        pki.issue(
                "ip",
                TestPki.ec(),
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "0:0:0:0:0:0:0:1")),
                KeyPurposeId.id_kp_clientAuth)
            .certificate();
    X509Certificate uri =
        pki.issue(
                "uri",
                TestPki.ec(),
                new GeneralNames(
                    new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://x/y")),
                KeyPurposeId.id_kp_clientAuth)
            .certificate();
    X509Certificate other =
        pki.issue(
                "other",
                TestPki.ec(),
                new GeneralNames(new GeneralName(GeneralName.dNSName, "intruder.example")),
                KeyPurposeId.id_kp_clientAuth)
            .certificate();
    sans.checkClientTrusted(new X509Certificate[] {dns}, "EC");
    sans.checkClientTrusted(new X509Certificate[] {ip}, "EC");
    sans.checkClientTrusted(new X509Certificate[] {uri}, "EC");
    assertThatThrownBy(() -> sans.checkClientTrusted(new X509Certificate[] {other}, "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("none of client_allowed_sans");
  }

  /** A base trust manager that takes everything, to test the SAN rule alone. */
  private static final class NoCheck extends javax.net.ssl.X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
