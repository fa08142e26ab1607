package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.DeliveryRecord;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * A {@link ConfigStore} on a POSIX folder (the volume shared with Prometheus).
 *
 * <p>Every file is replaced atomically: the bytes go to a temporary file in the same folder with
 * the wanted mode, are fsynced, renamed over the target, and the folder is fsynced. A crash
 * therefore leaves the old or the new file, never a partial one. Files are written in
 * {@link DesiredState#writeOrder()} (certificates and keys before the config that names them).
 *
 * <p>The ownership manifest {@value #MANIFEST} lists every file the store wrote (path, SHA-256,
 * kind, mode); its changes are appended to a journal (see {@link ManifestFiles}). Before a
 * write it records the paths the write will create or delete as <em>claimed</em> with their
 * hash, and the temporary files it will create; a claimed path counts as the store's only while
 * its file has exactly that hash, so a crash never leaves a file the store wrote but does not
 * know it owns, nor makes it take someone else's file for its own. After the write the manifest
 * lists the outcome. A path listed in no manifest but present on disk
 * belongs to someone else: the store refuses to replace it and never deletes it. Only temporary
 * files the manifest names are ever cleaned up.
 *
 * <p>{@link #readOwned()} asks the file system about each owned file's status (see
 * {@link OwnedFileCache}); from {@value OwnedFileWatch#WATCH_FROM} owned files on, only about the
 * files a change notification named since the last read (see {@link OwnedFileWatch}), and then
 * it updates its last answer for those files and the ones its own changes of the manifest
 * named, instead of building it anew. The files it must look at on disk are checked on as many
 * threads as there are processors, the caller's included; the files a write replaced are not
 * read back (see {@link OwnedFileCache}).
 *
 * <p>The last verified file set is kept for rollback in {@value #VERIFIED_DIR} (see
 * {@link RollbackArchive}).
 *
 * <p>The output folder is created with mode 0750 and, if others may read it, narrowed to that.
 * Names starting with {@code .promcc-} at the top of the output folder are the store's.
 *
 * <p>Not thread-safe: one reconciler uses it at a time. All methods throw
 * {@link ConfigStoreException} on I/O errors; the message names the path.
 */
public final class AtomicFileStore implements ConfigStore {
  /** File name of the ownership manifest inside the output folder. */
  public static final String MANIFEST = ".promcc-manifest";
  /** File name of the ownership manifest's journal inside the output folder. */
  public static final String JOURNAL = ".promcc-manifest.journal";
  /** Folder (inside the output folder) holding the last verified files by SHA-256. */
  public static final String VERIFIED_DIR = ".promcc-verified";
  /**
   * Marks the store's temporary files, {@code .<name>.promcc-tmp-<random>} next to the file they
   * replace: half-written or about to be renamed, for any reader of the folder to leave out.
   */
  public static final String TEMP_MARKER = ".promcc-tmp-";
  /** The manifest's temporary file: a fixed name in the store's own {@code .promcc-} names. */
  static final String MANIFEST_TEMP = ".promcc-manifest.tmp";

  private final Path root;
  private final OwnedFileWatch watch;
  private final ManifestFiles manifests;
  /** The manifest as the store reads and changes it, and the owned files it lists. */
  private final ManifestView view;
  private final ChangeSetWrite changeSets;
  private final LastVerified lastVerified;

  /**
   * A store writing below {@code root}; nothing is touched until the first call.
   *
   * @param root the output folder; created on first write if missing
   */
  public AtomicFileStore(Path root) {
    this(root, StepHook.NONE);
  }

  /** The store for the configured output folder. */
  @Inject
  public AtomicFileStore(PrometheusAdapterSettings settings) {
    this(settings.outputDirectory());
  }

  AtomicFileStore(Path root, StepHook hook) {
    this(root, hook, Clock.systemUTC(), OwnedFileWatch.Watcher.DEFAULT,
        OwnedFileWatch.WATCH_FROM);
  }

  /**
   * A store whose reads take change notifications from {@code watcher} once it owns
   * {@code watchFrom} files, with time from {@code clock}.
   */
  AtomicFileStore(Path root, StepHook hook, Clock clock, OwnedFileWatch.Watcher watcher,
      int watchFrom) {
    this(root, hook, clock, watcher, watchFrom, Concurrently.onCommonPool());
  }

  /** As above, checking files on disk with {@code fileChecks}. */
  AtomicFileStore(Path root, StepHook hook, Clock clock, OwnedFileWatch.Watcher watcher,
      int watchFrom, Concurrently fileChecks) {
    this(root, hook, clock, watcher, watchFrom, fileChecks, ManifestFiles.MAX_BYTES,
        OwnedFileCache.ReadHook.NONE);
  }

  /** A store whose manifest files are at most {@code manifestMaxBytes} (a test's small bound). */
  AtomicFileStore(Path root, int manifestMaxBytes) {
    this(root, StepHook.NONE, Clock.systemUTC(), OwnedFileWatch.Watcher.DEFAULT,
        OwnedFileWatch.WATCH_FROM, Concurrently.onCommonPool(), manifestMaxBytes,
        OwnedFileCache.ReadHook.NONE);
  }

  /** A store whose reads of owned files call {@code readHook} (a test's counter). */
  AtomicFileStore(Path root, StepHook hook, OwnedFileCache.ReadHook readHook) {
    this(root, hook, Clock.systemUTC(), OwnedFileWatch.Watcher.DEFAULT,
        OwnedFileWatch.WATCH_FROM, Concurrently.onCommonPool(), ManifestFiles.MAX_BYTES,
        readHook);
  }

  private AtomicFileStore(Path root, StepHook hook, Clock clock, OwnedFileWatch.Watcher watcher,
      int watchFrom, Concurrently fileChecks, int manifestMaxBytes,
      OwnedFileCache.ReadHook readHook) {
    requireNonNull(fileChecks, "fileChecks == null");
    this.root = requireNonNull(root, "root == null").toAbsolutePath().normalize();
    AtomicFiles files = new AtomicFiles(this.root, hook);
    RollbackArchive archive = new RollbackArchive(this.root.resolve(VERIFIED_DIR), files);
    OwnedFileCache ownedFiles = new OwnedFileCache(clock, readHook);
    this.watch = new OwnedFileWatch(this.root, clock, watcher, watchFrom);
    this.manifests = new ManifestFiles(this.root, files, manifestMaxBytes);
    OwnedPaths paths = new OwnedPaths(this.root);
    this.view = new ManifestView(manifests, paths, ownedFiles, watch, fileChecks);
    CrashLeftovers leftovers = new CrashLeftovers(paths, files, view, ownedFiles);
    this.changeSets = new ChangeSetWrite(paths, files, archive, ownedFiles, manifests, view,
        leftovers);
    this.lastVerified = new LastVerified(paths, files, archive, ownedFiles, manifests, view,
        leftovers);
  }

  /**
   * The ownership manifest of the output folder {@code root} as the store reads it (the manifest
   * file with its journal replayed), in the manifest file's line format; empty if there is none.
   * For operators and tests: the manifest file alone lags behind its journal.
   */
  public static List<String> manifestLines(Path root) {
    Path folder = root.toAbsolutePath().normalize();
    Manifest manifest = new ManifestFiles(folder, new AtomicFiles(folder, StepHook.NONE)).read();
    return manifest == Manifest.EMPTY ? List.of() : manifest.format().lines().toList();
  }

  /** The output folder. */
  public Path root() {
    return root;
  }

  @Override
  public SortedMap<String, DesiredFile> readOwned() {
    return view.readOwned();
  }

  /** The last answer of {@link #readOwned()} as the store holds it now (for tests). */
  SortedMap<String, DesiredFile> lastOwnedAnswer() {
    return view.lastOwnedAnswer();
  }

  /** How many reads checked every owned file's status (for tests). */
  long fullStatusPasses() {
    return watch.fullPasses();
  }

  /** Why the last read checked every owned file's status (for tests). */
  OwnedFileWatch.FullPass lastFullStatusPass() {
    return watch.lastFullPass();
  }

  @Override
  public void write(DesiredState desired, FileDiff diff) {
    changeSets.write(desired, diff);
  }

  @Override
  public DeliveryRecord record() {
    Manifest manifest = manifests.read();
    return new DeliveryRecord(manifest.verification(), manifest.rejected(),
        manifest.reloadAsked());
  }

  /**
   * A verification goes to {@link LastVerified}; a rejection and a reload asked for are journal
   * lines (a later change of a config file's entry drops the reload asked for).
   */
  @Override
  public void mark(DeliveryMark mark) {
    requireNonNull(mark, "mark == null");
    if (mark instanceof DeliveryMark.Verified verified) {
      lastVerified.markVerified(verified.verification());
    } else if (mark instanceof DeliveryMark.Rejected rejected) {
      view.commit(manifests.read(),
          Manifest.Change.builder().rejected(rejected.rejected()).build());
    } else if (mark instanceof DeliveryMark.Reloading reloading) {
      view.commit(manifests.read(),
          Manifest.Change.builder().reloadAsked(reloading.asked()).build());
    }
  }

  @Override
  public boolean restoreLastVerified() {
    return lastVerified.restoreLastVerified();
  }

  static String sha256(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  /** POSIX permissions of an octal {@code mode}. */
  static Set<PosixFilePermission> permissionsOf(int mode) {
    return FileModes.permissionsOf(mode);
  }

  /** Points between the steps of a write; tests throw from them to simulate a crash. */
  enum Step {
    /** The temporary file is complete and fsynced, the target not yet replaced. */
    TEMP_WRITTEN,
    /** The target was replaced by the rename. */
    RENAMED,
    /** An owned file (or the manifest's journal) was deleted. */
    DELETED,
    /** A record was appended to the manifest's journal and fsynced. */
    APPENDED,
    /** A folder was fsynced (its entries are durable). */
    FOLDER_SYNCED
  }

  /**
   * Called at each {@link Step}; the production hook does nothing. An {@link IOException} it
   * throws fails the write as the step it marks the end of would (a test's full disk at the
   * temporary file's sync, at a rename); any other throwable is a crash.
   */
  @FunctionalInterface
  interface StepHook {
    StepHook NONE = (step, path) -> {};

    void reached(Step step, Path path) throws IOException;
  }
}
