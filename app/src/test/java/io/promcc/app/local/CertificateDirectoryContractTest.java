package io.promcc.app.local;

import io.promcc.app.SourceErrors;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateSourceContract;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate folder passes the contract of every certificate source, watched by the default
 * watcher. Broken means the folder is gone.
 */
class CertificateDirectoryContractTest extends CertificateSourceContract {
  @TempDir Path temp;

  private final FileWatcher watcher = new FileWatcher();
  private Path folder;

  @BeforeEach
  void folder() throws IOException {
    folder = Files.createDirectories(temp.resolve("certs"));
  }

  @AfterEach
  void closeWatcher() {
    watcher.close();
  }

  @Override
  protected CertificateSource newSource() {
    return new CertificateDirectory(folder, watcher, Clock.systemUTC(), SourceErrors.NONE);
  }

  @Override
  protected void provide(String id) {
    try {
      Files.writeString(folder.resolve(id + "-ca.pem"), TestCertificates.read("ca.pem"));
      Files.writeString(folder.resolve(id + "-crt.pem"), TestCertificates.read("client.pem"));
      Files.writeString(folder.resolve(id + "-key.pem"), TestCertificates.read("client-key.pem"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void breakSource() {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
