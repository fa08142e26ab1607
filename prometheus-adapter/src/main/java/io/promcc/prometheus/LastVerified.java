package io.promcc.prometheus;

import static io.promcc.prometheus.ChangeSetWrite.renamedAll;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The last verified file set of {@link AtomicFileStore}: {@link #markVerified} keeps its files
 * for rollback in the {@link RollbackArchive} and records the verification in the manifest;
 * {@link #restoreLastVerified()} puts them back. Not thread-safe.
 */
final class LastVerified {
  private final Path root;
  private final OwnedPaths paths;
  private final AtomicFiles files;
  private final RollbackArchive archive;
  /**
   * Whether the rollback folder holds only what the manifest names, as far as this store knows:
   * false until its first verification, and after one that did not finish.
   */
  private boolean archiveTidy;
  private final OwnedFileCache ownedFiles;
  private final ManifestFiles manifests;
  private final ManifestView view;
  private final CrashLeftovers leftovers;

  LastVerified(OwnedPaths paths, AtomicFiles files, RollbackArchive archive,
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

  /** Records {@code verification}, as {@link AtomicFileStore#mark} does with a verification. */
  void markVerified(Verification verification) {
    requireNonNull(verification, "verification == null");
    Manifest manifest = leftovers.settleDoubts(manifests.read());
    SortedMap<String, Manifest.Entry> owned = manifest.owned();
    // a write that crashed may have left temporary files; the settled manifest no longer names
    // a write in progress, so they go now (a verification may follow a crash without a write,
    // when the disk already holds the desired files)
    Manifest.Change.Builder change = Manifest.Change.builder();
    leftovers.removeTemporaryFiles(manifest, change);
    Manifest.Change recorded = change.verifiedOwned(verification).build();
    // one line in the journal, but every later fold writes the verified set whole: recorded
    // past the bound, every later write and rollback would be refused
    manifests.requireFits("not recording the verification: with it", recorded);
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
        archive.keep(sha, paths.resolve(e.getKey()), e.getKey());
      }
    }
    archive.sync();
    view.commit(manifest, recorded);
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
      found = ownedFiles.check(path, paths.resolve(path), entry.kind(), entry.sha256(),
          true);
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read", paths.resolve(path), e);
    }
    if (found.content() == null || !found.content().sha256().equals(entry.sha256())) {
      throw new ConfigStoreException("not recording the verification: " + Quoting.quote(path)
          + " changed since the controller wrote it (by hand?); the next reconcile writes it "
          + "again");
    }
  }

  /**
   * Puts the last verified files back, as {@link AtomicFileStore#restoreLastVerified()} does;
   * false if no verification is recorded.
   */
  boolean restoreLastVerified() {
    Manifest manifest = manifests.read();
    if (manifest.verification().isEmpty()) {
      return false;
    }
    manifest = leftovers.settleDoubts(manifest);
    SortedMap<String, Manifest.Entry> owned = manifest.owned();
    files.ensureDirectory(root);
    Manifest.Change.Builder intent = Manifest.Change.builder();
    leftovers.removeTemporaryFiles(manifest, intent);
    paths.requireRealFolders(manifest.verifiedFiles().keySet());
    SortedMap<String, Manifest.Entry> target = new TreeMap<>();
    manifest.verifiedFiles().forEach((path, want) -> {
      if (owned.containsKey(path)
          || !Files.exists(paths.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
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
      Path file = paths.resolve(path);
      Manifest.Entry now = leftovers.currentEntry(path, want);
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
    paths.relative(temps).forEach(intent::temp);
    Manifest.Change claim = intent.build();
    Manifest.Change done = renamedAll(outcome.settled(), temps).build();
    // refused after the renames, the files put back would stay claimed (as for a write)
    manifests.requireFits("cannot restore the last verified files: with them", claim, done);
    Manifest during = view.commit(manifest, claim);

    Set<Path> touchedDirs = new LinkedHashSet<>();
    ownedFiles.retainOnly(Set.of()); // a rollback is rare: read everything again after it
    view.forgetLastAnswer();
    for (int i = 0; i < targets.size(); i++) {
      Path file = targets.get(i);
      files.ensureDirectory(file.getParent());
      files.writeTemporary(temps.get(i), file, contents.get(i), modes.get(i));
      files.rename(temps.get(i), file);
      touchedDirs.add(file.getParent());
    }
    for (String path : stale) {
      Path file = paths.resolve(path);
      files.delete(file);
      touchedDirs.add(file.getParent());
    }
    touchedDirs.forEach(files::fsyncDirectory);
    view.commit(during, done);
    return true;
  }
}
