package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.Iterables;
import com.google.common.hash.Hashing;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

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
  /** The manifest's temporary file: a fixed name in the store's own {@code .promcc-} names. */
  static final String MANIFEST_TEMP = ".promcc-manifest.tmp";

  private final Path root;
  private final AtomicFiles files;
  private final RollbackArchive archive;
  /**
   * Whether the rollback folder holds only what the manifest names, as far as this store knows:
   * false until its first verification, and after one that did not finish.
   */
  private boolean archiveTidy;
  private final OwnedFileCache ownedFiles;
  private final OwnedFileWatch watch;
  private final ManifestFiles manifests;
  /** Checks the owned files {@link #readOwned()} cannot serve from memory. */
  private final Concurrently fileChecks;
  /** The folders (relative, {@code ""} for the output folder) manifest {@link #foldersOf} lists. */
  private Manifest foldersOf;
  private final Set<String> ownedFolders = new HashSet<>();
  /**
   * The last answer of {@link #readOwned()}, for manifest {@link #ownedOf}: the one it was read
   * for, or one the store's own changes made of it, which changed the entries of the
   * {@link #touched} paths only. Null: the next read reads everything.
   */
  private SortedArrayMap<DesiredFile> lastOwned;
  private Manifest ownedOf;
  private final Set<String> touched = new HashSet<>();

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
    this.fileChecks = requireNonNull(fileChecks, "fileChecks == null");
    this.root = requireNonNull(root, "root == null").toAbsolutePath().normalize();
    this.files = new AtomicFiles(this.root, hook);
    this.archive = new RollbackArchive(this.root.resolve(VERIFIED_DIR), files);
    this.ownedFiles = new OwnedFileCache(clock);
    this.watch = new OwnedFileWatch(this.root, clock, watcher, watchFrom);
    this.manifests = new ManifestFiles(this.root, files);
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
    Manifest manifest = manifests.read();
    OwnedFileWatch.Changes changes = watch.changes(foldersOf(manifest),
        manifest.owned().size() + manifest.claimed().size());
    try {
      if (lastOwned == null || ownedOf != manifest || changes.all()
          || !changes.folders().isEmpty()) {
        SortedMap<String, DesiredFile> out = new TreeMap<>();
        Reads reads = new Reads(changes, (path, file) -> file.ifPresent(
            found -> out.put(path, found)));
        manifest.owned().forEach((path, entry) -> reads.add(path, entry, null));
        manifest.claimed().keySet().stream().filter(path -> !manifest.owned().containsKey(path))
            .forEach(path -> reads.add(manifest, path));
        reads.finish();
        lastOwned = SortedArrayMap.copyOf(out);
      } else {
        lastOwned = updated(lastOwned, manifest, changes);
      }
    } catch (RuntimeException failed) {
      // the events this read took are used up: the next read builds its answer anew, and
      // checks the files this one could not finish (forgotten by Reads) on disk
      lastOwned = null;
      throw failed;
    }
    ownedOf = manifest;
    touched.clear();
    return lastOwned;
  }

  /**
   * {@code last} with the files the store's changes of the manifest named since, those an event
   * named and those whose status alone is not trusted yet read again; {@code last} itself if
   * none differs. Every other file would be served from {@link OwnedFileCache#lastRead} by a
   * full pass: the same instance {@code last} holds.
   */
  private SortedArrayMap<DesiredFile> updated(SortedArrayMap<DesiredFile> last,
      Manifest manifest, OwnedFileWatch.Changes changes) {
    Set<String> check = new HashSet<>(touched);
    check.addAll(changes.named());
    check.addAll(ownedFiles.unsettled());
    SortedArrayMap.Edit<DesiredFile> out = last.edit();
    Reads reads = new Reads(changes, (path, file) -> {
      if (file.isPresent()) {
        out.put(path, file.get());
      } else {
        out.remove(path);
      }
    });
    for (String path : check) {
      if (!reads.add(manifest, path)) {
        out.remove(path);
      }
    }
    reads.finish();
    return out.build();
  }

  /**
   * One {@link #readOwned()}'s files: those served from memory at once, the others checked on
   * disk together ({@link #fileChecks}). A claimed path counts only while its file has the
   * claimed hash. A listed file that is gone is empty (removed by hand,
   * or claimed by a write that crashed before writing it), and the diff will write it again.
   */
  private final class Reads {
    private final OwnedFileWatch.Changes changes;
    private final BiConsumer<String, Optional<DesiredFile>> to;
    private final List<Pending> pending = new ArrayList<>();

    /** A file to check on disk, with the hash a claim requires (null for an owned path). */
    private record Pending(String path, Path file, FileKind kind, String claimedSha256,
        boolean trustStatus) {}

    /** Reads for {@code changes}, handing each path's file to {@code to}. */
    Reads(OwnedFileWatch.Changes changes, BiConsumer<String, Optional<DesiredFile>> to) {
      this.changes = changes;
      this.to = to;
    }

    /**
     * Adds {@code path} as {@code manifest} lists it: as owned, else as claimed; false if it
     * lists it as neither.
     */
    boolean add(Manifest manifest, String path) {
      Manifest.Entry owned = manifest.owned().get(path);
      Manifest.Entry claim = owned == null ? manifest.claimed().get(path) : null;
      if (owned != null) {
        add(path, owned, null);
      } else if (claim != null) {
        add(path, claim, claim.sha256());
      }
      return owned != null || claim != null;
    }

    void add(String path, Manifest.Entry entry, String claimedSha256) {
      if (!changes.mustCheck(path)) {
        DesiredFile unchanged = ownedFiles.lastRead(path, entry.kind());
        if (unchanged != null) {
          to.accept(path, Optional.of(unchanged));
          return;
        }
      }
      pending.add(new Pending(path, resolve(path), entry.kind(), claimedSha256,
          statusMayProve(path)));
    }

    /**
     * Whether {@code path}'s status may stand for its bytes: no event named it, or only its
     * creation or removal while the store's own changes named it since the last read (its own
     * rename, or removal: a later change under this name shows in the status, a new file or a
     * later time, or comes with a modification event; what is not seen is a file changed under
     * another name with its whole status put back, then renamed here).
     */
    private boolean statusMayProve(String path) {
      return !changes.named(path) || !changes.modified(path) && touched.contains(path);
    }

    /** Checks the files not served from memory and hands each on. */
    void finish() {
      List<OwnedFileCache.Found> found;
      try {
        found = fileChecks.map(pending, read -> {
          try {
            return ownedFiles.check(read.path(), read.file(), read.kind(), read.trustStatus());
          } catch (IOException ex) {
            throw AtomicFiles.failure("cannot read owned file", read.file(), ex);
          }
        });
      } catch (RuntimeException failed) {
        // an event may have named them: not served from memory until checked again
        pending.forEach(read -> ownedFiles.forget(read.path()));
        throw failed;
      }
      for (int i = 0; i < pending.size(); i++) {
        Pending read = pending.get(i);
        Optional<DesiredFile> file = ownedFiles.take(read.path(), found.get(i));
        to.accept(read.path(), read.claimedSha256() == null ? file
            : file.filter(content -> content.sha256().equals(read.claimedSha256())));
      }
    }
  }

  /** The last answer of {@link #readOwned()} as the store holds it now (for tests). */
  SortedMap<String, DesiredFile> lastOwnedAnswer() {
    return lastOwned;
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
      ownedFolders.clear();
      String last = null;
      for (String path : Iterables.concat(manifest.owned().keySet(),
          manifest.claimed().keySet())) {
        int slash = path.lastIndexOf('/');
        // sorted paths: a folder's files come together, so most paths need no new string
        if (last != null && slash == last.length() && path.startsWith(last)) {
          continue;
        }
        last = folderOf(path);
        ownedFolders.add(last);
      }
      foldersOf = manifest;
    }
    return Collections.unmodifiableSet(ownedFolders);
  }

  private static String folderOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  @Override
  public void write(DesiredState desired, FileDiff diff) {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    for (String path : diff.writes()) {
      requireWritablePath(desired, path);
    }
    requireRealFolders(diff.writes());
    requireRealFolders(diff.deletes());
    Manifest before = settleDoubts(manifests.read());
    SortedMap<String, Manifest.Entry> owned = before.owned();
    // every desired path, not only this diff's: a diff applied in parts must not write its first
    // part when a later part would be refused
    List<String> unowned = new ArrayList<>();
    // both sorted by path: one walk instead of a lookup per path (40,000 at 10,000 clusters);
    // the manifest's paths are the planner's instances (DesiredState.sharedPath), equal without
    // reading them, and taken as Objects so that not even their class is checked
    Iterator<?> ownedPaths = owned.keySet().iterator();
    Object ownedPath = ownedPaths.hasNext() ? ownedPaths.next() : null;
    for (Object path : desired.files().keySet().toArray()) {
      while (ownedPath != null && ownedPath != path
          && ((String) ownedPath).compareTo((String) path) < 0) {
        ownedPath = ownedPaths.hasNext() ? ownedPaths.next() : null;
      }
      if (path == ownedPath || path.equals(ownedPath)) {
        // past it: the next path is compared with the next owned one, not with this one (one
        // String comparison per path, each a read of two strings spread over the heap)
        ownedPath = ownedPaths.hasNext() ? ownedPaths.next() : null;
      } else if (Files.exists(resolve((String) path), LinkOption.NOFOLLOW_LINKS)) {
        unowned.add((String) path);
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
    Manifest.Change.Builder intent = Manifest.Change.builder();
    removeTemporaryFiles(before, intent);

    // Write-ahead: claim the paths this write creates or deletes, with their hash, and name its
    // temporary files, so a crash can strand neither a file of the store nor a temporary file,
    // and a file someone else puts at a claimed path later is not taken for the store's.
    intent.pending();
    List<Path> targets = new ArrayList<>();
    List<Path> temps = new ArrayList<>();
    // views of the desired files' bytes, not copies: at 10,000 clusters a first write would
    // otherwise hold the 100 MB of output twice
    List<List<ByteBuffer>> contents = new ArrayList<>();
    List<Integer> modes = new ArrayList<>();
    // verified files put back after an edit in place, which changed their rollback copy too
    // (a hard link to the edited file): kept anew from the file written
    List<Integer> spoiledCopies = new ArrayList<>();
    for (String path : diff.writes()) {
      Path target = resolve(path);
      DesiredFile file = desired.files().get(path);
      if (!owned.containsKey(path) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        intent.claimed(path, entryOf(file));
      }
      Manifest.Entry verified = before.verifiedFiles().get(path);
      if (verified != null && verified.sha256().equals(file.sha256())
          && archive.isLinkedTo(verified.sha256(), target)) {
        spoiledCopies.add(targets.size());
      }
      targets.add(target);
      temps.add(AtomicFiles.newTempPath(target));
      contents.add(file.asReadOnlyBuffers());
      modes.add(file.mode());
    }
    for (String path : diff.deletes()) {
      intent.claimed(path, owned.get(path));
    }
    relative(temps).forEach(intent::temp);
    Manifest during = commit(before, intent.build());

    // All temporary files first (fsync in parallel, so the file system can batch the flushes),
    // then the renames one by one in write order: certificates before the config naming them.
    Set<Path> parents = new HashSet<>();
    for (Path target : targets) {
      if (parents.add(target.getParent())) {
        files.ensureDirectory(target.getParent());
      }
    }
    try {
      List<PosixFileAttributes> statuses = files.writeTemporaryFiles(temps, targets, contents,
          modes, OwnedFileCache.STAMP_AGE);
      Set<Path> touchedDirs = new LinkedHashSet<>();
      for (int i = 0; i < targets.size(); i++) {
        ownedFiles.forget(diff.writes().get(i));
        files.rename(temps.get(i), targets.get(i));
        ownedFiles.written(diff.writes().get(i), desired.files().get(diff.writes().get(i)),
            statuses.get(i));
        touchedDirs.add(targets.get(i).getParent());
      }
      for (int i : spoiledCopies) {
        archive.replace(before.verifiedFiles().get(diff.writes().get(i)).sha256(),
            targets.get(i), diff.writes().get(i));
      }
      if (!spoiledCopies.isEmpty()) {
        archive.sync();
      }
      for (String path : diff.deletes()) {
        Path target = resolve(path);
        ownedFiles.forget(path);
        files.delete(target);
        touchedDirs.add(target.getParent());
      }
      touchedDirs.forEach(files::fsyncDirectory);

      Manifest.Change.Builder outcome = Manifest.Change.builder();
      for (String path : diff.writes()) {
        outcome.owned(path, entryOf(desired.files().get(path)));
      }
      // the deleted paths' claims go with the others; the temporary files were all renamed
      Manifest after = commit(during, renamedAll(outcome.settled(), temps).build());
      followWrite(after, diff, desired);
    } catch (RuntimeException failed) {
      // the files replaced before the failure are trusted as written: the next read builds its
      // answer anew, not from the last one and the manifest's changes
      lastOwned = null;
      throw failed;
    }
  }

  /**
   * Makes the last answer of {@link #readOwned()} name the files just written instead of those
   * they replaced, so a replaced file is not held until the next read (in merged mode an 87 MB
   * config at 10,000 clusters). The next read still checks every path the write named.
   */
  private void followWrite(Manifest after, FileDiff diff, DesiredState desired) {
    if (lastOwned == null || ownedOf != after) {
      return;
    }
    SortedArrayMap.Edit<DesiredFile> out = lastOwned.edit();
    diff.writes().forEach(path -> out.put(path, desired.files().get(path)));
    diff.deletes().forEach(out::remove);
    lastOwned = out.build();
  }

  @Override
  public DeliveryRecord record() {
    Manifest manifest = manifests.read();
    return new DeliveryRecord(manifest.verification(), manifest.rejected());
  }

  @Override
  public void markRejected(Optional<RejectedConfig> rejected) {
    requireNonNull(rejected, "rejected == null");
    commit(manifests.read(), Manifest.Change.builder().rejected(rejected).build());
  }

  @Override
  public void markVerified(Verification verification) {
    requireNonNull(verification, "verification == null");
    Manifest manifest = settleDoubts(manifests.read());
    SortedMap<String, Manifest.Entry> owned = manifest.owned();
    // a write that crashed may have left temporary files; the settled manifest no longer names
    // a write in progress, so they go now (a verification may follow a crash without a write,
    // when the disk already holds the desired files)
    Manifest.Change.Builder change = Manifest.Change.builder();
    removeTemporaryFiles(manifest, change);
    archive.open();
    Set<String> kept = new HashSet<>();
    Set<String> previous = new HashSet<>();
    manifest.verifiedFiles().values().forEach(e -> previous.add(e.sha256()));
    if (!archiveTidy) {
      // the first verification of this store, or the first after one that failed: copies a
      // crashed or failed verification made are named by no manifest, and go now
      archive.retainOnly(previous);
    }
    archiveTidy = false; // until this verification is recorded
    for (Map.Entry<String, Manifest.Entry> e : owned.entrySet()) {
      String sha = e.getValue().sha256();
      Manifest.Entry before = manifest.verifiedFiles().get(e.getKey());
      if (before == null || !before.sha256().equals(sha)) {
        // every path new since the last verification, also one whose bytes another shares
        requireAsWritten(e.getKey(), e.getValue());
      }
      if (kept.add(sha) && !previous.contains(sha)) {
        archive.keep(sha, resolve(e.getKey()), e.getKey());
      }
    }
    archive.sync();
    commit(manifest, change.verifiedOwned(verification).build());
    // Only now may copies of the previous verified set go: the manifest no longer names them.
    for (Manifest.Entry old : manifest.verifiedFiles().values()) {
      if (!kept.contains(old.sha256())) {
        archive.remove(old.sha256());
      }
    }
    archiveTidy = true;
  }

  /**
   * Refuses to keep an owned file for rollback under its manifest hash if it no longer holds
   * those bytes (replaced or edited by hand since it was written): the copy would restore other
   * bytes, and what Prometheus loaded is not what the manifest says. Its status alone tells,
   * where it is unchanged since the store wrote or read it; else its bytes are read.
   */
  private void requireAsWritten(String path, Manifest.Entry entry) {
    OwnedFileCache.Found found;
    try {
      found = ownedFiles.check(path, resolve(path), entry.kind(), true);
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read", resolve(path), e);
    }
    if (found.content() == null || !found.content().sha256().equals(entry.sha256())) {
      throw new ConfigStoreException("not recording the verification: " + Quoting.quote(path)
          + " changed since the controller wrote it (by hand?); the next reconcile writes it "
          + "again");
    }
  }

  @Override
  public boolean restoreLastVerified() {
    Manifest manifest = manifests.read();
    if (manifest.verification().isEmpty()) {
      return false;
    }
    manifest = settleDoubts(manifest);
    SortedMap<String, Manifest.Entry> owned = manifest.owned();
    files.ensureDirectory(root);
    Manifest.Change.Builder intent = Manifest.Change.builder();
    removeTemporaryFiles(manifest, intent);
    requireRealFolders(manifest.verifiedFiles().keySet());
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
    intent.pending();
    Manifest.Change.Builder outcome = Manifest.Change.builder();
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
        outcome.owned(path, now);
        continue;
      }
      contents.add(archive.read(want.sha256(), path));
      if (now == null) {
        intent.claimed(path, want);
      }
      outcome.owned(path, want);
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
        intent.claimed(path, owned.get(path)); // the outcome's settling drops the claim
      }
    }
    relative(temps).forEach(intent::temp);
    Manifest during = commit(manifest, intent.build());

    Set<Path> touchedDirs = new LinkedHashSet<>();
    ownedFiles.retainOnly(Set.of()); // a rollback is rare: read everything again after it
    lastOwned = null;
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
    commit(during, renamedAll(outcome.settled(), temps).build());
    return true;
  }

  /**
   * {@code outcome} of a write whose {@code temps} were all renamed into place (and their
   * folders fsynced): the manifest need not name them any more.
   */
  private static Manifest.Change.Builder renamedAll(Manifest.Change.Builder outcome,
      List<Path> temps) {
    return temps.isEmpty() ? outcome : outcome.tempsRemoved();
  }

  /**
   * Records {@code change} of {@code from} (the manifest last read or committed) and returns the
   * manifest after it. The last answer of {@link #readOwned()} and the folder list follow it
   * with the paths it names.
   */
  private Manifest commit(Manifest from, Manifest.Change change) {
    Manifest next = manifests.commit(change);
    if (ownedOf == from) {
      ownedOf = next;
      touched.addAll(change.paths());
    }
    if (foldersOf == from) {
      foldersOf = next;
      change.paths().forEach(path -> ownedFolders.add(folderOf(path)));
    }
    return next;
  }

  /**
   * The manifest with what the store owns now: as it is, unless a crash left it in doubt (a
   * write in progress, or claims). Then the owned files' hashes are read from disk (those gone
   * are no longer owned), a claimed path whose file has exactly the claimed hash is owned, and
   * that is recorded before anything else changes.
   */
  private Manifest settleDoubts(Manifest manifest) {
    if (!manifest.pending() && manifest.claimed().isEmpty()) {
      return manifest;
    }
    Manifest.Change.Builder settle = Manifest.Change.builder();
    if (manifest.pending()) {
      manifest.owned().forEach((path, entry) -> {
        Manifest.Entry actual = currentEntry(resolve(path), entry);
        if (actual == null) {
          settle.disowned(path);
        } else if (!actual.equals(entry)) {
          settle.owned(path, actual);
        }
      });
    }
    manifest.claimed().forEach((path, claim) -> {
      Manifest.Entry actual = currentEntry(resolve(path), claim);
      if (actual != null && actual.sha256().equals(claim.sha256())) {
        settle.owned(path, actual);
      }
    });
    return commit(manifest, settle.settled().build());
  }

  /**
   * Deletes the temporary files the manifest names (left by a crash) and adds their removal to
   * {@code change}. A file whose name merely looks like a temporary file is never touched.
   */
  private void removeTemporaryFiles(Manifest manifest, Manifest.Change.Builder change) {
    if (manifest.temporaryFiles().isEmpty()) {
      return;
    }
    for (String temp : manifest.temporaryFiles()) {
      Path file = resolve(temp);
      if (file.getFileName().toString().contains(AtomicFiles.TEMP_MARKER)) {
        files.deleteTemporary(file);
      }
    }
    change.tempsRemoved();
  }

  private List<String> relative(List<Path> paths) {
    return paths.stream().map(p -> root.relativize(p).toString()).toList();
  }

  private Manifest.Entry currentEntry(Path file, Manifest.Entry want) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null; // gone, or not a file the store wrote (never opened: a FIFO would block)
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      int mode = AtomicFiles.modeOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      return new Manifest.Entry(sha256(bytes), want.kind(), mode);
    } catch (IOException missingOrUnreadable) {
      return null; // rewrite it
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

  /**
   * Refuses paths whose folder (or a folder above it, inside the output folder) is a symbolic
   * link: through it a write or delete would act on files elsewhere, which are not the store's.
   * One {@code lstat} per level of each distinct folder; a missing level is made a real folder
   * later.
   *
   * @throws ConfigStoreException naming the link; nothing was changed
   */
  private void requireRealFolders(Collection<String> paths) {
    Set<String> checked = new HashSet<>();
    for (String path : paths) {
      for (String folder = folderOf(path); !folder.isEmpty() && checked.add(folder);
          folder = folderOf(folder)) {
        if (Files.isSymbolicLink(resolve(folder))) {
          throw new ConfigStoreException("cannot write or delete " + Quoting.quote(path)
              + ": its folder " + Quoting.quote(folder) + " is a symbolic link, and the files "
              + "it leads to are not the controller's; replace it with a folder (nothing was "
              + "changed)");
        }
      }
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
    /** An owned file (or the manifest's journal) was deleted. */
    DELETED,
    /** A record was appended to the manifest's journal and fsynced. */
    APPENDED,
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
