package io.promcc.prometheus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What a crash may leave in the output folder of {@link AtomicFileStore}: a manifest in doubt (a
 * write in progress, or claims), settled from the files on disk before anything else changes,
 * and the temporary files the manifest names. Not thread-safe.
 */
final class CrashLeftovers {
  private final OwnedPaths paths;
  private final AtomicFiles files;
  private final ManifestView view;

  CrashLeftovers(OwnedPaths paths, AtomicFiles files, ManifestView view) {
    this.paths = paths;
    this.files = files;
    this.view = view;
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
        Manifest.Entry actual = currentEntry(paths.resolve(path), entry);
        if (actual == null) {
          settle.disowned(path);
        } else if (!actual.equals(entry)) {
          settle.owned(path, actual);
        }
      });
    }
    manifest.claimed().forEach((path, claim) -> {
      Manifest.Entry actual = currentEntry(paths.resolve(path), claim);
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

  Manifest.Entry currentEntry(Path file, Manifest.Entry want) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null; // gone, or not a file the store wrote (never opened: a FIFO would block)
    }
    try {
      if (Files.size(file) > OwnedFileCache.LARGEST) {
        return null; // larger than the store writes: not its file, and not worth hashing
      }
      // hashed in pieces: a file of gigabytes put there by hand is not held in memory
      String sha256 = OwnedFileCache.sha256Of(file);
      int mode = FileModes.modeOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      return new Manifest.Entry(sha256, want.kind(), mode);
    } catch (IOException missingOrUnreadable) {
      return null; // rewrite it
    }
  }
}
