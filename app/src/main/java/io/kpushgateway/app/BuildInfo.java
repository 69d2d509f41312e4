package io.kpushgateway.app;

import java.util.Map;

/** Version of the running jar, from its manifest ("dev" when run from classes). */
final class BuildInfo {
  private BuildInfo() {}

  static String version() {
    String v = BuildInfo.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static String revision() {
    String r = System.getProperty("kpushgateway.revision");
    return r == null ? "unknown" : r;
  }

  /** Upstream's build_information keys; the JVM's version stands in for goVersion. */
  static Map<String, String> information() {
    return Map.of(
        "branch", "",
        "buildDate", "",
        "buildUser", "",
        "javaVersion", Runtime.version().toString(),
        "revision", revision(),
        "version", version());
  }
}
