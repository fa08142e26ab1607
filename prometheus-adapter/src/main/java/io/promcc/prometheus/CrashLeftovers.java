package io.promcc.prometheus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * What a crash may leave in the output folder of {@link AtomicFileStore}: a manifest in doubt (a
 * write in progress, or claims), settled from the files on disk before anything else changes,
 * and the temporary files the manifest names. Not thread-safe.
 */
final class CrashLeftovers {
  private final OwnedPaths paths;
  private final AtomicFiles files;
  private final ManifestView view;
  private final OwnedFileCache ownedFiles;

  CrashLeftovers(OwnedPaths paths, AtomicFiles files, ManifestView view,
      OwnedFileCache ownedFiles) {
    this.paths = paths;
    this.files = files;
    this.view = view;
    this.ownedFiles = ownedFiles;
  }

  /**
   * The manifest with what the store owns now: as it is, unless a crash left it in doubt (a
   * write in progress, or claims). Then the owned files' hashes are read from disk, in pieces
   * (those gone, or larger than the store writes, are no longer owned), a claimed path whose
   * file has exactly the claimed hash is owned, and that is recorded before anything else changes.
   */
  Manifest settleDoubts(Manifest manifest) {
    if (!manifest.pending() && manifest.claimed().isEmpty()) {
      return manifest;
    }
    Manifest.Change.Builder settle = Manifest.Change.builder();
    if (manifest.pending()) {
      manifest.owned().forEach((path, entry) -> {
        Manifest.Entry actual = currentEntry(path, entry);
        if (actual == null) {
          settle.disowned(path);
        } else if (!actual.equals(entry)) {
          settle.owned(path, actual);
        }
      });
    }
    manifest.claimed().forEach((path, claim) -> {
      Manifest.Entry actual = currentEntry(path, claim);
      if (actual != null && actual.sha256().equals(claim.sha256())) {
        settle.owned(path, actual);
      }
    });
    return view.commit(manifest, settle.settled().build());
  }

  /**
   * Deletes the temporary files the manifest names (left by a crash) and adds their removal to
   * {@code change}. A file whose name merely looks like a temporary file is never touched.
   */
  void removeTemporaryFiles(Manifest manifest, Manifest.Change.Builder change) {
    if (manifest.temporaryFiles().isEmpty()) {
      return;
    }
    for (String temp : manifest.temporaryFiles()) {
      Path file = paths.resolve(temp);
      if (file.getFileName().toString().contains(AtomicFiles.TEMP_MARKER)) {
        files.deleteTemporary(file);
      }
    }
    change.tempsRemoved();
  }

  /**
   * What the owned (or claimed) {@code path} holds now, as an entry of {@code want}'s kind; null
   * if it is gone, not a regular file, or larger than the store writes.
   */
  Manifest.Entry currentEntry(String path, Manifest.Entry want) {
    Path file = paths.resolve(path);
    try {
      PosixFileAttributes status = Files.readAttributes(file, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!status.isRegularFile()) {
        return null; // not a file the store wrote (never opened: a FIFO would block)
      }
      if (status.size() > OwnedFileCache.LARGEST) {
        return null; // larger than the store writes: not its file, and not worth hashing
      }
      // hashed in pieces: a file of gigabytes put there by hand is not held in memory
      String sha256 = ownedFiles.sha256(path, file, status);
      return new Manifest.Entry(sha256, want.kind(), FileModes.modeOf(status.permissions()));
    } catch (IOException missingOrUnreadable) {
      return null; // rewrite it
    }
  }
}
