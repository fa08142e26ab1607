package io.promcc.prometheus;

import static io.promcc.prometheus.OwnedPaths.folderOf;

import com.google.common.collect.Iterables;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.plan.FileDiff;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The ownership manifest as {@link AtomicFileStore} reads and changes it ({@link #commit}), and
 * the owned files it lists: the answer of {@link #readOwned()}, which follows the store's own
 * changes of the manifest instead of being built anew (how a read looks at the files is told at
 * {@link AtomicFileStore}). Not thread-safe.
 */
final class ManifestView {
  private final ManifestFiles manifests;
  private final OwnedPaths paths;
  private final OwnedFileCache ownedFiles;
  private final OwnedFileWatch watch;
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

  ManifestView(ManifestFiles manifests, OwnedPaths paths, OwnedFileCache ownedFiles,
      OwnedFileWatch watch, Concurrently fileChecks) {
    this.manifests = manifests;
    this.paths = paths;
    this.ownedFiles = ownedFiles;
    this.watch = watch;
    this.fileChecks = fileChecks;
  }

  /** The owned files, as {@link AtomicFileStore#readOwned()} answers. */
  SortedMap<String, DesiredFile> readOwned() {
    Manifest manifest = manifests.read();
    OwnedFileChanges changes = watch.changes(foldersOf(manifest),
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
      Manifest manifest, OwnedFileChanges changes) {
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
    private final OwnedFileChanges changes;
    private final BiConsumer<String, Optional<DesiredFile>> to;
    private final List<Pending> pending = new ArrayList<>();

    /** A file to check on disk, with the hash a claim requires (null for an owned path). */
    private record Pending(String path, Path file, FileKind kind, String recordedSha256,
        String claimedSha256, boolean trustStatus) {}

    /** Reads for {@code changes}, handing each path's file to {@code to}. */
    Reads(OwnedFileChanges changes, BiConsumer<String, Optional<DesiredFile>> to) {
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
      pending.add(new Pending(path, paths.resolve(path), entry.kind(), entry.sha256(),
          claimedSha256, statusMayProve(path)));
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
            return ownedFiles.check(read.path(), read.file(), read.kind(),
                read.recordedSha256(), read.trustStatus());
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

  /**
   * Makes the last answer of {@link #readOwned()} name the files just written instead of those
   * they replaced, so a replaced file is not held until the next read (in merged mode an 87 MB
   * config at 10,000 clusters). The next read still checks every path the write named.
   */
  void followWrite(Manifest after, FileDiff diff, DesiredState desired) {
    if (lastOwned == null || ownedOf != after) {
      return;
    }
    SortedArrayMap.Edit<DesiredFile> out = lastOwned.edit();
    diff.writes().forEach(path -> out.put(path, desired.files().get(path)));
    diff.deletes().forEach(out::remove);
    lastOwned = out.build();
  }

  /** Makes the next {@link #readOwned()} build its answer anew. */
  void forgetLastAnswer() {
    lastOwned = null;
  }

  /**
   * Records {@code change} of {@code from} (the manifest last read or committed) and returns the
   * manifest after it. The last answer of {@link #readOwned()} and the folder list follow it
   * with the paths it names.
   */
  Manifest commit(Manifest from, Manifest.Change change) {
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
}
