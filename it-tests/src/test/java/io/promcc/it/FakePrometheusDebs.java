package io.promcc.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A download cache of {@code scripts/prometheus-tools.sh} holding {@code prometheus} and
 * {@code promtool} packages built here with {@code dpkg-deb}, whose tools are shell scripts that
 * say their version and accept any {@code promtool check config}: the script installs from it
 * as from Debian's packages, without the network.
 */
final class FakePrometheusDebs {
  private FakePrometheusDebs() {}

  /**
   * Fills {@code folder} (a release line's cache folder) with the two packages of Debian version
   * {@code packageVersion} (such as {@code 2.53.3+ds1-2}), their SHA256SUMS and origin, as the
   * script keeps them; {@code build} is a scratch folder.
   */
  static void cache(Path folder, String packageVersion, Path build)
      throws IOException, InterruptedException {
    Files.createDirectories(folder);
    StringBuilder sums = new StringBuilder();
    for (String tool : List.of("prometheus", "promtool")) {
      Path root = Files.createDirectories(build.resolve(tool));
      Files.createDirectories(root.resolve("DEBIAN"));
      Files.writeString(root.resolve("DEBIAN/control"), "Package: " + tool + "\nVersion: "
          + packageVersion + "\nArchitecture: all\nMaintainer: promcc <tests@promcc.test>\n"
          + "Description: a " + tool + " that only says its version\n");
      Files.createDirectories(root.resolve("usr/bin"));
      tool(root.resolve("usr/bin").resolve(tool), tool,
          packageVersion.substring(0, packageVersion.lastIndexOf('-')));
      String deb = tool + "_" + packageVersion + "_all.deb";
      Process dpkg = new ProcessBuilder("dpkg-deb", "--root-owner-group", "--build",
          root.toString(), folder.resolve(deb).toString()).redirectErrorStream(true).start();
      String said = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!dpkg.waitFor(60, TimeUnit.SECONDS) || dpkg.exitValue() != 0) {
        dpkg.destroyForcibly();
        throw new IOException("dpkg-deb --build " + root + " failed: " + said);
      }
      sums.append(sha256(folder.resolve(deb))).append("  ").append(deb).append('\n');
    }
    Files.writeString(folder.resolve("SHA256SUMS"), sums);
    Files.writeString(folder.resolve("origin"), "package_version=" + packageVersion
        + "\nsource=built by the test\nfetched=2026-12-07T10:00:00Z\n");
    try (var files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(folder.getParent(),
        PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * Writes an executable {@code file} that says "{@code name}, version {@code version} (fake)"
   * to {@code --version}, as Prometheus' tools say theirs, and exits 0 for anything else.
   */
  static void tool(Path file, String name, String version) throws IOException {
    Files.writeString(file, "#!/bin/sh\nif [ \"$1\" = --version ]; then\n  echo '" + name
        + ", version " + version + " (fake)'\nfi\nexit 0\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
