package io.promcc.core.testing;

import io.promcc.core.plan.ScrapeProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scrape profiles for tests and benchmarks that compare config shapes: the
 * {@linkplain #legacy() legacy} profile (one Prometheus job per template, the default before the
 * system templates shared a job) next to {@link ScrapeProfile#defaultProfile()}. Thread-safe.
 */
public final class Profiles {
  private static final String LEGACY = "legacy-profile.yml";

  private Profiles() {}

  /** The legacy profile: the default profile's templates, each in a job of its own. */
  public static ScrapeProfile legacy() {
    return ScrapeProfile.parse(legacyText(), LEGACY);
  }

  /** The legacy profile's YAML text. */
  public static String legacyText() {
    try (InputStream in = Profiles.class.getResourceAsStream(LEGACY)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + LEGACY);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A profile of the repository's {@code examples} folder, e.g.
   * {@code profile-original-2021.yml}: found from the module folder (Maven's {@code basedir},
   * else the working folder), whose parent is the repository root.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ScrapeProfile example(String fileName) {
    Path file = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
        .getParent().resolve("examples").resolve(fileName);
    try {
      return ScrapeProfile.parse(Files.readString(file), fileName);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A profile by name: {@code default} or {@code legacy}, else a file path.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ScrapeProfile named(String name) {
    return switch (name) {
      case "default" -> ScrapeProfile.defaultProfile();
      case "legacy" -> legacy();
      default -> {
        try {
          java.nio.file.Path file = java.nio.file.Path.of(name);
          yield ScrapeProfile.parse(java.nio.file.Files.readString(file),
              file.getFileName().toString());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
