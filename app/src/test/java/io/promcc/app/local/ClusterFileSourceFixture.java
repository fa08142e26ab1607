package io.promcc.app.local;

import io.promcc.app.SourceErrors;
import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of {@link ClusterFileSource} share: a clusters file in a temporary folder, and
 * a watcher that has no file events and checks only when told ({@link FileWatcher#checkNow()}),
 * so each step is deterministic. Sources wait for the file to hold still on a model of time
 * ({@link #settleTicker}, {@link #writer}), never for real.
 */
abstract class ClusterFileSourceFixture {
  static final Duration PATIENCE = Duration.ofSeconds(30);
  static final String ALPHA = """
      - id: alpha
        provider: aws
        apiServer: https://alpha.example
      """;
  static final String BETA = """
      - id: beta
        provider: kvm
        apiServer: https://beta.example:6443
      """;

  @TempDir Path temp;

  final MutableClock clock = MutableClock.startingNow();
  /** The time of the waits for the file to hold still: {@link WriterAtWork} moves it. */
  final FakeTicker settleTicker = new FakeTicker();
  final FileWatcher watcher = new FileWatcher(Duration.ofHours(1), clock, false);
  final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  final AtomicInteger changes = new AtomicInteger();
  ClusterFileSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
    watcher.close();
  }

  Path file() {
    return temp.resolve("clusters.yml");
  }

  void write(String yaml) throws IOException {
    Path next = Files.writeString(temp.resolve(".clusters.yml.tmp"), yaml);
    Files.move(next, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The source's waits for the file to hold still, on a model of time instead of sleeping: a
   * writer that finishes the file some time after a partial write does so in the wait that
   * reaches that moment.
   */
  final class WriterAtWork implements Sleeper {
    private Duration waited = Duration.ZERO;
    private String rest;
    private Duration restAfter;

    /** Writes {@code text} in place once the source has waited {@code after} from now. */
    void finishes(String text, Duration after) {
      rest = text;
      restAfter = after;
      waited = Duration.ZERO;
    }

    @Override
    public void sleep(Duration duration) {
      settleTicker.advance(duration);
      waited = waited.plus(duration);
      if (rest != null && waited.compareTo(restAfter) >= 0) {
        try {
          Files.writeString(file(), rest);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        rest = null;
      }
    }
  }

  final WriterAtWork writer = new WriterAtWork();

  /** A started source; {@link #changes} counts from after the start. */
  ClusterFileSource started(Path file) {
    source = new ClusterFileSource(file, watcher, errors, settleTicker, writer);
    source.addChangeListener(changes::incrementAndGet);
    source.start();
    changes.set(0);
    return source;
  }

  List<String> listed() {
    return source.snapshot().clusters().stream().map(c -> c.id().value()).toList();
  }
}
