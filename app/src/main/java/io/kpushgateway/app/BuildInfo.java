package io.kpushgateway.app;

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
}
