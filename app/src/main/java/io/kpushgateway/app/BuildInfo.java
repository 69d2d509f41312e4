package io.kpushgateway.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * What the running jar was built from, as recorded by the build in kpushgateway-build.properties.
 */
final class BuildInfo {

  private static final Properties BUILD = load();

  private BuildInfo() {}

  static String version() {
    return get("version", "dev");
  }

  static String revision() {
    return get("revision", "unknown");
  }

  /** Upstream's build_information keys; the JVM's version stands in for goVersion. */
  static Map<String, String> information() {
    return Map.of(
        "branch", get("branch", ""),
        "buildDate", get("buildDate", ""),
        "buildUser", "",
        "javaVersion", Runtime.version().toString(),
        "revision", revision(),
        "version", version());
  }

  private static String get(String key, String fallback) {
    String v = BUILD.getProperty(key, "");
    // An unfiltered placeholder means the resource was not built by Maven (e.g. an IDE run).
    return v.isEmpty() || v.startsWith("${") ? fallback : v;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/kpushgateway-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
