package io.promcc.app;

/** The version of this build. */
public final class Versions {
  private Versions() {}

  /** From the jar's manifest, or {@code development} when run from classes. */
  public static String current() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
