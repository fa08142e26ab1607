package io.promcc.app.local;

import io.promcc.app.SourceErrors;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateSourceContract;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA passes the contract of every certificate source. It issues to every cluster it is
 * asked about, so "provided" needs nothing; a cluster is withheld by a folder where its key file
 * must go, and the whole source broken by a file where the client certificate folder must be.
 */
class LocalCaContractTest extends CertificateSourceContract {
  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();

  private Path state() {
    return temp.resolve("state");
  }

  @Override
  protected CertificateSource newSource() {
    return new LocalCa(state(), Duration.ofDays(30), clock, SourceErrors.NONE);
  }

  @Override
  protected void provide(String id) {}

  @Override
  protected void withhold(String id) {
    try {
      Path blocker = Files.createDirectories(state().resolve("clients").resolve(id + "-key.pem"));
      Files.writeString(blocker.resolve("in-the-way"), "x");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void breakSource() {
    Path clients = state().resolve("clients");
    try {
      if (Files.exists(clients)) {
        try (Stream<Path> files = Files.walk(clients)) {
          for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.writeString(clients, "not a folder");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Instant now() {
    return clock.instant();
  }
}
