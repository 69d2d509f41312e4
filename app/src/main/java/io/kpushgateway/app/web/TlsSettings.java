package io.kpushgateway.app.web;

import io.kpushgateway.app.web.TlsConfig.ClientAuth;
import io.kpushgateway.app.web.TlsConfig.TlsVersion;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tls_server_config} made real: the certificate and key loaded, a JSSE {@link SSLContext}
 * built with the trust rules of {@code client_auth_type}, and the settings Jetty applies per
 * connection (protocol range, cipher suites and their order, client certificate policy, curves). We
 * build the {@code SSLContext} ourselves instead of handing Jetty a key store, because two of Go's
 * client-auth modes take a certificate without verifying it and {@code client_allowed_sans} needs a
 * check after verification; neither is a Jetty setting.
 */
final class TlsSettings {

  private static final Logger LOG = LoggerFactory.getLogger(TlsSettings.class);

  /** Jetty's own exclusions (weak suites), restored when a reload drops {@code cipher_suites}. */
  private static final String[] JETTY_EXCLUDED_CIPHER_SUITES =
      new SslContextFactory.Server().getExcludeCipherSuites();

  /** {@code SSLParameters.setNamedGroups}: Java 20 and later. */
  private static final Method SET_NAMED_GROUPS = namedGroupsSetter();

  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

  private final TlsConfig config;
  private final SSLContext context;

  private TlsSettings(TlsConfig config, SSLContext context) {
    this.config = config;
    this.context = context;
  }

  TlsConfig config() {
    return config;
  }

