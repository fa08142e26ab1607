package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate file of several GiB (sparse: no disk used) is bad input: a problem of its
 * cluster, never an Error out of {@code observe} (which the reconcile loop does not expect).
 */
class OversizedCertificateFilesTest {
  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);

  private static void huge(Path file) throws Exception {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(3L << 30);
    }
  }

  private static List<GuestCluster> alpha() {
    return List.of(GuestCluster.of("alpha", "aws", "https://alpha.example"));
  }

  /** Runs {@code observe}; an Error is a test failure (JUnit would end the JVM on an OOME). */
  private static CertificateObservation observed(java.util.function.Supplier<
      CertificateObservation> observe) {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try {
      return observe.get();
    } catch (Throwable t) {
      thrown.set(t);
    }
    throw new AssertionError("observe threw " + thrown.get());
  }

  @Test
  void aHugeFileInTheCertificateFolderIsTheClustersProblem() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("certs"));
    huge(folder.resolve("alpha-ca.pem"));
    Files.writeString(folder.resolve("alpha-crt.pem"), "x");
    Files.writeString(folder.resolve("alpha-key.pem"), "x");
    CertificateDirectory source = new CertificateDirectory(folder, null, clock, errors);

    CertificateObservation seen = observed(() -> source.observe(alpha()));

    assertEquals("certificate-invalid", seen.problems().get(ClusterId.of("alpha")).reason());
  }

  @Test
  void aHugeStoredClientCertificateOfTheLocalCaIsReplaced() throws Exception {
    Path state = temp.resolve("state");
    LocalCa first = new LocalCa(state, Duration.ofDays(30), clock, errors);
    first.start();
    first.observe(alpha());
    first.close();
    huge(state.resolve("clients/alpha-crt.pem"));
    LocalCa again = new LocalCa(state, Duration.ofDays(30), clock, errors);
    again.start();

    CertificateObservation seen = observed(() -> again.observe(alpha()));

    assertEquals(1, seen.bundles().size(), seen.problems().toString());
    again.close();
  }
}
