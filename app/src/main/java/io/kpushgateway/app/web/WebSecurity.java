package io.kpushgateway.app.web;

import io.javalin.config.JavalinConfig;
import io.kpushgateway.app.util.Periodic;
import io.kpushgateway.app.web.TlsSettings.GatewaySslContextFactory;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --web.config.file} applied to the gateway's one HTTP server: TLS on its connector (with
 * HTTP/2 through ALPN unless {@code http2: false}), and the headers and basic auth in a filter in
 * front of every route.
 *
 * <p>The file and the certificate, key and CA files it names are checked for changes every second,
 * and a changed set is applied without a restart: users, headers, certificates, client CAs, client
 * auth, TLS versions and cipher suites (new connections get them). Turning TLS on or off, or
 * HTTP/2, needs a restart, as upstream. While the file is broken every request is answered {@code
 * 500}, as upstream (which re-reads it on each request).
 */
public final class WebSecurity implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebSecurity.class);

  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  /** What the filter applies now: a configuration, or why there is none. */
  record Active(WebConfig config, BasicAuth auth, String failure) {
    static Active of(WebConfig config) {
      return new Active(config, config.basicAuth() ? new BasicAuth(config.users()) : null, null);
    }
  }

  private final Path file;
  private final boolean tls;
  private final boolean http2;
  private volatile Active active;
  private TlsSettings tlsSettings;
  private GatewaySslContextFactory sslFactory;
  private byte[] fingerprint;
  private String lastFailure;
  private Periodic watcher;

  private WebSecurity(Path file, WebConfig config, TlsSettings tlsSettings, byte[] fingerprint) {
    this.file = file;
    this.tls = tlsSettings != null;
    this.http2 = config.http2();
    this.tlsSettings = tlsSettings;
    this.active = Active.of(config);
    this.fingerprint = fingerprint;
  }

  /**
   * Reads and checks {@code file} (blank: no file, plain HTTP without auth), loading every
   * certificate and key it names.
   *
   * @throws WebConfigException naming the file and the problem
   */
  public static WebSecurity load(String file) {
    if (file == null || file.isBlank()) {
      return new WebSecurity(
          null, new WebConfig(null, false, java.util.Map.of(), java.util.Map.of()), null, null);
    }
    Path path = Path.of(file);
    byte[] fingerprint = fingerprint(path);
    WebConfig config = WebConfig.read(path);
    TlsSettings tls = loadTls(path, config);
    return new WebSecurity(path, config, tls, fingerprint);
  }

  private static TlsSettings loadTls(Path path, WebConfig config) {
    if (config.tls() == null) {
      return null;
    }
    try {
      return TlsSettings.load(config.tls());
    } catch (WebConfigException e) {
      throw new WebConfigException("web config file " + path + ": " + e.getMessage(), e);
    }
  }

  public boolean tls() {
    return tls;
  }

  /** "https" or "http", for logs. */
  public String scheme() {
    return tls ? "https" : "http";
  }

  /**
   * Installs the filter, and for TLS the connector on {@code listen}, into a Javalin configuration;
   * then starts watching the file.
   */
  public void applyTo(JavalinConfig cfg, InetSocketAddress listen) {
    if (file == null) {
      return; // no file: nothing in front of the routes, as upstream without --web.config.file
    }
    cfg.jetty.modifyServletContextHandler(
        handler ->
            handler.addFilter(
                new FilterHolder(new SecurityFilter(() -> active)),
                "/*",
                EnumSet.of(DispatcherType.REQUEST)));
    if (tls) {
      sslFactory = new GatewaySslContextFactory();
      tlsSettings.applyTo(sslFactory);
      cfg.jetty.addConnector((server, httpConfig) -> tlsConnector(server, httpConfig, listen));
    }
    LOG.info(
        "web config {}: TLS {}{}, basic auth {}",
        file,
        tls ? "on" : "off",
        tls ? (http2 ? " with HTTP/2" : " without HTTP/2") : "",
        active.config().basicAuth() ? "on (" + active.config().users().size() + " users)" : "off");
    watcher = Periodic.start("web-config-watcher", CHECK_INTERVAL, this::checkForChanges);
  }

  private ServerConnector tlsConnector(
      org.eclipse.jetty.server.Server server,
      HttpConfiguration httpConfig,
      InetSocketAddress listen) {
    HttpConfiguration https = new HttpConfiguration(httpConfig);
    // Go serves its one certificate whatever name the client asked for: no SNI host check.
    https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
    HttpConnectionFactory http1 = new HttpConnectionFactory(https);
    ServerConnector connector;
    if (http2) {
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
      alpn.setDefaultProtocol(http1.getProtocol());
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(sslFactory, alpn.getProtocol()), alpn, h2, http1);
    } else {
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(sslFactory, http1.getProtocol()), http1);
    }
    connector.setHost(listen.getHostString());
    connector.setPort(listen.getPort());
    return connector;
  }

  /** One watcher tick: reload when the file or a file it names changed. */
  void checkForChanges() {
    try {
      byte[] now = fingerprint(file);
      if (Arrays.equals(now, fingerprint)) {
        return;
      }
      fingerprint = now;
      reload();
    } catch (RuntimeException e) {
      LOG.error("checking web config file {} failed", file, e);
    }
  }

  private void reload() {
    WebConfig config;
    TlsSettings newTls;
    try {
      config = WebConfig.read(file);
      newTls = loadTls(file, config);
    } catch (WebConfigException e) {
      active = new Active(null, null, e.getMessage());
      if (!e.getMessage().equals(lastFailure)) {
        LOG.error("{}; answering every request 500 until it is fixed", e.getMessage());
      }
      lastFailure = e.getMessage();
      return;
    }
    lastFailure = null;
    List<String> needRestart = new ArrayList<>();
    if ((newTls != null) != tls) {
      needRestart.add("TLS stays " + (tls ? "on" : "off"));
    }
    if (tls && newTls != null && config.http2() != http2) {
      needRestart.add("HTTP/2 stays " + (http2 ? "on" : "off"));
    }
    if (tls && newTls != null) {
      try {
        sslFactory.reload(f -> newTls.applyTo((SslContextFactory.Server) f));
        tlsSettings = newTls;
      } catch (Exception e) {
        active = new Active(null, null, "cannot apply the new TLS settings: " + e.getMessage());
        LOG.error("web config file {}: cannot apply the new TLS settings; answering 500", file, e);
        return;
      }
    }
    active = Active.of(config);
    LOG.info("web config file {} reloaded", file);
    if (!needRestart.isEmpty()) {
      LOG.warn("web config file {}: {} until a restart", file, String.join(", ", needRestart));
    }
  }

  /**
   * A digest of the file and of the certificate, key and CA files it names, so a renewed
   * certificate is noticed even when the configuration file itself is unchanged.
   */
  private static byte[] fingerprint(Path file) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
    byte[] content = readOrError(file, sha);
    if (content != null) {
      try {
        WebConfig config = WebConfig.parse(content, file.toAbsolutePath().getParent());
        if (config.tls() != null) {
          readOrError(config.tls().certFile(), sha);
          readOrError(config.tls().keyFile(), sha);
          if (config.tls().clientCaFile() != null) {
            readOrError(config.tls().clientCaFile(), sha);
          }
        }
      } catch (WebConfigException e) {
        // The file's bytes are in the digest already; reload() reports the problem.
      }
    }
    return sha.digest();
  }

  private static byte[] readOrError(Path path, MessageDigest sha) {
    try {
      byte[] content = Files.readAllBytes(path);
      sha.update(content);
      return content;
    } catch (IOException e) {
      sha.update(("unreadable " + e).getBytes(StandardCharsets.UTF_8));
      return null;
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
