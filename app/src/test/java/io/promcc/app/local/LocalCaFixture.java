package io.promcc.app.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of {@link LocalCa} share: a state folder in a temporary folder, an injected
 * clock, the reports to {@link SourceErrors}, and every CA made closed after each test.
 */
abstract class LocalCaFixture {
  static final Duration VALIDITY = Duration.ofDays(30);

  @TempDir Path temp;

  final MutableClock clock = MutableClock.startingNow();
  final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  final List<LocalCa> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(LocalCa::close);
  }

  Path state() {
    return temp.resolve("state");
  }

  LocalCa ca(Path folder, Duration validity) {
    LocalCa ca = new LocalCa(folder, validity, clock, errors);
    opened.add(ca);
    return ca;
  }

  LocalCa started() {
    LocalCa ca = ca(state(), VALIDITY);
    ca.start();
    return ca;
  }

  static CertificateObservation observe(LocalCa ca, String... ids) {
    return ca.observe(Arrays.stream(ids)
        .map(id -> GuestCluster.of(id, "aws", "https://" + id + ".example")).toList());
  }

  static CertificateBundle bundle(CertificateObservation seen, String id) {
    CertificateBundle bundle = seen.bundles().get(ClusterId.of(id));
    if (bundle == null) {
      throw new AssertionError("no bundle for " + id + ": " + seen.problems());
    }
    return bundle;
  }

  static Rejection problem(CertificateObservation seen, String id) {
    Rejection problem = seen.problems().get(ClusterId.of(id));
    if (problem == null) {
      throw new AssertionError("no problem for " + id);
    }
    return problem;
  }

  static Instant renewalOf(CertificateBundle bundle) {
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    Instant notBefore = certificate.getNotBefore().toInstant();
    return notBefore.plus(Duration.between(notBefore, bundle.notAfter()).multipliedBy(2)
        .dividedBy(3));
  }

  /** The base64 lines of every private key in the state folder, to look for in messages. */
  List<String> keyLines() throws IOException {
    List<String> lines = new ArrayList<>();
    try (var files = Files.walk(state())) {
      for (Path file : files.filter(f -> f.toString().endsWith("key.pem")).toList()) {
        Files.readAllLines(file).stream().filter(l -> !l.startsWith("-----")).forEach(lines::add);
      }
    }
    return lines;
  }

  /**
   * Makes paths read-only for this process: by mode when it runs as an ordinary user, by the
   * immutable attribute (chattr +i) when it runs as root, whom modes do not stop.
   */
  static final class ReadOnly implements AutoCloseable {
    private final List<Path> paths;
    private final boolean immutable;

    private ReadOnly(List<Path> paths, boolean immutable) {
      this.paths = paths;
      this.immutable = immutable;
    }

    static ReadOnly of(Path... paths) throws Exception {
      for (Path path : paths) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "r-x------" : "r--------"));
      }
      if (!Files.isWritable(paths[1])) {
        return new ReadOnly(List.of(paths), false);
      }
      // root: modes do not stop it
      for (Path path : paths) {
        assumeTrue(chattr("+i", path), "chattr +i is not available");
      }
      return new ReadOnly(List.of(paths), true);
    }

    private static boolean chattr(String flag, Path path) throws Exception {
      try {
        Process process = new ProcessBuilder("chattr", flag, path.toString())
            .redirectErrorStream(true).start();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() throws Exception {
      for (Path path : paths) {
        if (immutable) {
          chattr("-i", path);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "rwx------" : "rw-------"));
      }
    }
  }
}