  /** Loads the certificate, key and client CAs and checks what JSSE can do of the rest. */
  static TlsSettings load(TlsConfig config) {
    List<X509Certificate> chain = PemFiles.certificates(config.certFile(), "cert_file");
    PrivateKey key = PemFiles.privateKey(config.keyFile(), "key_file");
    PemFiles.checkPair(chain.get(0), key, config.certFile(), config.keyFile());
    List<X509Certificate> clientCas =
        config.clientCaFile() == null
            ? List.of()
            : PemFiles.certificates(config.clientCaFile(), "client_ca_file");
    checkNamedGroups(config);
    if (config.minVersion().compareTo(TlsVersion.TLS12) < 0 && jvmDisablesOldTls()) {
      LOG.warn(
          "min_version {}: this JVM disables TLS 1.0 and 1.1 (security property"
              + " jdk.tls.disabledAlgorithms), so clients still need TLS 1.2 or later",
          config.minVersion());
    }
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
      // SunX509 serves the configured certificate as it is, like Go (no ranking by validity).
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
      kmf.init(keys, IN_MEMORY_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf.getKeyManagers(), new TrustManager[] {trustManager(config, clientCas)}, null);
      checkCipherSuites(config, context);
      return new TlsSettings(config, context);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new WebConfigException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Applies these settings to Jetty's factory, at start and (inside its reload) on change. */
  void applyTo(SslContextFactory.Server factory) {
    factory.setSslContext(context);
    factory.setIncludeProtocols(config.protocols());
    if (config.cipherSuites().isEmpty()) {
      factory.setIncludeCipherSuites();
      factory.setExcludeCipherSuites(JETTY_EXCLUDED_CIPHER_SUITES);
    } else {
      // Exactly the listed suites (Jetty's exclusions would silently drop TLS_RSA_*), plus the
      // TLS 1.3 ones, which Go does not let a configuration restrict either.
      Set<String> include = new LinkedHashSet<>(config.cipherSuites());
      include.addAll(TlsConfig.TLS13_CIPHER_SUITES);
      factory.setExcludeCipherSuites();
      factory.setIncludeCipherSuites(include.stream().map(Pattern::quote).toArray(String[]::new));
    }
    factory.setUseCipherSuitesOrder(config.preferServerCipherSuites());
    ClientAuth auth = config.clientAuth();
    factory.setNeedClientAuth(auth.requiresCertificate());
    factory.setWantClientAuth(auth.requestsCertificate() && !auth.requiresCertificate());
    factory.setRenegotiationAllowed(false); // Go's server never renegotiates
    if (factory instanceof GatewaySslContextFactory gateway) {
      gateway.namedGroups = config.namedGroups();
    }
  }

  private static X509ExtendedTrustManager trustManager(
      TlsConfig config, List<X509Certificate> clientCas)
      throws GeneralSecurityException, java.io.IOException {
    X509ExtendedTrustManager base;
    if (config.clientAuth().verifiesCertificate()) {
      KeyStore roots = null; // null: the JVM's trusted roots, as Go uses the system pool
      if (!clientCas.isEmpty()) {
        roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        for (int i = 0; i < clientCas.size(); i++) {
          roots.setCertificateEntry("client-ca-" + i, clientCas.get(i));
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(roots);
      base =
          Arrays.stream(tmf.getTrustManagers())
              .filter(X509ExtendedTrustManager.class::isInstance)
              .map(X509ExtendedTrustManager.class::cast)
              .findFirst()
              .orElseThrow(() -> new GeneralSecurityException("no X509 trust manager"));
    } else {
      base = new AnyClientCertificate(clientCas);
    }
    return config.clientAllowedSans().isEmpty()
        ? base
        : new AllowedSans(base, config.clientAllowedSans());
  }

  private static void checkCipherSuites(TlsConfig config, SSLContext context) {
    Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
    for (String suite : config.cipherSuites()) {
      if (!supported.contains(suite)) {
        throw new WebConfigException(
            "tls_server_config: cipher " + suite + " is not supported by this JVM");
      }
    }
  }

  private static void checkNamedGroups(TlsConfig config) {
    if (config.curvePreferences().isEmpty() || SET_NAMED_GROUPS != null) {
      return;
    }
    // Before Java 20 the groups are a JVM-wide setting read once; we cannot set them per server.
    String wanted = String.join(",", config.namedGroups());
    String jvm = System.getProperty("jdk.tls.namedGroups");
    if (jvm == null || !jvm.replace(" ", "").equalsIgnoreCase(wanted)) {
      throw new WebConfigException(
          "tls_server_config: curve_preferences needs Java 20 or later (this is Java "
              + Runtime.version().feature()
              + "); on this Java start the JVM with"
              + " -Djdk.tls.namedGroups="
              + wanted
              + " instead"
              + (jvm == null ? "" : " (it has -Djdk.tls.namedGroups=" + jvm + ")"));
    }
  }

  private static boolean jvmDisablesOldTls() {
    String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
    return disabled != null
        && Arrays.stream(disabled.split(",")).map(String::trim).anyMatch("TLSv1"::equals);
  }

  private static Method namedGroupsSetter() {
    try {
      return SSLParameters.class.getMethod("setNamedGroups", String[].class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** Jetty's server factory plus the per-connection curve order (Java 20+). */
  static final class GatewaySslContextFactory extends SslContextFactory.Server {
    volatile String[] namedGroups = new String[0];

    @Override
    public SSLParameters customize(SSLParameters parameters) {
      SSLParameters customized = super.customize(parameters);
      String[] groups = namedGroups;
      if (groups.length > 0 && SET_NAMED_GROUPS != null) {
        try {
          SET_NAMED_GROUPS.invoke(customized, (Object) groups);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot set TLS named groups", e);
        }
      }
      return customized;
    }
  }

  /**
   * RequestClientCert and RequireAnyClientCert: any certificate is taken, unverified, as Go does.
   * The CAs of {@code client_ca_file}, if any, are still announced to the client.
   */
  private static final class AnyClientCertificate extends X509ExtendedTrustManager {
    private final X509Certificate[] issuers;

    AnyClientCertificate(List<X509Certificate> issuers) {
      this.issuers = issuers.toArray(X509Certificate[]::new);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a server does not check server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }

  /**
   * {@code client_allowed_sans}: after the base check, the client certificate must carry one of the
   * listed DNS names, e-mail addresses, IP addresses or URIs as a subject alternative name.
   */
  static final class AllowedSans extends X509ExtendedTrustManager {
    private static final Pattern IP_LITERAL =
        Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final X509ExtendedTrustManager base;
    private final List<String> allowed;
    private final List<InetAddress> allowedIps;

    AllowedSans(X509ExtendedTrustManager base, List<String> allowed) {
      this.base = base;
      this.allowed = List.copyOf(allowed);
      List<InetAddress> ips = new ArrayList<>();
      for (String a : allowed) {
        ipLiteral(a).ifPresent(ips::add);
      }
      this.allowedIps = List.copyOf(ips);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      base.checkClientTrusted(chain, authType);
      checkSans(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      base.checkClientTrusted(chain, authType, socket);
      checkSans(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      base.checkClientTrusted(chain, authType, engine);
      checkSans(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      base.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      base.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      base.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return base.getAcceptedIssuers();
    }

    void checkSans(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException(
            "no client certificate to match against client_allowed_sans");
      }
      Collection<List<?>> sans;
      try {
        sans = chain[0].getSubjectAlternativeNames();
      } catch (CertificateParsingException e) {
        throw new CertificateException("cannot read the client certificate's SANs", e);
      }
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          Object value = san.get(1);
          if (type == 7 && value instanceof String ip) { // iPAddress: compare as addresses
            if (ipLiteral(ip).map(allowedIps::contains).orElse(false)) {
              return;
            }
          } else if ((type == 1 || type == 2 || type == 6) && allowed.contains(value)) {
            return; // rfc822Name, dNSName, uniformResourceIdentifier
          }
        }
      }
      throw new CertificateException(
          "the client certificate has none of client_allowed_sans " + allowed);
    }

    private static java.util.Optional<InetAddress> ipLiteral(String s) {
      if (!IP_LITERAL.matcher(s).matches()) {
        return java.util.Optional.empty(); // never resolve a name here
      }
      try {
        return java.util.Optional.of(InetAddress.getByName(s));
      } catch (UnknownHostException e) {
        return java.util.Optional.empty();
      }
    }
  }
}
