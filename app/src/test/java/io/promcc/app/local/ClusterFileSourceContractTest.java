package io.promcc.app.local;

import io.promcc.app.SourceErrors;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.GuestClusterSourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clusters file passes the contract of every cluster source, with the default watcher (file
 * events and a check every 2 s). Broken means a folder where the file should be: it exists but
 * cannot be read, so what it says is unknown. The waits for the file to hold still are on a
 * model of time (a list of no cluster is waited for 2 s, at every start here): the source is
 * the one the public constructor makes, but for its sleeper and ticker.
 */
class ClusterFileSourceContractTest extends GuestClusterSourceContract {
  @TempDir Path temp;

  private final Set<String> ids = new TreeSet<>();
  private final FileWatcher watcher = new FileWatcher();
  private final FakeTicker ticker = new FakeTicker();
  private Path file;

  @BeforeEach
  void emptyFile() {
    file = temp.resolve("clusters.yml");
    write();
  }

  @AfterEach
  void closeWatcher() {
    watcher.close();
  }

  @Override
  protected GuestClusterSource newSource() {
    return new ClusterFileSource(file, watcher, SourceErrors.NONE, ticker, ticker::advance);
  }

  @Override
  protected void addCluster(String id) {
    ids.add(id);
    write();
  }

  @Override
  protected void removeCluster(String id) {
    ids.remove(id);
    write();
  }

  @Override
  protected void breakSource() {
    try {
      Files.delete(file);
      Files.createDirectory(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void repair() {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write();
  }

  private void write() {
    StringBuilder yaml = new StringBuilder(ids.isEmpty() ? "[]\n" : "");
    for (String id : ids) {
      yaml.append("- id: ").append(id).append("\n  provider: aws\n  apiServer: https://")
          .append(id).append(".example\n");
    }
    try {
      Path next = Files.writeString(temp.resolve(".clusters.yml.tmp"), yaml);
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
