package io.promcc.app.settings;

import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Refuses a folder the controller reads that is its output folder ({@code --out}) or lies
 * inside it. A certificate folder there is read back from the controller's own files: the
 * certificates it wrote become its input (a first start leaves every cluster out, its files not
 * owned; later the controller feeds on what it wrote), and a folder equal to {@code --out} takes
 * every write of the config for a change of certificates. The local CA's state folder there puts
 * the CA's key in the folder shared with Prometheus, beside files the controller writes, named
 * alike ({@code certs/ca-key.pem} is also the key of a cluster named {@code ca}).
 *
 * <p>An output folder below one of them is no overlap: the certificate folder is read for
 * {@code <id>-*.pem} at its top only, and the local CA reads only its own names.
 *
 * <p>Real paths are compared (links resolved; the part of a path not made yet taken as written,
 * {@code ..} normalised), part by part. Stateless.
 */
public final class FolderOverlaps {
  private FolderOverlaps() {}

  /** Adds a problem for each folder read from inside {@code out}; nulls were reported already. */
  static void refuse(SettingsReader r, Path out, CertificateMode certificates,
      Optional<Path> certDir, Path stateDir) {
    if (out == null) {
      return;
    }
    if (certificates == CertificateMode.DIR && certDir.isPresent()) {
      refuseInside(r, "cert-dir", certDir.get(), out,
          "promcc would read the files it writes there as certificates");
    }
    if (certificates == CertificateMode.LOCAL_CA && stateDir != null) {
      refuseInside(r, "state-dir", stateDir, out, "the local CA's key would be in the folder "
          + "shared with Prometheus, beside the files promcc writes there");
    }
  }

  /**
   * Whether {@code folder} lies below {@code out} (not {@code out} itself), real paths compared:
   * {@code promcc render}, which has no watch, reads a certificate folder equal to its output
   * folder for its top-level {@code <id>-*.pem} only, and the certificates below as its own.
   */
  public static boolean below(Path folder, Path out) {
    Path realFolder = realPath(folder.toAbsolutePath().normalize());
    Path realOut = realPath(out.toAbsolutePath().normalize());
    return realFolder.startsWith(realOut) && !realFolder.equals(realOut);
  }

  private static void refuseInside(SettingsReader r, String name, Path folder, Path out,
      String why) {
    Path realFolder = realPath(folder);
    Path realOut = realPath(out);
    if (!realFolder.startsWith(realOut)) {
      return;
    }
    String links = realFolder.equals(folder) && realOut.equals(out) ? ""
        : "; real paths " + Quoting.quote(realFolder.toString()) + " and "
            + Quoting.quote(realOut.toString());
    r.bad(name, "must be a folder outside --out " + Quoting.quote(out.toString()) + " (" + why
        + links + ")");
  }

  /**
   * {@code path} (absolute and normalised) with every link of its existing part resolved; the
   * rest, not made yet, as written. A part that cannot be resolved (no permission) is taken as
   * written.
   */
  static Path realPath(Path path) {
    Deque<Path> missing = new ArrayDeque<>();
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException | SecurityException e) {
      return path;
    }
    for (Path name : missing) {
      real = real.resolve(name);
    }
    return real;
  }
}
