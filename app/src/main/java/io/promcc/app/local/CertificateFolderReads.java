package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.vault.BoundedReads;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The reads of a {@link CertificateDirectory}'s folder, each made on a reader thread and waited
 * for at most a bound (10 s; a {@code BoundedReads} of the Vault adapter's, as the credential
 * files are read): the start's ({@link StartReads}), the wait for the sources', made and waited
 * for on a thread of their own so that the wait ends at its own deadline, and the
 * observations'. While a read given up has not ended, the reads are not begun, the hang their
 * answer: the hang is logged once (a warning) and its end once (at info level), not once per
 * read meanwhile (the wait for the sources asks every 100 ms at start), nor per read begun
 * before the first was given up ({@code BoundedReads.Lines.ITS_END}). Thread-safe.
 */
final class CertificateFolderReads implements AutoCloseable {
  private final Path directory;
  private final Duration bound;
  private final Consumer<Path> volume;
  private final StartReads startReads; // the first read's bound
  private final BoundedReads reads; // every later read's
  /** Where the wait for the sources' reads are waited for, off its caller. */
  private final ExecutorService syncReads;
  private final String hung; // the folder's problem while a read of it hangs
  /** A read given up has not ended: none is begun, nor given up with a line of its own. */
  private volatile boolean hanging;

  /**
   * @param volume reached with the folder as a read of it begins, on its reader thread (a seam
   *     for tests: their volume that hangs)
   */
  CertificateFolderReads(Path directory, Duration bound, Consumer<Path> volume) {
    this.directory = requireNonNull(directory, "directory == null");
    this.bound = requireNonNull(bound, "bound == null");
    this.volume = requireNonNull(volume, "volume == null");
    this.startReads = new StartReads(bound, folder -> { });
    // one folder, asked for again and again while it hangs: the hang and its end, once each,
    // however many reads were under way as the first was given up
    this.reads = new BoundedReads(CertificateDirectory.class, "certificate folder", "cert-dir",
        bound, hang -> hanging = hang, BoundedReads.Lines.ITS_END);
    this.syncReads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "promcc-cert-dir-sync");
      thread.setDaemon(true); // its wait for a read is bounded, but holds no exit
      return thread;
    });
    this.hung = "certificate folder " + quoted() + " was not read: a read of it did not end "
        + "within " + StartReads.shown(bound) + " (is its volume hanging?)";
  }

  /** How long a read is waited for. */
  Duration bound() {
    return bound;
  }

  /** The folder's problem while a read of it hangs. */
  String hung() {
    return hung;
  }

  /**
   * The start's read of the folder: its {@link #problem()}, or null.
   *
   * @throws io.promcc.core.model.ValidationException if it did not end within the bound
   */
  String atStart() {
    return startReads.read(directory, "certificate folder", this::problem);
  }

  /** {@link #bounded()} made on a thread of its own (once {@link #close() closed}, none). */
  CompletableFuture<String> beginBounded() {
    return CompletableFuture.supplyAsync(this::bounded, syncReads);
  }

  /** {@link #problem()} waited for at most the bound: a read that hangs is {@link #hung}. */
  String bounded() {
    return read(this::problem, hung);
  }

  /**
   * What {@code read} gives, waited for at most the bound; {@code ifHung} if it hangs, or while
   * a read given up has not ended.
   */
  <T> T read(Supplier<T> read, T ifHung) {
    if (hanging) {
      return ifHung;
    }
    try {
      return reads.read("certificate folder " + quoted(), read);
    } catch (BoundedReads.Unanswered e) {
      return ifHung;
    }
  }

  /**
   * Why the folder cannot be used now, or null if it can; on the caller's thread. Its status and
   * its entries are read, not asked about ({@code access}): a folder of /proc another process'
   * may not be traced is refused by {@code access} even "does it exist", and is then no missing
   * folder.
   */
  String problem() {
    volume.accept(directory);
    BasicFileAttributes status;
    try {
      status = Files.readAttributes(directory, BasicFileAttributes.class);
    } catch (NoSuchFileException missing) { // or a dangling link
      return "certificate folder " + quoted() + " does not exist";
    } catch (IOException e) {
      return "certificate folder " + quoted() + " cannot be read (" + FileFailures.reason(e)
          + ")";
    }
    if (!status.isDirectory()) {
      return "certificate folder " + quoted() + " is not a folder";
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      // its entries can be listed
    } catch (IOException e) {
      return "certificate folder " + quoted() + " cannot be read (" + FileFailures.reason(e)
          + ")";
    }
    if (!Files.isExecutable(directory)) { // listed, but no file in it can be opened
      return "certificate folder " + quoted() + " cannot be read (permission denied)";
    }
    return null;
  }

  /** Begins no more reads of the wait for the sources; one under way ends within its bound. */
  @Override
  public void close() {
    syncReads.shutdown();
  }

  private String quoted() {
    return Quoting.quote(directory.toString());
  }
}
