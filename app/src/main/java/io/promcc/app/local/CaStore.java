package io.promcc.app.local;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import io.promcc.core.port.Sleeper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

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
 * This class keeps the CA; {@link ClientFiles} the client certificates. Thread-safe (no state
 * besides the folder's path).
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

  /** Tries the folder's lock once; a seam for tests of a lock another process holds. */
  @FunctionalInterface
  interface Locker {
    /**
     * As {@link FileChannel#tryLock()}: null if another process holds it, an
     * {@link OverlappingFileLockException} if this one does.
     */
    FileLock tryLock(FileChannel channel) throws IOException;
  }

  /** How long the folder's lock is waited for by default. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(30);
  /** How often the folder's lock is tried while another process holds it. */
  static final Duration LOCK_POLL = Duration.ofMillis(50);

  private final Path folder;
  private final Duration lockWait;
  private final KeyReader keyReader;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Locker locker;
  private String unlocked; // why the last load went without the lock, or null

  CaStore(Path folder) {
    this(folder, LOCK_WAIT);
  }

  /** Waits for the folder's lock (at most {@link #LOCK_WAIT}) on {@code clock}. */
  CaStore(Path folder, Clock clock) {
    this(folder, LOCK_WAIT, RegularFiles::readPem, clock, Sleeper.SYSTEM, FileChannel::tryLock);
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
    this(folder, lockWait, keyReader, Clock.systemUTC(), Sleeper.SYSTEM, FileChannel::tryLock);
  }

  /**
   * As {@link #CaStore(Path, Duration, KeyReader)}, waiting for the folder's lock on
   * {@code clock} with {@code sleeper}, trying it with {@code locker}.
   */
  CaStore(Path folder, Duration lockWait, KeyReader keyReader, Clock clock, Sleeper sleeper,
      Locker locker) {
    this.folder = folder.toAbsolutePath().normalize();
    this.lockWait = lockWait;
    this.keyReader = keyReader;
    this.clock = clock;
    this.sleeper = sleeper;
    this.locker = locker;
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
          + "created: " + e, e);
    }
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
        Authority loaded = load(certificate, folder.resolve(KEY_FILE), now);
        unlocked = "local CA state folder " + quote(folder) + " cannot be written (cannot "
            + "lock " + quote(lockFile) + ": " + e + "): its CA was loaded without the lock, "
            + "and its stored client certificates are served while valid, but no new one can "
            + "be stored";
        return loaded;
      }
      throw new LocalCaException("cannot lock local CA state folder " + quote(folder) + " ("
          + quote(lockFile) + "): " + e, e);
    }
    try (channel; FileLock lock = lock(channel, lockFile, stopped)) {
      if (Files.exists(certificate, LinkOption.NOFOLLOW_LINKS)) {
        return load(certificate, folder.resolve(KEY_FILE), now);
      }
      Path key = folder.resolve(KEY_FILE);
      String unusable = null; // why a key found without its certificate is not kept
      if (Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
        // the key is never made again while it can be used: what it signed stays valid
        KeyPair orphan;
        try {
          orphan = orphanKey(key);
        } catch (NoSuchFileException gone) {
          if (Files.isSymbolicLink(key)) {
            // a link to nothing (a volume not mounted yet): the key it names may come back
            throw new LocalCaException("local CA key " + quote(key) + " cannot be read ("
                + gone + ": a link to a file that does not exist), and its certificate "
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
          throw new LocalCaException("local CA key " + quote(key) + " cannot be read (" + e
              + "), and its certificate " + quote(certificate) + " is missing; let promcc "
              + "read it (its owner and mode) to keep the client certificates it signed, or "
              + "move it away to create a new local CA", e);
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
          + quote(lockFile) + "): " + e, e);
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

  /**
   * The folder's lock, waited for at most {@link #lockWait} on the clock. Each sleep counts the
   * clock's time across it, but at least its length and at most twice it: a wall clock set back
   * while waiting does not stretch the wait, nor one set forward cut it short. Ends, without a
   * try more, once {@code stopped} says so.
   */
  private FileLock lock(FileChannel channel, Path lockFile, BooleanSupplier stopped)
      throws IOException {
    Duration waited = Duration.ZERO;
    while (true) {
      FileLock lock;
      try {
        lock = locker.tryLock(channel);
      } catch (OverlappingFileLockException heldInThisProcess) {
        // another CA of this process on this folder: waited for as another process is, not
        // under a lock of the process, which would hold up every folder's start with this one
        lock = null;
      }
      if (lock != null) {
        return lock;
      }
      if (waited.compareTo(lockWait) >= 0) {
        throw new LocalCaException("local CA state folder " + quote(folder) + " is locked by "
            + "another process (" + quote(lockFile) + "), still after " + lockWait
            + ": is a second promcc using it?");
      }
      Instant before = clock.instant();
      try {
        sleeper.sleep(LOCK_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalCaException("interrupted while waiting for the lock of local CA state "
            + "folder " + quote(folder));
      }
      waited = waited.plus(between(Duration.between(before, clock.instant()), LOCK_POLL,
          LOCK_POLL.multipliedBy(2)));
      if (stopped.getAsBoolean()) {
        throw new LocalCaException("local CA in " + quote(folder) + " was closed while its "
            + "start waited for the lock of its state folder");
      }
    }
  }

  /** {@code value}, but at least {@code min} and at most {@code max}. */
  private static Duration between(Duration value, Duration min, Duration max) {
    return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
  }

  private Authority load(Path certificateFile, Path keyFile, Instant now) {
    X509Certificate certificate;
    try {
      certificate = CertificateBundle.parseCertificate(RegularFiles.readPem(certificateFile),
          "local CA certificate " + quote(certificateFile));
    } catch (RegularFiles.UnfitFileException e) {
      // gigabytes are no certificate: refused as a malformed one is
      throw new LocalCaException("local CA certificate " + e.getMessage() + "; move it away to "
          + "create a new local CA", e);
    } catch (RegularFiles.NotRegularFileException e) {
      throw new LocalCaException("local CA certificate " + quote(certificateFile)
          + " cannot be read: " + e.problem(), e); // the exception's message names it too
    } catch (IOException e) {
      throw new LocalCaException("local CA certificate " + quote(certificateFile)
          + " cannot be read: " + e, e);
    } catch (InvalidValueException e) {
      throw new LocalCaException(e.getMessage() + "; move it away to create a new local CA", e);
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new LocalCaException("local CA certificate " + quote(certificateFile)
          + " is not a CA certificate; move it away to create a new local CA");
    }
    PrivateKey key;
    try {
      key = Pki.parsePrivateKey(Secret.of(RegularFiles.readPem(keyFile)));
      String opened = PrivateFiles.openToOthers(keyFile); // the file read, also through a link
      if (opened != null) {
        throw new LocalCaException("local CA key " + quote(keyFile) + " may be read by others ("
            + opened + "): make it rw------- (chmod 600) if nobody else has read it, else move "
            + "the CA's files away to create a new local CA");
      }
    } catch (NoSuchFileException e) {
      throw new LocalCaException("local CA key " + quote(keyFile) + " does not exist, but its "
          + "certificate " + quote(certificateFile) + " does; restore the key, or move the "
          + "certificate away to create a new local CA");
    } catch (RegularFiles.UnfitFileException e) {
      throw new LocalCaException("local CA key " + e.getMessage(), e); // as a malformed one
    } catch (RegularFiles.NotRegularFileException e) {
      throw new LocalCaException("local CA key " + quote(keyFile) + " cannot be read: "
          + e.problem(), e);
    } catch (IOException e) {
      throw new LocalCaException("local CA key " + quote(keyFile) + " cannot be read: " + e, e);
    } catch (GeneralSecurityException e) {
      throw new LocalCaException("local CA key " + quote(keyFile) + " " + e.getMessage());
    }
    if (!Pki.matches(key, certificate.getPublicKey())) {
      throw new LocalCaException("local CA key " + quote(keyFile) + " does not match the "
          + "certificate " + quote(certificateFile) + "; restore the right key, or move both "
          + "away to create a new local CA");
    }
    if (!now.isBefore(certificate.getNotAfter().toInstant())) {
      throw new LocalCaException("local CA certificate " + quote(certificateFile)
          + " expired at " + certificate.getNotAfter().toInstant() + "; move " + CA_FILE
          + " and " + KEY_FILE + " away to create a new local CA");
    }
    return new Authority(certificate, key, Pki.pem(certificate));
  }

  private Authority create(Instant now, Duration validity, String commonName) {
    KeyPair keys;
    try {
      keys = Pki.newKeyPair();
      // key first: a crash or a failed write in between leaves a key without certificate, which
      // the next start makes a certificate for (certify), never a new key
      PrivateFiles.write(folder.resolve(KEY_FILE), Pki.pem(keys.getPrivate()).revealBytes(),
          PrivateFiles.OWNER_ONLY, true);
    } catch (IOException | GeneralSecurityException e) {
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
    } catch (IOException | GeneralSecurityException e) {
      throw new LocalCaException("cannot create a local CA in " + quote(folder) + ": " + e, e);
    }
  }

  /**
   * The stored key found without its certificate, with its public key, if it can be used: only
   * its owner may read it, and it parses. A link is followed, as {@link #load} follows it: the
   * file it names is judged, not the link's own mode (rwxrwxrwx), and replacing the key would
   * swap out the link and leave that file behind.
   *
   * @throws GeneralSecurityException if it cannot be used: others may read it, it is no regular
   *     file, or what it holds is no key (too large, not ASCII, does not parse)
   * @throws IOException if it cannot be read
   */
  private KeyPair orphanKey(Path keyFile) throws IOException, GeneralSecurityException {
    String opened = PrivateFiles.openToOthers(keyFile);
    if (opened != null) {
      throw new GeneralSecurityException("it may be read by others (" + opened + ")");
    }
    if (!Files.isRegularFile(keyFile)) {
      throw new GeneralSecurityException("it is not a regular file");
    }
    String pem;
    try {
      pem = keyReader.read(keyFile);
    } catch (RegularFiles.UnfitFileException | CharacterCodingException e) {
      throw new GeneralSecurityException(e.toString(), e);
    }
    PrivateKey key = Pki.parsePrivateKey(Secret.of(pem));
    return new KeyPair(Pki.publicKeyOf(key), key);
  }

  private static String quote(Path path) {
    return Quoting.quote(path.toString());
  }
}
