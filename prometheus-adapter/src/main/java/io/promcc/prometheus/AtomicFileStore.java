package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.Iterables;
import com.google.common.hash.Hashing;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Quoting;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.UnownedFilesException;
import io.promcc.core.port.Verification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link ConfigStore} on a POSIX folder (the volume shared with Prometheus).
 *
 * <p>Every file is replaced atomically: the bytes go to a temporary file in the same folder with
 * the wanted mode, are fsynced, renamed over the target, and the folder is fsynced. A crash
 * therefore leaves the old or the new file, never a partial one. Files are written in
 * {@link DesiredState#writeOrder()} (certificates and keys before the config that names them).
 *
 * <p>The ownership manifest {@value #MANIFEST} lists every file the store wrote (path, SHA-256,
 * kind, mode). Before a write it records the paths the write will create or delete as
 * <em>claimed</em> with their hash, and the temporary files it will create; a claimed path counts
 * as the store's only while its file has exactly that hash, so a crash never leaves a file the
 * store wrote but does not know it owns, nor makes it take someone else's file for its own. After
 * the write the manifest lists the outcome. A path listed in no manifest but present on disk
 * belongs to someone else: the store refuses to replace it and never deletes it. Only temporary
 * files the manifest names are ever cleaned up.
 *
 * <p>{@link #readOwned()} asks the file system about each owned file's status (see
 * {@link OwnedFileCache}); from {@value OwnedFileWatch#WATCH_FROM} owned files on, only about the
 * files a change notification named since the last read (see {@link OwnedFileWatch}).
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
  /** Folder (inside the output folder) holding the last verified files by SHA-256. */
  public static final String VERIFIED_DIR = ".promcc-verified";
  /** The manifest's temporary file: a fixed name in the store's own {@code .promcc-} names. */
  static final String MANIFEST_TEMP = ".promcc-manifest.tmp";

  private final Path root;
  private final AtomicFiles files;
  private final RollbackArchive archive;
  private final OwnedFileCache ownedFiles;
  private final OwnedFileWatch watch;
  /** The manifest {@link #ownedFolders} were computed from. */
  private Manifest foldersOf;
  private Set<String> ownedFolders = Set.of();
  /** The manifest as last read or written, and the status of its file then. */
  private Manifest manifest;
  private ManifestStamp manifestStamp;

  /**
   * What identifies one version of the manifest file. The store replaces it by rename (a new
   * inode) on every change, so its own changes always show; a hand edit in place within the
   * same clock tick and keeping the size would not, which is why the manifest says not to edit
   * it.
   */
  private record ManifestStamp(Object inode, long size, FileTime modified) {
    static ManifestStamp of(BasicFileAttributes status) {
      return new ManifestStamp(status.fileKey(), status.size(), status.lastModifiedTime());
    }
  }

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
    this.root = requireNonNull(root, "root == null").toAbsolutePath().normalize();
    this.files = new AtomicFiles(this.root, hook);
    this.archive = new RollbackArchive(this.root.resolve(VERIFIED_DIR), files);
    this.ownedFiles = new OwnedFileCache(clock);
    this.watch = new OwnedFileWatch(this.root, clock, watcher, watchFrom);
  }

  /** The output folder. */
  public Path root() {
    return root;
  }

  @Override
  public SortedMap<String, DesiredFile> readOwned() {
    Manifest manifest = readManifest();
    OwnedFileWatch.Changes changes = watch.changes(foldersOf(manifest),
        manifest.owned().size() + manifest.claimed().size());
    SortedMap<String, DesiredFile> out = new TreeMap<>();
    manifest.owned().forEach((path, entry) -> readFile(path, entry, changes)
        .ifPresent(file -> out.put(path, file)));
    manifest.claimed().forEach((path, entry) -> readFile(path, entry, changes)
        .filter(file -> file.sha256().equals(entry.sha256()))
        .ifPresent(file -> out.put(path, file)));
    return out;
  }

  /** How many reads checked every owned file's status (for tests). */
  long fullStatusPasses() {
    return watch.fullPasses();
  }

  /** Why the last read checked every owned file's status (for tests). */
  OwnedFileWatch.FullPass lastFullStatusPass() {
    return watch.lastFullPass();
  }

  /** The folders (relative, {@code ""} for the output folder) the manifest lists files in. */
  private Set<String> foldersOf(Manifest manifest) {
    if (manifest != foldersOf) {
      Set<String> folders = new HashSet<>();
      String last = null;
      for (String path : Iterables.concat(manifest.owned().keySet(),
          manifest.claimed().keySet())) {
        int slash = path.lastIndexOf('/');
        // sorted paths: a folder's files come together, so most paths need no new string
        if (last != null && slash == last.length() && path.startsWith(last)) {
          continue;
        }
        last = slash < 0 ? "" : path.substring(0, slash);
        folders.add(last);
      }
      ownedFolders = Set.copyOf(folders);
      foldersOf = manifest;
    }
    return ownedFolders;
  }

  /** The owned file at {@code path}; empty if it is gone. */
  private Optional<DesiredFile> readFile(String path, Manifest.Entry entry,
      OwnedFileWatch.Changes changes) {
    if (!changes.mustCheck(path)) {
      DesiredFile unchanged = ownedFiles.lastRead(path, entry.kind());
      if (unchanged != null) {
        return Optional.of(unchanged);
      }
    }
    Path file = resolve(path);
    try {
      // listed but gone (removed by hand, or claimed by a write that crashed before writing
      // it): empty, and the diff will write it again
      return ownedFiles.read(path, file, entry.kind(), !changes.named(path));
    } catch (IOException ex) {
      throw AtomicFiles.failure("cannot read owned file", file, ex);
    }
  }

  @Override
  public void write(DesiredState desired, FileDiff diff) {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    Manifest before = readManifest();
    for (String path : diff.writes()) {
      requireWritablePath(desired, path);
    }
    SortedMap<String, Manifest.Entry> owned = ownedNow(before);
    // every desired path, not only this diff's: a diff applied in parts must not write its first
    // part when a later part would be refused
    List<String> unowned = new ArrayList<>();
    for (String path : desired.files().keySet()) {
      if (!owned.containsKey(path) && Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS)) {
        unowned.add(path);
      }
    }
    if (!unowned.isEmpty()) {
      throw new UnownedFilesException(unowned, root.toString());
    }
    for (String path : diff.deletes()) {
      if (!owned.containsKey(path)) {
        throw new ConfigStoreException("refusing to delete " + Quoting.quote(path)
            + ": the file is not owned by the controller");
      }
    }
    files.ensureDirectory(root);
    before = removeTemporaryFiles(before);

    // Write-ahead: claim the paths this write creates or deletes, with their hash, and name its
    // temporary files, so a crash can strand neither a file of the store nor a temporary file,
    // and a file someone else puts at a claimed path later is not taken for the store's.
    SortedMap<String, Manifest.Entry> intentOwned = new TreeMap<>(owned);
    SortedMap<String, Manifest.Entry> claimed = new TreeMap<>();
    List<Path> targets = new ArrayList<>();
    List<Path> temps = new ArrayList<>();
    // views of the desired files' bytes, not copies: at 10,000 clusters a first write would
    // otherwise hold the 100 MB of output twice
    List<ByteBuffer> contents = new ArrayList<>();
    List<Integer> modes = new ArrayList<>();
    for (String path : diff.writes()) {
      Path target = resolve(path);
      DesiredFile file = desired.files().get(path);
      if (!owned.containsKey(path) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        intentOwned.remove(path);
        claimed.put(path, entryOf(file));
      }
      targets.add(target);
      temps.add(AtomicFiles.newTempPath(target));
      contents.add(file.asReadOnlyBuffer());
      modes.add(file.mode());
    }
    for (String path : diff.deletes()) {
      claimed.put(path, intentOwned.remove(path));
    }
    writeManifest(before.intent(intentOwned, claimed, relative(temps)));

    // All temporary files first (fsync in parallel, so the file system can batch the flushes),
    // then the renames one by one in write order: certificates before the config naming them.
    Set<Path> parents = new HashSet<>();
    for (Path target : targets) {
      if (parents.add(target.getParent())) {
        files.ensureDirectory(target.getParent());
      }
    }
    files.writeTemporaryFiles(temps, targets, contents, modes);
    Set<Path> touchedDirs = new LinkedHashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      ownedFiles.forget(diff.writes().get(i));
      files.rename(temps.get(i), targets.get(i));
      ownedFiles.written(diff.writes().get(i), desired.files().get(diff.writes().get(i)));
      touchedDirs.add(targets.get(i).getParent());
    }
    for (String path : diff.deletes()) {
      Path target = resolve(path);
      ownedFiles.forget(path);
      files.delete(target);
      touchedDirs.add(target.getParent());
    }
    touchedDirs.forEach(files::fsyncDirectory);

    SortedMap<String, Manifest.Entry> after = new TreeMap<>(owned);
    for (String path : diff.writes()) {
      after.put(path, entryOf(desired.files().get(path)));
    }
    diff.deletes().forEach(after::remove);
    writeManifest(before.settled(after));
  }

  @Override
  public DeliveryRecord record() {
    Manifest manifest = readManifest();
    return new DeliveryRecord(manifest.verification(), manifest.rejected());
  }

  @Override
  public void markRejected(Optional<RejectedConfig> rejected) {
    requireNonNull(rejected, "rejected == null");
    writeManifest(readManifest().withRejected(rejected));
  }

  @Override
  public void markVerified(Verification verification) {
    requireNonNull(verification, "verification == null");
    Manifest manifest = readManifest();
    SortedMap<String, Manifest.Entry> owned = ownedNow(manifest);
    // a write that crashed may have left temporary files; the settled manifest below no longer
    // names a write in progress, so they go now (a verification may follow a crash without a
    // write, when the disk already holds the desired files)
    manifest = removeTemporaryFiles(manifest);
    archive.open();
    Set<String> kept = new HashSet<>();
    Set<String> previous = new HashSet<>();
    manifest.verifiedFiles().values().forEach(e -> previous.add(e.sha256()));
    for (Map.Entry<String, Manifest.Entry> e : owned.entrySet()) {
      String sha = e.getValue().sha256();
      if (kept.add(sha) && !previous.contains(sha)) {
        archive.keep(sha, resolve(e.getKey()), e.getKey());
      }
    }
    archive.sync();
    writeManifest(manifest.settled(owned).withVerified(verification, owned));
    // Only now may copies of the previous verified set go: the manifest no longer names them.
    for (Manifest.Entry old : manifest.verifiedFiles().values()) {
      if (!kept.contains(old.sha256())) {
        archive.remove(old.sha256());
      }
    }
  }

  @Override
  public boolean restoreLastVerified() {
    Manifest manifest = readManifest();
    if (manifest.verification().isEmpty()) {
      return false;
    }
    SortedMap<String, Manifest.Entry> owned = ownedNow(manifest);
    files.ensureDirectory(root);
    manifest = removeTemporaryFiles(manifest);
    SortedMap<String, Manifest.Entry> target = new TreeMap<>();
    manifest.verifiedFiles().forEach((path, want) -> {
      if (owned.containsKey(path) || !Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS)) {
        target.put(path, want); // a path someone else's file now holds is never touched
      }
    });

    // Decide and read everything first: a rollback copy that cannot be used fails the restore
    // before anything changed.
    List<String> order = new ArrayList<>(target.keySet());
    order.sort(Comparator.comparingInt((String p) -> target.get(p).kind().writeOrder())
        .thenComparing(Comparator.naturalOrder()));
    SortedMap<String, Manifest.Entry> after = new TreeMap<>(owned);
    SortedMap<String, Manifest.Entry> intentOwned = new TreeMap<>(owned);
    SortedMap<String, Manifest.Entry> claimed = new TreeMap<>();
    List<Path> targets = new ArrayList<>();
    List<Path> temps = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    List<Integer> modes = new ArrayList<>();
    for (String path : order) {
      Manifest.Entry want = target.get(path);
      Path file = resolve(path);
      Manifest.Entry now = currentEntry(file, want);
      if (want.kind().isConfig() ? want.equals(now) : now != null) {
        // a present certificate or key is never older than the verified one: keep it
        after.put(path, now);
        continue;
      }
      contents.add(archive.read(want.sha256(), path));
      if (now == null) {
        intentOwned.remove(path);
        claimed.put(path, want);
      }
      after.put(path, want);
      targets.add(file);
      temps.add(AtomicFiles.newTempPath(file));
      modes.add(want.mode());
    }
    // config files the verified set lacks go; certificates stay (a later write deletes them
    // when no longer desired; deleting them here would change what the next reconcile sees)
    List<String> stale = new ArrayList<>();
    for (String path : owned.keySet()) {
      if (!target.containsKey(path) && owned.get(path).kind().isConfig()) {
        stale.add(path);
        claimed.put(path, intentOwned.remove(path));
        after.remove(path);
      }
    }
    writeManifest(manifest.intent(intentOwned, claimed, relative(temps)));

    Set<Path> touchedDirs = new LinkedHashSet<>();
    ownedFiles.retainOnly(Set.of()); // a rollback is rare: read everything again after it
    for (int i = 0; i < targets.size(); i++) {
      Path file = targets.get(i);
      files.ensureDirectory(file.getParent());
      files.writeTemporary(temps.get(i), file, contents.get(i), modes.get(i));
      files.rename(temps.get(i), file);
      touchedDirs.add(file.getParent());
    }
    for (String path : stale) {
      Path file = resolve(path);
      files.delete(file);
      touchedDirs.add(file.getParent());
    }
    touchedDirs.forEach(files::fsyncDirectory);
    writeManifest(manifest.settled(after));
    return true;
  }

  /**
   * What the store owns now: the owned files (with their hashes read from disk if a crash left
   * them in doubt) and the claimed paths whose file has exactly the claimed hash.
   */
  private SortedMap<String, Manifest.Entry> ownedNow(Manifest manifest) {
    if (!manifest.pending() && manifest.claimed().isEmpty()) {
      return manifest.owned();
    }
    SortedMap<String, Manifest.Entry> out = new TreeMap<>();
    if (manifest.pending()) {
      manifest.owned().forEach((path, entry) -> {
        Manifest.Entry actual = currentEntry(resolve(path), entry);
        if (actual != null) {
          out.put(path, actual);
        }
      });
    } else {
      out.putAll(manifest.owned());
    }
    manifest.claimed().forEach((path, claim) -> {
      Manifest.Entry actual = currentEntry(resolve(path), claim);
      if (actual != null && actual.sha256().equals(claim.sha256())) {
        out.put(path, actual);
      }
    });
    return out;
  }

  /**
   * Deletes the temporary files the manifest names (left by a crash) and returns the manifest
   * without them. A file whose name merely looks like a temporary file is never touched.
   */
  private Manifest removeTemporaryFiles(Manifest manifest) {
    for (String temp : manifest.temporaryFiles()) {
      Path file = resolve(temp);
      if (file.getFileName().toString().contains(AtomicFiles.TEMP_MARKER)) {
        files.deleteTemporary(file);
      }
    }
    return manifest.withoutTemporaryFiles();
  }

  private List<String> relative(List<Path> paths) {
    return paths.stream().map(p -> root.relativize(p).toString()).toList();
  }

  private Manifest.Entry currentEntry(Path file, Manifest.Entry want) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int mode = AtomicFiles.modeOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      return new Manifest.Entry(sha256(bytes), want.kind(), mode);
    } catch (IOException missingOrUnreadable) {
      return null; // rewrite it
    }
  }

  /**
   * The manifest: the one in memory while its file's status is unchanged (the store's own last
   * write, or its last read), else read and parsed again.
   */
  private Manifest readManifest() {
    Path file = root.resolve(MANIFEST);
    try {
      ManifestStamp stamp = ManifestStamp.of(Files.readAttributes(file,
          BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
      if (stamp.equals(manifestStamp)) {
        return manifest;
      }
      Manifest read = Manifest.parse(Files.readString(file, StandardCharsets.UTF_8),
          Quoting.quote(file.toString()));
      manifest = read;
      manifestStamp = stamp;
      return read;
    } catch (NoSuchFileException none) {
      manifestStamp = null;
      return Manifest.EMPTY;
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read ownership manifest", file, e);
    }
  }

  private void writeManifest(Manifest manifest) {
    files.ensureDirectory(root);
    Path temp = root.resolve(MANIFEST_TEMP);
    files.deleteTemporary(temp); // left by a crash
    Path file = root.resolve(MANIFEST);
    manifestStamp = null; // if the replace fails half-way, read the file again
    files.replaceAtomically(file, temp, manifest.format().getBytes(StandardCharsets.UTF_8), 0640,
        true);
    try {
      manifestStamp = ManifestStamp.of(Files.readAttributes(file, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS));
      this.manifest = manifest;
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read ownership manifest", file, e);
    }
  }

  private void requireWritablePath(DesiredState desired, String path) {
    if (!desired.files().containsKey(path)) {
      throw new IllegalArgumentException("diff writes " + Quoting.quote(path)
          + ", which is not a file of the desired state");
    }
    if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.startsWith(".promcc-")
        || path.contains(AtomicFiles.TEMP_MARKER)) {
      throw new ConfigStoreException("cannot store " + Quoting.quote(path)
          + ": the name is reserved or contains a line break");
    }
  }

  private Path resolve(String relative) {
    Path resolved = root.resolve(relative).normalize();
    if (!resolved.startsWith(root) || resolved.equals(root)) {
      throw new ConfigStoreException("path " + Quoting.quote(relative) + " escapes "
          + Quoting.quote(root.toString()));
    }
    return resolved;
  }

  private static Manifest.Entry entryOf(DesiredFile file) {
    return new Manifest.Entry(file.sha256(), file.kind(), file.mode());
  }

  static String sha256(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  /** POSIX permissions of an octal {@code mode}. */
  static Set<PosixFilePermission> permissionsOf(int mode) {
    return AtomicFiles.permissionsOf(mode);
  }

  /** Points between the steps of a write; tests throw from them to simulate a crash. */
  enum Step {
    /** The temporary file is complete and fsynced, the target not yet replaced. */
    TEMP_WRITTEN,
    /** The target was replaced by the rename. */
    RENAMED,
    /** An owned file was deleted. */
    DELETED,
    /** A folder was fsynced (its entries are durable). */
    FOLDER_SYNCED
  }

  /** Called at each {@link Step}; the production hook does nothing. */
  @FunctionalInterface
  interface StepHook {
    StepHook NONE = (step, path) -> {};

    void reached(Step step, Path path) throws IOException;
  }
}
