package io.promcc.app.local;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.Sleeper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The local CA's state folder:
 * <pre>
 * STATE/            0700
 *   ca.pem          0644  the CA certificate
 *   ca-key.pem      0600  its key
 *   ca.lock               held while the CA is loaded or created (several processes may share it)
 *   run.lock              held by the promcc run using the folder, for its life (see Controller)
 *   clients/        0700
 *     ID-crt.pem    0600  the client certificate of guest cluster ID
 *     ID-key.pem    0600  its key
 * </pre>
 * This class keeps the CA: it loads ({@link StoredCa}) or creates it under the folder's lock
 * ({@link CaFolderLock}); {@link ClientFiles} keeps the client certificates. Thread-safe but
 * for {@link #loadedWithoutLock()}, which tells of the last load: one load at a time.
 */
final class CaStore {
  private static final System.Logger LOG = System.getLogger(CaStore.class.getName());
  static final String CA_FILE = "ca.pem";
  static final String KEY_FILE = "ca-key.pem";
  private static final String LOCK_FILE = "ca.lock";

  /** The CA: its certificate, key and PEM. {@link #toString()} shows no key. */
  record Authority(X509Certificate certificate, PrivateKey key, String pem) {
    Instant notAfter() {
      return certificate.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
      return "Authority{" + certificate.getSubjectX500Principal().getName() + ", until "
          + notAfter() + ", key <secret>}";
    }
  }

  /** Reads a key file; a seam for tests of read failures (root is not stopped by modes). */
  @FunctionalInterface
  interface KeyReader {
    /** As {@link RegularFiles#readPem}. */
    String read(Path file, LinkOption... options) throws IOException;
  }

  private final Path folder;
  private final KeyReader keyReader;
  private final CaFolderLock folderLock;
  private String unlocked; // why the last load went without the lock, or null

  CaStore(Path folder) {
    this(folder, CaFolderLock.LOCK_WAIT);
  }

  /**
   * @param lockWait how long to wait for the folder's lock, which another process (a second
   *     controller on the same folder) may hold
   */
  CaStore(Path folder, Duration lockWait) {
    this(folder, lockWait, RegularFiles::readPem);
  }

  /** As {@link #CaStore(Path, Duration)}, reading a key without its certificate with it. */
  CaStore(Path folder, Duration lockWait, KeyReader keyReader) {
    this(folder, lockWait, keyReader, System::nanoTime, Sleeper.SYSTEM, FileChannel::tryLock);
  }

  /**
   * As {@link #CaStore(Path, Duration, KeyReader)}, waiting for the folder's lock with
   * {@code sleeper}, timed on {@code ticker} (nanoseconds, as {@link System#nanoTime()}), trying
   * it with {@code locker}.
   */
  CaStore(Path folder, Duration lockWait, KeyReader keyReader, LongSupplier ticker,
      Sleeper sleeper, CaFolderLock.Locker locker) {
    this.folder = folder.toAbsolutePath().normalize();
    this.keyReader = keyReader;
    this.folderLock = new CaFolderLock(this.folder, lockWait, ticker, sleeper, locker);
  }

  Path folder() {
    return folder;
  }

  /** Why the last {@link #loadOrCreate} loaded the CA without the folder's lock, if it did. */
  Optional<String> loadedWithoutLock() {
    return Optional.ofNullable(unlocked);
  }

  /**
   * Loads the CA, or creates one if the folder holds none.
   *
   * @throws LocalCaException if the folder cannot be made or holds an unusable CA
   */
  Authority loadOrCreate(Instant now, Duration validity, String commonName) {
    return loadOrCreate(now, validity, commonName, () -> false);
  }

  /**
   * As above, ending the wait for the folder's lock once {@code stopped} says so: it is asked
   * before each try after the first.
   *
   * @throws LocalCaException also if it was stopped while waiting for the lock
   */
  Authority loadOrCreate(Instant now, Duration validity, String commonName,
      BooleanSupplier stopped) {
    unlocked = null;
    try {
      PrivateFiles.createFolder(folder);
      refuseIfOthersMayWrite();
    } catch (IOException e) {
      throw new LocalCaException("local CA state folder " + quote(folder) + " cannot be "
          + "created (" + FileFailures.reason(e) + ")", e);
    }
    try (CaFolderLock.Claim claim = folderLock.claim(stopped)) {
      return loadOrCreate(now, validity, commonName, stopped, claim);
    }
  }

  /** As above, the folder claimed in this process: its lock file may be opened and closed. */
  private Authority loadOrCreate(Instant now, Duration validity, String commonName,
      BooleanSupplier stopped, CaFolderLock.Claim claim) {
    Path lockFile = folder.resolve(LOCK_FILE);
    Path certificate = folder.resolve(CA_FILE);
    FileChannel channel;
    try {
      // a link there is not followed: nothing is created or locked elsewhere through it
      channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString(PrivateFiles.OWNER_ONLY)));
    } catch (IOException e) {
      if (Files.exists(certificate, LinkOption.NOFOLLOW_LINKS)) {
        // a folder that cannot be written (a read-only or full volume): nothing can be
        // created in it, so there is nothing to wait for, and a CA whose certificate is there
        // is complete (written after its key). Its stored client certificates are served;
        // issuing new ones fails and is reported
        Authority loaded = StoredCa.load(certificate, folder.resolve(KEY_FILE), now);
        unlocked = "local CA state folder " + quote(folder) + " cannot be written (cannot "
            + "lock " + quote(lockFile) + ": " + FileFailures.reason(e) + "): its CA was "
            + "loaded without the lock, "
            + "and its stored client certificates are served while valid, but no new one can "
            + "be stored";
        return loaded;
      }
      throw new LocalCaException("cannot lock local CA state folder " + quote(folder) + " ("
          + quote(lockFile) + ": " + FileFailures.reason(e) + ")", e);
    }
    try (channel; FileLock lock = folderLock.acquire(claim, channel, lockFile, stopped)) {
      if (Files.exists(certificate, LinkOption.NOFOLLOW_LINKS)) {
        return StoredCa.load(certificate, folder.resolve(KEY_FILE), now);
      }
      Path key = folder.resolve(KEY_FILE);
      String unusable = null; // why a key found without its certificate is not kept
      if (Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
        // the key is never made again while it can be used: what it signed stays valid
        KeyPair orphan;
        try {
          orphan = StoredCa.orphanKey(key, keyReader);
        } catch (NoSuchFileException gone) {
          if (Files.isSymbolicLink(key)) {
            // a link to nothing (a volume not mounted yet): the key it names may come back
            throw new LocalCaException("local CA key " + quote(key) + " cannot be read (a "
                + "link to a file that does not exist), and its certificate "
                + quote(certificate) + " is missing; restore what it links to, to keep the "
                + "client certificates it signed, or move it away to create a new local CA",
                gone);
          }
          orphan = null; // deleted since: there is nothing to keep
        } catch (GeneralSecurityException e) {
          orphan = null;
          unusable = e.getMessage();
        } catch (IOException e) {
          // not its content: a wrong owner or mode, a failing disk. It may be the key that
          // signed every client certificate the guests take, so it is not replaced
          throw new LocalCaException("local CA key " + quote(key) + " cannot be read ("
              + FileFailures.reason(e) + "), and its certificate " + quote(certificate)
              + " is missing; let promcc read it (its owner and mode) to keep the client "
              + "certificates it signed, or move it away to create a new local CA", e);
        }
        if (orphan != null) {
          Authority completed = certify(orphan, now, validity, commonName);
          LOG.log(Level.WARNING, "local CA key " + quote(key) + " had no certificate (its "
              + "creation was cut off, or " + quote(certificate) + " could not be written or "
              + "was deleted): a new certificate was made for it, until "
              + completed.notAfter() + "; guest API servers that trusted the old one take its "
              + "client certificates still, and must trust the new " + CA_FILE + " before the "
              + "old one ends");
          return completed;
        }
      }
      Authority created = create(now, validity, commonName);
      if (unusable != null) {
        // only once the new CA is written: a failed write replaced nothing, and says so itself
        LOG.log(Level.WARNING, "local CA key " + quote(key) + " had no certificate (its "
            + "creation was cut off, or " + quote(certificate) + " could not be written or "
            + "was deleted) and cannot be used (" + unusable + "): it was replaced by a new "
            + "CA, whose client certificates guest API servers trusting the old one refuse");
      }
      LOG.log(Level.INFO, "created a local CA in " + quote(folder) + " ("
          + created.certificate().getSubjectX500Principal().getName() + ", until "
          + created.notAfter() + "); guest API servers that take its client certificates "
          + "must trust its " + CA_FILE);
      return created;
    } catch (IOException e) {
      throw new LocalCaException("cannot lock local CA state folder " + quote(folder) + " ("
          + quote(lockFile) + ": " + FileFailures.reason(e) + ")", e);
    }
  }

  /**
   * Refuses a folder that others may write to: they could replace the CA's files or put links in
   * their place. Its mode is not changed (it may be a shared folder such as {@code /tmp}).
   */
  private void refuseIfOthersMayWrite() throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(folder);
    if (mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new LocalCaException("local CA state folder " + quote(folder) + " is writable by "
          + "others (" + PosixFilePermissions.toString(mode) + "): name a folder only its owner "
          + "may write to, or a new one (promcc makes it rwx------)");
    }
  }

  private Authority create(Instant now, Duration validity, String commonName) {
    KeyPair keys;
    try {
      keys = Pki.newKeyPair();
      // key first: a crash or a failed write in between leaves a key without certificate, which
      // the next start makes a certificate for (certify), never a new key
      PrivateFiles.write(folder.resolve(KEY_FILE), Pki.pem(keys.getPrivate()).revealBytes(),
          PrivateFiles.OWNER_ONLY, true);
    } catch (IOException e) {
      throw new LocalCaException("cannot create a local CA in " + quote(folder) + ": "
          + FileFailures.failed("writing its key " + quote(folder.resolve(KEY_FILE)), e), e);
    } catch (GeneralSecurityException e) {
      throw new LocalCaException("cannot create a local CA in " + quote(folder) + ": " + e, e);
    }
    return certify(keys, now, validity, commonName);
  }

  /** Makes and stores a CA certificate for {@code keys}, whose key is stored already. */
  private Authority certify(KeyPair keys, Instant now, Duration validity, String commonName) {
    try {
      X509Certificate certificate = Pki.selfSignedCa(keys, commonName,
          now.minus(LocalCa.BACKDATE), now.plus(validity));
      String pem = Pki.pem(certificate);
      PrivateFiles.write(folder.resolve(CA_FILE), pem.getBytes(StandardCharsets.US_ASCII),
          PrivateFiles.WORLD_READABLE, true);
      return new Authority(certificate, keys.getPrivate(), pem);
    } catch (IOException e) {
      throw new LocalCaException("cannot create a local CA in " + quote(folder) + ": "
          + FileFailures.failed("writing its certificate " + quote(folder.resolve(CA_FILE)), e),
          e);
    } catch (GeneralSecurityException e) {
      throw new LocalCaException("cannot create a local CA in " + quote(folder) + ": " + e, e);
    }
  }

  private static String quote(Path path) {
    return Quoting.quote(path.toString());
  }
}
