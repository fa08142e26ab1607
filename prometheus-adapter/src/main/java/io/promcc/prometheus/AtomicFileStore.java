package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link ConfigStore} on a POSIX folder (the volume shared with Prometheus).
 *
 * <p>Every file is replaced atomically: the bytes go to a temporary file in the same folder with
 * the wanted mode, are fsynced, renamed over the target, and the folder is fsynced. A crash
 * therefore leaves the old or the new file, never a partial one. Files are written in
 * {@link DesiredState#writeOrder()} (certificates and keys before the config that names them).
 *
 * <p>The ownership manifest {@value #MANIFEST} lists every file the store wrote (path, SHA-256,
 * kind, mode). It is written before new files appear (so a crash never leaves a file the store
 * wrote but does not know it owns) and again after deletions. A path listed in no manifest but
 * present on disk belongs to someone else: the store refuses to replace it and never deletes it.
 *
 * <p>The last verified file set is kept for rollback in {@value #VERIFIED_DIR}, content-addressed
 * by SHA-256, as hard links where the file system allows (no copy: the store never modifies a
 * file in place, it replaces it, so a link keeps the old bytes) and copies otherwise.
 *
 * <p>The output folder is created with mode 0750 and, if others may read it, narrowed to that.
 *
 * <p>Not thread-safe: one reconciler uses it at a time. All methods throw
 * {@link ConfigStoreException} on I/O errors; the message names the path.
 */
public final class AtomicFileStore implements ConfigStore {
  /** File name of the ownership manifest inside the output folder. */
  public static final String MANIFEST = ".promcc-manifest";
  /** Folder (inside the output folder) holding the last verified files by SHA-256. */
  public static final String VERIFIED_DIR = ".promcc-verified";

  private static final String TEMP_MARKER = ".promcc-tmp-";
  private static final int WRITE_THREADS = 8;
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwxr-x---");

  private final Path root;
  private final StepHook hook;

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
    this.root = requireNonNull(root, "root == null").toAbsolutePath().normalize();
    this.hook = requireNonNull(hook, "hook == null");
  }

  /** The output folder. */
  public Path root() {
    return root;
  }

  @Override
  public SortedMap<String, DesiredFile> readOwned() {
    Manifest manifest = readManifest();
    SortedMap<String, DesiredFile> out = new TreeMap<>();
    for (Map.Entry<String, Manifest.Entry> e : manifest.owned().entrySet()) {
      Path file = resolve(e.getKey());
      try {
        byte[] bytes = Files.readAllBytes(file);
        int mode = modeOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        out.put(e.getKey(), DesiredFile.of(e.getValue().kind(), bytes).withMode(mode));
      } catch (NoSuchFileException missing) {
        // listed but gone (removed by hand, or a crash before it was first written): the diff
        // will write it again
      } catch (IOException ex) {
        throw failure("cannot read owned file", file, ex);
      }
    }
    return out;
  }

  @Override
  public void write(DesiredState desired, FileDiff diff) {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    Manifest before = readManifest();
    for (String path : diff.writes()) {
      requireWritablePath(desired, path);
    }
    // every desired path, not only this diff's: a diff applied in parts must not write its first
    // part when a later part would be refused
    List<String> unowned = new ArrayList<>();
    for (String path : desired.files().keySet()) {
      if (!before.owned().containsKey(path)
          && Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS)) {
        unowned.add(path);
      }
    }
    if (!unowned.isEmpty()) {
      throw new UnownedFilesException(unowned, root.toString());
    }
    for (String path : diff.deletes()) {
      if (!before.owned().containsKey(path)) {
        throw new ConfigStoreException("refusing to delete " + Quoting.quote(path)
            + ": the file is not owned by the controller");
      }
    }
    ensureDirectory(root);
    removeStaleTemporaryFiles(before.owned().keySet(), desired.files().keySet());

    // Write-ahead: own the new paths before they appear, so a crash cannot strand them, and
    // mark the write pending: until the final manifest, a hash may not match its file's bytes.
    SortedMap<String, Manifest.Entry> union = new TreeMap<>(before.owned());
    for (String path : diff.writes()) {
      union.putIfAbsent(path, entryOf(desired.files().get(path)));
    }
    Manifest intent = before.withOwned(union, true);
    writeManifest(intent);

    // All temporary files first (fsync in parallel, so the file system can batch the flushes),
    // then the renames one by one in write order: certificates before the config naming them.
    List<Path> targets = new ArrayList<>();
    Set<Path> parents = new HashSet<>();
    for (String path : diff.writes()) {
      Path target = resolve(path);
      if (parents.add(target.getParent())) {
        ensureDirectory(target.getParent());
      }
      targets.add(target);
    }
    List<Path> temps = writeTemporaryFiles(targets, diff.writes(), desired);
    Set<Path> touchedDirs = new LinkedHashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      rename(temps.get(i), targets.get(i));
      touchedDirs.add(targets.get(i).getParent());
    }
    for (String path : diff.deletes()) {
      Path target = resolve(path);
      try {
        Files.deleteIfExists(target);
        hook.reached(Step.DELETED, target);
      } catch (IOException e) {
        throw failure("cannot delete owned file", target, e);
      }
      touchedDirs.add(target.getParent());
    }
    touchedDirs.forEach(this::fsyncDirectory);

    // files this diff did not name keep their recorded hash, unless a crash left the hashes in
    // doubt; then they are read from disk
    SortedMap<String, Manifest.Entry> after = new TreeMap<>(before.pending()
        ? hashesOnDisk(before.owned()) : before.owned());
    for (String path : diff.writes()) {
      after.put(path, entryOf(desired.files().get(path)));
    }
    diff.deletes().forEach(after::remove);
    writeManifest(before.withOwned(after, false));
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
    if (manifest.pending()) {
      manifest = manifest.withOwned(hashesOnDisk(manifest.owned()), false);
    }
    Path objects = root.resolve(VERIFIED_DIR);
    ensureDirectory(objects);
    Set<String> kept = new HashSet<>();
    Set<String> previous = new HashSet<>();
    manifest.verifiedFiles().values().forEach(e -> previous.add(e.sha256()));
    for (Map.Entry<String, Manifest.Entry> e : manifest.owned().entrySet()) {
      String sha = e.getValue().sha256();
      if (!kept.add(sha) || previous.contains(sha)) {
        continue; // done, or kept by the previous verification and still there
      }
      Path object = objects.resolve(sha);
      if (Files.exists(object, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Path source = resolve(e.getKey());
      try {
        try {
          Files.createLink(object, source);
        } catch (UnsupportedOperationException | IOException noLink) {
          replaceAtomically(object, Files.readAllBytes(source), 0600, true);
        }
      } catch (NoSuchFileException gone) {
        throw new ConfigStoreException("cannot keep " + Quoting.quote(e.getKey())
            + " for rollback: the owned file is missing");
      } catch (FileAlreadyExistsException raced) {
        // same content under the same name: fine
      } catch (IOException ex) {
        throw failure("cannot keep file for rollback", source, ex);
      }
    }
    fsyncDirectory(objects);
    writeManifest(manifest.withVerified(verification, manifest.owned()));
    // Only now may objects of the previous verified set go: the manifest no longer names them.
    for (Manifest.Entry old : manifest.verifiedFiles().values()) {
      if (!kept.contains(old.sha256())) {
        try {
          Files.deleteIfExists(objects.resolve(old.sha256()));
        } catch (IOException ex) {
          throw failure("cannot remove old rollback file", objects.resolve(old.sha256()), ex);
        }
      }
    }
  }

  @Override
  public boolean restoreLastVerified() {
    Manifest manifest = readManifest();
    if (manifest.verification().isEmpty()) {
      return false;
    }
    SortedMap<String, Manifest.Entry> owned = manifest.pending()
        ? hashesOnDisk(manifest.owned()) : manifest.owned();
    SortedMap<String, Manifest.Entry> target = new TreeMap<>();
    manifest.verifiedFiles().forEach((path, want) -> {
      if (owned.containsKey(path) || !Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS)) {
        target.put(path, want); // a path someone else's file now holds is never touched
      }
    });
    SortedMap<String, Manifest.Entry> after = new TreeMap<>(owned);
    after.putAll(target);
    writeManifest(manifest.withOwned(after, true));

    List<String> order = new ArrayList<>(target.keySet());
    order.sort(Comparator.comparingInt((String p) -> target.get(p).kind().writeOrder())
        .thenComparing(Comparator.naturalOrder()));
    Set<Path> touchedDirs = new LinkedHashSet<>();
    for (String path : order) {
      Manifest.Entry want = target.get(path);
      Path file = resolve(path);
      Manifest.Entry now = currentEntry(file, want);
      if (want.kind().isConfig() ? want.equals(now) : now != null) {
        // a present certificate or key is never older than the verified one: keep it
        if (now != null) {
          after.put(path, now);
        }
        continue;
      }
      Path object = root.resolve(VERIFIED_DIR).resolve(want.sha256());
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(object);
      } catch (IOException ex) {
        throw failure("cannot restore " + Quoting.quote(path) + ": its rollback copy is unreadable",
            object, ex);
      }
      if (!sha256(bytes).equals(want.sha256())) {
        throw new ConfigStoreException("cannot restore " + Quoting.quote(path)
            + ": its rollback copy " + Quoting.quote(object.toString()) + " was modified");
      }
      ensureDirectory(file.getParent());
      replaceAtomically(file, bytes, want.mode(), false);
      touchedDirs.add(file.getParent());
    }
    // config files the verified set lacks go; certificates stay (a later write deletes them
    // when no longer desired; deleting them here would change what the next reconcile sees)
    List<String> stale = new ArrayList<>();
    for (String path : owned.keySet()) {
      if (!target.containsKey(path) && owned.get(path).kind().isConfig()) {
        stale.add(path);
      }
    }
    for (String path : stale) {
      Path file = resolve(path);
      try {
        Files.deleteIfExists(file);
      } catch (IOException ex) {
        throw failure("cannot delete owned file", file, ex);
      }
      after.remove(path);
      touchedDirs.add(file.getParent());
    }
    touchedDirs.forEach(this::fsyncDirectory);
    writeManifest(manifest.withOwned(after, false));
    return true;
  }

  /** The owned files as they are on disk, after a crash left the manifest's hashes in doubt. */
  private SortedMap<String, Manifest.Entry> hashesOnDisk(SortedMap<String, Manifest.Entry> owned) {
    SortedMap<String, Manifest.Entry> out = new TreeMap<>();
    owned.forEach((path, entry) -> {
      Manifest.Entry actual = currentEntry(resolve(path), entry);
      if (actual != null) {
        out.put(path, actual);
      }
    });
    return out;
  }

  private Manifest.Entry currentEntry(Path file, Manifest.Entry want) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int mode = modeOf(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      return new Manifest.Entry(sha256(bytes), want.kind(), mode);
    } catch (IOException missingOrUnreadable) {
      return null; // rewrite it
    }
  }

  private Manifest readManifest() {
    Path file = root.resolve(MANIFEST);
    try {
      return Manifest.parse(Files.readString(file, StandardCharsets.UTF_8),
          Quoting.quote(file.toString()));
    } catch (NoSuchFileException none) {
      return Manifest.EMPTY;
    } catch (IOException e) {
      throw failure("cannot read ownership manifest", file, e);
    }
  }

  private void writeManifest(Manifest manifest) {
    ensureDirectory(root);
    replaceAtomically(root.resolve(MANIFEST),
        manifest.format().getBytes(StandardCharsets.UTF_8), 0640, true);
  }

  /**
   * Temp file in the same folder, fsync, rename over the target, optionally fsync the folder.
   * Errors other than I/O errors (a simulated crash in tests) propagate without clean-up, exactly
   * as a killed process would leave things.
   */
  private void replaceAtomically(Path target, byte[] bytes, int mode, boolean syncDirectory) {
    rename(writeTemporary(target, bytes, mode), target);
    if (syncDirectory) {
      fsyncDirectory(target.getParent());
    }
  }

  /** Writes and fsyncs a temporary file next to {@code target}; returns its path. */
  private Path writeTemporary(Path target, byte[] bytes, int mode) {
    Path temp = target.getParent().resolve("." + target.getFileName() + TEMP_MARKER
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    Set<PosixFilePermission> perms = permissionsOf(mode);
    try {
      try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(perms))) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // the umask may have removed bits at creation; set exactly what was asked
        Files.setPosixFilePermissions(temp, perms);
        channel.force(true);
      }
      hook.reached(Step.TEMP_WRITTEN, target);
      return temp;
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw failure("cannot write", target, e);
    }
  }

  private void rename(Path temp, Path target) {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      hook.reached(Step.RENAMED, target);
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw failure("cannot write", target, e);
    }
  }

  private static void deleteQuietly(Path temp, IOException reported) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException suppressed) {
      reported.addSuppressed(suppressed);
    }
  }

  /**
   * Writes the temporary files of {@code paths} concurrently (fsync is the slow part, and
   * concurrent fsyncs share journal commits). On an I/O failure the finished temporary files are
   * removed and nothing has been renamed; any other throwable propagates as in a crash.
   */
  private List<Path> writeTemporaryFiles(List<Path> targets, List<String> paths,
      DesiredState desired) {
    int n = targets.size();
    if (n <= 1) {
      List<Path> one = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        DesiredFile file = desired.files().get(paths.get(i));
        one.add(writeTemporary(targets.get(i), file.content(), file.mode()));
      }
      return one;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, WRITE_THREADS), runnable -> {
      Thread thread = new Thread(runnable, "promcc-file-store-write");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Path>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Path target = targets.get(i);
        DesiredFile file = desired.files().get(paths.get(i));
        futures.add(pool.submit(() -> writeTemporary(target, file.content(), file.mode())));
      }
      List<Path> temps = new ArrayList<>(n);
      Throwable failure = null;
      for (Future<Path> future : futures) {
        try {
          temps.add(future.get());
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = failure == null ? e : failure;
        }
      }
      if (failure instanceof Error error) {
        throw error; // a crash: leave everything as it is
      }
      if (failure != null) {
        for (Path temp : temps) {
          deleteQuietly(temp, new IOException("clean-up"));
        }
        if (failure instanceof ConfigStoreException e) {
          throw e;
        }
        throw new ConfigStoreException("cannot write files to " + Quoting.quote(root.toString())
            + ": " + failure, failure);
      }
      return temps;
    } finally {
      pool.shutdownNow();
    }
  }

  private void fsyncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw failure("cannot sync folder", dir, e);
    }
  }

  private void ensureDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        Files.setPosixFilePermissions(dir, DIR_MODE);
      } else if (dir.equals(root)) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.remove(PosixFilePermission.OTHERS_READ)
            | perms.remove(PosixFilePermission.OTHERS_WRITE)
            | perms.remove(PosixFilePermission.OTHERS_EXECUTE)) {
          Files.setPosixFilePermissions(dir, perms);
        }
      }
    } catch (IOException e) {
      throw failure("cannot prepare folder", dir, e);
    }
  }

  /** Deletes temporary files a crash left behind, in the folders the store writes to. */
  private void removeStaleTemporaryFiles(Set<String> owned, Set<String> desired) {
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(root);
    for (String path : owned) {
      dirs.add(resolve(path).getParent());
    }
    for (String path : desired) {
      dirs.add(resolve(path).getParent());
    }
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".*" + TEMP_MARKER + "*")) {
        for (Path temp : temps) {
          Files.deleteIfExists(temp);
        }
      } catch (IOException | UncheckedIOException e) {
        throw new ConfigStoreException("cannot clean temporary files in "
            + Quoting.quote(dir.toString()) + ": " + e.getMessage(), e);
      }
    }
  }

  private void requireWritablePath(DesiredState desired, String path) {
    if (!desired.files().containsKey(path)) {
      throw new IllegalArgumentException("diff writes " + Quoting.quote(path)
          + ", which is not a file of the desired state");
    }
    if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.startsWith(".promcc-")
        || path.contains(TEMP_MARKER)) {
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
    return new Manifest.Entry(sha256(file.content()), file.kind(), file.mode());
  }

  static String sha256(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  private static ConfigStoreException failure(String what, Path path, IOException cause) {
    return new ConfigStoreException(what + " " + Quoting.quote(path.toString()) + ": "
        + cause, cause);
  }

  static Set<PosixFilePermission> permissionsOf(int mode) {
    Set<PosixFilePermission> perms = new HashSet<>();
    PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE,
        PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(bits[i]);
      }
    }
    return perms;
  }

  static int modeOf(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= switch (p) {
        case OTHERS_EXECUTE -> 01;
        case OTHERS_WRITE -> 02;
        case OTHERS_READ -> 04;
        case GROUP_EXECUTE -> 010;
        case GROUP_WRITE -> 020;
        case GROUP_READ -> 040;
        case OWNER_EXECUTE -> 0100;
        case OWNER_WRITE -> 0200;
        case OWNER_READ -> 0400;
      };
    }
    return mode;
  }

  /** Points between the steps of a write; tests throw from them to simulate a crash. */
  enum Step {
    /** The temporary file is complete and fsynced, the target not yet replaced. */
    TEMP_WRITTEN,
    /** The target was replaced by the rename. */
    RENAMED,
    /** An owned file was deleted. */
    DELETED
  }

  /** Called at each {@link Step}; the production hook does nothing. */
  @FunctionalInterface
  interface StepHook {
    StepHook NONE = (step, path) -> {};

    void reached(Step step, Path path) throws IOException;
  }
}
