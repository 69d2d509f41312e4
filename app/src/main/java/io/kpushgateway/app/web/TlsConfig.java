package io.kpushgateway.app.web;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code tls_server_config}, checked: names are the toolkit's (Go's), translated to JSSE's by
 * {@link TlsSettings}.
 *
 * @param clientCaFile {@code null}: verify client certificates against the JVM's trusted roots
 * @param cipherSuites Go names (which are the IANA names JSSE uses too); empty: Jetty's defaults
 * @param curvePreferences toolkit names (CurveP256...), in preference order; empty: the JVM's
 * @param clientAllowedSans empty: any SAN
 */
record TlsConfig(
    Path certFile,
    Path keyFile,
    ClientAuth clientAuth,
    Path clientCaFile,
    TlsVersion minVersion,
    TlsVersion maxVersion,
    List<String> cipherSuites,
    List<String> curvePreferences,
    boolean preferServerCipherSuites,
    List<String> clientAllowedSans) {

  /**
   * The suites the toolkit accepts: Go's {@code tls.CipherSuites()}, the ones Go considers secure.
   * The TLS 1.3 ones are accepted and, as in Go, change nothing (TLS 1.3 suites are not
   * configurable there).
   */
  static final Set<String> CIPHER_SUITES =
      Set.of(
          "TLS_RSA_WITH_AES_128_CBC_SHA",
          "TLS_RSA_WITH_AES_256_CBC_SHA",
          "TLS_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256");

  static final Set<String> TLS13_CIPHER_SUITES =
      Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** HTTP/2 over TLS 1.2 needs one of these (RFC 7540 9.2.2), as Go's http2 server insists. */
  static final Set<String> HTTP2_REQUIRED_CIPHER_SUITES =
      Set.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

  /** Toolkit curve name → JSSE named group. */
  static final Map<String, String> CURVES = curves();

  TlsConfig {
    cipherSuites = List.copyOf(cipherSuites);
    curvePreferences = List.copyOf(curvePreferences);
    clientAllowedSans = List.copyOf(clientAllowedSans);
  }

  private static Map<String, String> curves() {
    Map<String, String> curves = new LinkedHashMap<>();
    curves.put("CurveP256", "secp256r1");
    curves.put("CurveP384", "secp384r1");
    curves.put("CurveP521", "secp521r1");
    curves.put("X25519", "x25519");
    return java.util.Collections.unmodifiableMap(curves);
  }

  /** JSSE protocol names from {@code min_version} to {@code max_version}. */
  String[] protocols() {
    return Arrays.stream(TlsVersion.values())
        .filter(v -> v.compareTo(minVersion) >= 0 && v.compareTo(maxVersion) <= 0)
        .map(TlsVersion::jsseName)
        .toArray(String[]::new);
  }

  /** JSSE named groups of {@code curve_preferences}, in order. */
  String[] namedGroups() {
    return curvePreferences.stream().map(CURVES::get).toArray(String[]::new);
  }

  /** {@code client_auth_type}: Go's {@code tls.ClientAuthType} values. */
  enum ClientAuth {
    NO_CLIENT_CERT("NoClientCert", false, false, false),
    REQUEST_CLIENT_CERT("RequestClientCert", true, false, false),
    REQUIRE_ANY_CLIENT_CERT("RequireAnyClientCert", true, true, false),
    VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven", true, false, true),
    REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert", true, true, true);

    private final String configName;
    private final boolean requestsCertificate;
    private final boolean requiresCertificate;
    private final boolean verifiesCertificate;

    ClientAuth(String configName, boolean requests, boolean requires, boolean verifies) {
      this.configName = configName;
      this.requestsCertificate = requests;
      this.requiresCertificate = requires;
      this.verifiesCertificate = verifies;
    }

    static ClientAuth of(String configName) {
      if ("RequireClientCert".equals(configName)) {
        return REQUIRE_ANY_CLIENT_CERT; // the toolkit keeps this old name working
      }
      for (ClientAuth a : values()) {
        if (a.configName.equals(configName)) {
          return a;
        }
      }
      throw new WebConfigException(
          "tls_server_config: invalid client_auth_type: "
              + configName
              + " (one of "
              + Arrays.stream(values())
                  .map(ClientAuth::configName)
                  .collect(Collectors.joining(", "))
              + ")");
    }

    String configName() {
      return configName;
    }

    boolean requestsCertificate() {
      return requestsCertificate;
    }

    boolean requiresCertificate() {
      return requiresCertificate;
    }

    /** Whether the certificate must chain to {@code client_ca_file}; if not, any is taken. */
    boolean verifiesCertificate() {
      return verifiesCertificate;
    }
  }

  /** {@code min_version}/{@code max_version}, oldest first. */
  enum TlsVersion {
    TLS10("TLSv1"),
    TLS11("TLSv1.1"),
    TLS12("TLSv1.2"),
    TLS13("TLSv1.3");

    private final String jsseName;

    TlsVersion(String jsseName) {
      this.jsseName = jsseName;
    }

    static TlsVersion of(String configName) {
      for (TlsVersion v : values()) {
        if (v.name().equals(configName)) {
          return v;
        }
      }
      throw new WebConfigException(
          "tls_server_config: unknown TLS version: "
              + configName
              + " (one of TLS10, TLS11, TLS12, TLS13)");
    }

    String jsseName() {
      return jsseName;
    }
  }
}
