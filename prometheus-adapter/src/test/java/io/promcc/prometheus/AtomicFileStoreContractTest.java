package io.promcc.prometheus;

import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The real store passes the same contract as the core's fake. */
class AtomicFileStoreContractTest extends ConfigStoreContract {
  @TempDir Path temp;
  private Path root;

  @Override
  protected ConfigStore newStore() {
    root = temp.resolve("out-" + System.nanoTime());
    return newStore(root);
  }

  /** The store under test; without a watch at this size. */
  AtomicFileStore newStore(Path root) {
    return new AtomicFileStore(root);
  }

  @Override
  protected void placeUnowned(String path, String content) {
    try {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Optional<String> contentAt(String path) {
    Path file = root.resolve(path);
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
