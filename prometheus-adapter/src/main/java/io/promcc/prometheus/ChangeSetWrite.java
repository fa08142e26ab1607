package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * A change set written by {@link AtomicFileStore#write}: the checks, the write-ahead record of
 * the paths it claims and its temporary files, the temporary files, the renames in write order,
 * the deletes, and the outcome recorded in the manifest. Not thread-safe.
 */
final class ChangeSetWrite {
  private final Path root;
  private final OwnedPaths paths;
  private final AtomicFiles files;
  private final RollbackArchive archive;
  private final OwnedFileCache ownedFiles;
  private final ManifestFiles manifests;
  private final ManifestView view;
  private final CrashLeftovers leftovers;

  ChangeSetWrite(OwnedPaths paths, AtomicFiles files, RollbackArchive archive,
      OwnedFileCache ownedFiles, ManifestFiles manifests, ManifestView view,
      CrashLeftovers leftovers) {
    this.root = paths.root();
    this.paths = paths;
    this.files = files;
    this.archive = archive;
    this.ownedFiles = ownedFiles;
    this.manifests = manifests;
    this.view = view;
    this.leftovers = leftovers;
  }

  /** Writes {@code diff} of {@code desired}, as {@link AtomicFileStore#write} does. */
  void write(DesiredState desired, FileDiff diff) {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    for (String path : diff.writes()) {
      paths.requireWritablePath(desired, path);
    }
    paths.requireRealFolders(diff.writes());
    paths.requireRealFolders(diff.deletes());
    Manifest before = leftovers.settleDoubts(manifests.read());
    SortedMap<String, Manifest.Entry> owned = before.owned();
    paths.requireOwned(desired, diff, owned);
    files.ensureDirectory(root);
    Manifest.Change.Builder intent = Manifest.Change.builder();
    leftovers.removeTemporaryFiles(before, intent);

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
      Path target = paths.resolve(path);
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
    paths.relative(temps).forEach(intent::temp);
    Manifest.Change claim = intent.build();
    Manifest.Change.Builder outcome = Manifest.Change.builder();
    for (String path : diff.writes()) {
      outcome.owned(path, entryOf(desired.files().get(path)));
    }
    // the deleted paths' claims go with the others; the temporary files were all renamed
    Manifest.Change done = renamedAll(outcome.settled(), temps).build();
    // refused after the renames (the manifest too large to read back once folded into its
    // file), the write would leave its files claimed, and every later write failing the same way
    manifests.requireFits("cannot write the files: with them", claim, done);
    Manifest during = view.commit(before, claim);

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
        Path target = paths.resolve(path);
        ownedFiles.forget(path);
        files.delete(target);
        touchedDirs.add(target.getParent());
      }
      touchedDirs.forEach(files::fsyncDirectory);

      Manifest after = view.commit(during, done);
      view.followWrite(after, diff, desired);
    } catch (RuntimeException failed) {
      // the files replaced before the failure are trusted as written: the next read builds its
      // answer anew, not from the last one and the manifest's changes
      view.forgetLastAnswer();
      throw failed;
    }
  }

  /**
   * {@code outcome} of a write whose {@code temps} were all renamed into place (and their
   * folders fsynced): the manifest need not name them any more.
   */
  static Manifest.Change.Builder renamedAll(Manifest.Change.Builder outcome,
      List<Path> temps) {
    return temps.isEmpty() ? outcome : outcome.tempsRemoved();
  }

  private static Manifest.Entry entryOf(DesiredFile file) {
    return new Manifest.Entry(file.sha256(), file.kind(), file.mode());
  }
}
