package io.promcc.app;

/** The version of this build. */
public final class Versions {
  private Versions() {}

  /** From the jar's manifest, or {@code development} when run from classes. */
  public static String current() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /**
   * What {@code promcc version} and {@code -V} print: this version, the Java runtime and the
   * Prometheus versions tested ("promcc 0.1.0 (Java 17.0.15+6); tested with Prometheus 2.53.3 and
   * 3.5.3"; docs/operations.md, "Prometheus versions", says which tests run on which).
   */
  public static String line() {
    return "promcc " + current() + " (Java " + Runtime.version()
        + "); tested with Prometheus 2.53.3 and 3.5.3";
  }
}
