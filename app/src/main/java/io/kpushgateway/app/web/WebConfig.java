package io.kpushgateway.app.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kpushgateway.app.web.TlsConfig.ClientAuth;
import io.kpushgateway.app.web.TlsConfig.TlsVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The web configuration file of the Prometheus exporter-toolkit ({@code --web.config.file}), with
 * its keys: {@code tls_server_config}, {@code http_server_config} and {@code basic_auth_users}.
 * Read strictly, as the toolkit's {@code UnmarshalStrict} does: unknown and repeated keys are
 * errors. Relative file names are relative to the directory of the configuration file.
 *
 * @param tls {@code null} when the file configures no certificate: plain HTTP
 * @param http2 offer HTTP/2 (only over TLS, as upstream)
 * @param headers response headers set on every answer, blank values left out
 * @param users user name to bcrypt hash; empty means no authentication
 */
record WebConfig(
    TlsConfig tls, boolean http2, Map<String, String> headers, Map<String, String> users) {

  /** The headers the toolkit lets a configuration set, with their allowed values (empty: any). */
  static final Map<String, List<String>> CONFIGURABLE_HEADERS =
      Map.of(
          "Strict-Transport-Security", List.of(),
          "X-Content-Type-Options", List.of("nosniff"),
          "X-Frame-Options", List.of("deny", "sameorigin"),
          "X-XSS-Protection", List.of(),
          "Content-Security-Policy", List.of());

  private static final ObjectMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  WebConfig {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
  }

  boolean basicAuth() {
    return !users.isEmpty();
  }

  /**
   * Reads and checks {@code file}; certificates and keys are loaded later, by {@link TlsSettings}.
   */
  static WebConfig read(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new WebConfigException("cannot read web config file " + file + ": " + e, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      return parse(content, dir);
    } catch (WebConfigException e) {
      throw new WebConfigException("web config file " + file + ": " + e.getMessage(), e);
    }
  }

  static WebConfig parse(String yaml, Path dir) {
    return parse(yaml.getBytes(StandardCharsets.UTF_8), dir);
  }

  static WebConfig parse(byte[] yaml, Path dir) {
    FileSchema file;
    try (JsonParser parser = YAML.createParser(yaml)) {
      // An empty file (or one holding only comments or "~") configures nothing, as upstream.
      JsonToken first = parser.nextToken();
      file =
          first == null || first == JsonToken.VALUE_NULL
              ? null
              : YAML.readValue(parser, FileSchema.class);
    } catch (UnrecognizedPropertyException e) {
      throw new WebConfigException(
          "line "
              + line(e)
              + ": field "
              + e.getPropertyName()
              + " not found in "
              + where(e.getPath().subList(0, e.getPath().size() - 1)),
          e);
    } catch (MismatchedInputException e) {
      throw new WebConfigException(
          "line "
              + line(e)
              + ": "
              + where(e.getPath())
              + ": expected "
              + describe(e.getTargetType()),
          e);
    } catch (JsonMappingException e) {
      throw new WebConfigException(
          "line "
              + line(e)
              + ": cannot read "
              + where(e.getPath())
              + ": "
              + firstLine(e.getOriginalMessage()),
          e);
    } catch (JsonProcessingException e) {
      throw new WebConfigException(
          "not valid YAML (line " + line(e) + "): " + firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new WebConfigException("not valid YAML: " + e.getMessage(), e);
    }
    if (file == null) {
      return new WebConfig(null, true, Map.of(), Map.of());
    }
    HttpSchema http = file.http() == null ? new HttpSchema(null, null) : file.http();
    TlsConfig tls = file.tls() == null ? null : tls(file.tls(), dir);
    boolean http2 = http.http2() == null || http.http2();
    if (tls != null
        && http2
        && tls.minVersion().compareTo(TlsVersion.TLS13) < 0
        && !tls.cipherSuites().isEmpty()
        && tls.cipherSuites().stream()
            .noneMatch(TlsConfig.HTTP2_REQUIRED_CIPHER_SUITES::contains)) {
      // Go's HTTP/2 server refuses such a list too: TLS 1.2 clients could not speak HTTP/2.
      throw new WebConfigException(
          "tls_server_config: with HTTP/2 on, cipher_suites needs one of "
              + new java.util.TreeSet<>(TlsConfig.HTTP2_REQUIRED_CIPHER_SUITES)
              + " (or set http_server_config.http2: false)");
    }
    return new WebConfig(tls, http2, headers(http.headers()), users(file.users()));
  }

  private static String where(List<JsonMappingException.Reference> path) {
    if (path.isEmpty()) {
      return "the top level";
    }
    return path.stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static int line(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }

  /** The YAML shape a Java type stands for, in the file's words. */
  private static String describe(Class<?> type) {
    if (type == null) {
      return "another value";
    } else if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping (key: value)";
    } else if (List.class.isAssignableFrom(type)) {
      return "a list";
    } else if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    } else if (type == String.class) {
      return "a string";
    }
    return type.getSimpleName();
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static TlsConfig tls(TlsSchema t, Path dir) {
    // As the toolkit: a section without cert, key, CA or client auth leaves TLS off.
    if (blank(t.certFile())
        && blank(t.keyFile())
        && blank(t.clientAuthType())
        && blank(t.clientCaFile())) {
      return null;
    }
    if (blank(t.certFile())) {
      throw new WebConfigException("tls_server_config: missing cert_file");
    }
    if (blank(t.keyFile())) {
      throw new WebConfigException("tls_server_config: missing key_file");
    }
    ClientAuth clientAuth =
        ClientAuth.of(blank(t.clientAuthType()) ? "NoClientCert" : t.clientAuthType());
    Path clientCa = blank(t.clientCaFile()) ? null : dir.resolve(t.clientCaFile());
    if (clientCa != null && clientAuth == ClientAuth.NO_CLIENT_CERT) {
      throw new WebConfigException(
          "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert;"
              + " set client_auth_type (RequireAndVerifyClientCert to authenticate clients)");
    }
    List<String> sans = List.copyOf(entries(t.clientAllowedSans(), "client_allowed_sans"));
    if (!sans.isEmpty() && !clientAuth.requiresCertificate()) {
      throw new WebConfigException(
          "tls_server_config: client_allowed_sans needs client_auth_type RequireAnyClientCert or"
              + " RequireAndVerifyClientCert (with "
              + clientAuth.configName()
              + " a client may send no certificate to match)");
    }
    TlsVersion min = TlsVersion.of(blank(t.minVersion()) ? "TLS12" : t.minVersion());
    TlsVersion max = TlsVersion.of(blank(t.maxVersion()) ? "TLS13" : t.maxVersion());
    if (min.compareTo(max) > 0) {
      throw new WebConfigException(
          "tls_server_config: min_version " + min.name() + " is above max_version " + max.name());
    }
    List<String> ciphers = new ArrayList<>();
    for (String cipher : entries(t.cipherSuites(), "cipher_suites")) {
      if (!TlsConfig.CIPHER_SUITES.contains(cipher)) {
        throw new WebConfigException("tls_server_config: unknown cipher: " + cipher);
      }
      ciphers.add(cipher);
    }
    List<String> curves = new ArrayList<>();
    for (String curve : entries(t.curvePreferences(), "curve_preferences")) {
      if (!TlsConfig.CURVES.containsKey(curve)) {
        throw new WebConfigException(
            "tls_server_config: unknown curve: "
                + curve
                + " (one of "
                + String.join(", ", TlsConfig.CURVES.keySet())
                + ")");
      }
      curves.add(curve);
    }
    return new TlsConfig(
        dir.resolve(t.certFile()),
        dir.resolve(t.keyFile()),
        clientAuth,
        clientCa,
        min,
        max,
        ciphers,
        curves,
        t.preferServerCipherSuites() == null || t.preferServerCipherSuites(),
        sans);
  }

  /** A list of the TLS section; an empty entry ({@code [a, ~]}) is refused, not read as null. */
  private static List<String> entries(List<String> configured, String key) {
    if (configured == null) {
      return List.of();
    }
    if (configured.contains(null)) {
      throw new WebConfigException("tls_server_config: " + key + ": an entry is empty");
    }
    return configured;
  }

  private static Map<String, String> headers(Map<String, String> configured) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (configured == null) {
      return headers;
    }
    for (Map.Entry<String, String> h : configured.entrySet()) {
      String value = h.getValue() == null ? "" : h.getValue();
      List<String> allowed = CONFIGURABLE_HEADERS.get(h.getKey());
      if (allowed == null) {
        throw new WebConfigException(
            "http_server_config: HTTP header \""
                + h.getKey()
                + "\" can not be configured (only "
                + String.join(", ", new java.util.TreeSet<>(CONFIGURABLE_HEADERS.keySet()))
                + ")");
      }
      if (!allowed.isEmpty() && !allowed.contains(value)) {
        throw new WebConfigException(
            "http_server_config: invalid value for "
                + h.getKey()
                + ": expected one of "
                + allowed
                + ", got \""
                + value
                + "\"");
      }
      if (!value.isBlank()) {
        headers.put(h.getKey(), value);
      }
    }
    return headers;
  }

  private static Map<String, String> users(Map<String, String> configured) {
    Map<String, String> users = new LinkedHashMap<>();
    if (configured == null) {
      return users;
    }
    for (Map.Entry<String, String> u : configured.entrySet()) {
      String hash = u.getValue() == null ? "" : u.getValue();
      try {
        BCrypt.Version.VERSION_2A.parser.parse(hash.getBytes(StandardCharsets.UTF_8));
      } catch (IllegalBCryptFormatException | IllegalArgumentException e) {
        // The message names the user and the defect, never the hash.
        throw new WebConfigException(
            "basic_auth_users: the password of user \""
                + u.getKey()
                + "\" is not a bcrypt hash ("
                + e.getMessage()
                + "); create one with: htpasswd -nBC 10 \"\" | tr -d ':\\n'");
      }
      users.put(u.getKey(), hash);
    }
    return users;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  // The file's schema, key for key; anything else in the file is an error.

  record FileSchema(
      @JsonProperty("tls_server_config") TlsSchema tls,
      @JsonProperty("http_server_config") HttpSchema http,
      @JsonProperty("basic_auth_users") Map<String, String> users) {}

  record TlsSchema(
      @JsonProperty("cert_file") String certFile,
      @JsonProperty("key_file") String keyFile,
      @JsonProperty("client_auth_type") String clientAuthType,
      @JsonProperty("client_ca_file") String clientCaFile,
      @JsonProperty("min_version") String minVersion,
      @JsonProperty("max_version") String maxVersion,
      @JsonProperty("cipher_suites") List<String> cipherSuites,
      @JsonProperty("curve_preferences") List<String> curvePreferences,
      @JsonProperty("prefer_server_cipher_suites") Boolean preferServerCipherSuites,
      @JsonProperty("client_allowed_sans") List<String> clientAllowedSans) {}

  record HttpSchema(
      @JsonProperty("http2") Boolean http2, @JsonProperty("headers") Map<String, String> headers) {}
}
