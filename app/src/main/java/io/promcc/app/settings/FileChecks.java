package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.vault.BoundedReads;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The start's checks of the files and folders its settings name (their attributes, and the
 * secrets and CA bundles read once), each waited for at most {@link
 * BoundedReads#DEFAULT_TIMEOUT} on a reader thread: any of them may sit on a volume that hangs
 * (a secret or CA bundle mounted from a volume, the output folder shared with Prometheus, an NFS
 * server gone: a stat or read blocks, and no interrupt stops it). One that does not end is a
 * bad setting naming the file, and the start ends with the others (exit 2), where it hung in
 * these checks before any adapter's own bound took effect. While a check given up has not ended,
 * the checks after it are given up at once, naming the file that hangs: a hung volume costs the
 * start one wait. Nothing is logged: the problems say it. Reader threads are daemons, so one a
 * check holds does not hold the JVM's exit.
 * Made for one reading of the settings; not for use by several threads at once.
 */
final class FileChecks {
  private final BoundedReads reads;
  private final Duration timeout;
  private final Consumer<String> volume;
  /** The file whose check was given up last, named by the checks given up at once after it. */
  private String hanging;

  /** The checks of the file system as it is. */
  static FileChecks ofFileSystem() {
    return new FileChecks(BoundedReads.DEFAULT_TIMEOUT, text -> {});
  }

  /**
   * @param timeout how long a check is waited for
   * @param volume reached on the reader thread before each check with the file's text (a seam
   *     for tests, whose hangs it is)
   */
  FileChecks(Duration timeout, Consumer<String> volume) {
    this.timeout = requireNonNull(timeout, "timeout == null");
    this.volume = requireNonNull(volume, "volume == null");
    // the problem says it: nothing logged, before the start sets up its logging
    this.reads = BoundedReads.unlogged("file given", "settings", timeout);
  }

  /**
   * What {@code check} answers for {@code text}, run on a reader thread.
   *
   * @throws IllegalArgumentException what {@code check} throws, or, if it did not end in time
   *     or was given up at once, a problem that says so
   */
  <T> T check(String text, Function<String, T> check) {
    try {
      return reads.read(Quoting.quote(text), () -> {
        volume.accept(text);
        return check.apply(text);
      });
    } catch (BoundedReads.Unanswered e) {
      if (e.waited()) {
        hanging = text;
        throw new IllegalArgumentException("was not read: its read did not end within "
            + shown(timeout) + " (is its volume hanging?)");
      }
      throw new IllegalArgumentException("was not read: the read of " + (hanging == null
          ? "another file given" : Quoting.quote(hanging)) + " has not ended (is its volume "
          + "hanging?)");
    }
  }

  /** {@code 10s}, {@code 200ms}: as durations are given. */
  private static String shown(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
