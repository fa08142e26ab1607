package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA's key is written before its certificate: a creation cut off between the two, or a
 * {@code ca.pem} that could not be written or was deleted, leaves the key alone. The next start
 * makes a certificate for that key instead of a new key, so nothing it signed is lost.
 */
class CaStoreOrphanKeyTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path temp;
  private final LogCapture log = LogCapture.of(CaStore.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  private CaStore.Authority load(Path state, Instant now) {
    return new CaStore(state).loadOrCreate(now, Duration.ofDays(3650), "promcc local CA");
  }

  @Test
  void aKeyWithoutItsCertificateGetsANewCertificateAndKeepsWhatItSigned() throws Exception {
    Path state = temp.resolve("state");
    CaStore.Authority first = load(state, NOW);
    KeyPair client = Pki.newKeyPair();
    X509Certificate signed = Pki.issue(first.certificate(), first.key(), client.getPublic(),
        "prometheus.a", List.of(), KeyPurposeId.id_kp_clientAuth, NOW, NOW.plusSeconds(3600));
    Files.delete(state.resolve(CaStore.CA_FILE)); // as a ca.pem that could not be written
    log.clear();

    CaStore.Authority next = load(state, NOW.plus(Duration.ofDays(1)));

    // the same key, whatever provider's encoding each side has
    assertTrue(Pki.matches(next.key(), first.certificate().getPublicKey()), "the key was replaced");
    assertTrue(Pki.signedBy(signed, next.certificate()));
    assertEquals(first.certificate().getSubjectX500Principal(),
        next.certificate().getSubjectX500Principal());
    assertTrue(Files.exists(state.resolve(CaStore.CA_FILE)));
    assertEquals(next.pem(), load(state, NOW.plus(Duration.ofDays(2))).pem(), "not stored");
    List<LogRecord> records = log.records();
    assertEquals(1, records.size(), log.messages().toString());
    assertEquals(Level.WARNING, records.get(0).getLevel());
    assertEquals("local CA key \"" + state.resolve(CaStore.KEY_FILE) + "\" had no certificate "
        + "(its creation was cut off, or \"" + state.resolve(CaStore.CA_FILE) + "\" could not "
        + "be written or was deleted): a new certificate was made for it, until "
        + next.notAfter() + "; guest API servers that trusted the old one take its client "
        + "certificates still, and must trust the new " + CaStore.CA_FILE + " before the old "
        + "one ends", records.get(0).getMessage());
  }

  @Test
  void aKeyWithoutItsCertificateThatCannotBeReadIsReplacedAndSaysSo() throws Exception {
    Path state = temp.resolve("state");
    CaStore.Authority first = load(state, NOW);
    Files.delete(state.resolve(CaStore.CA_FILE));
    Files.writeString(state.resolve(CaStore.KEY_FILE), "-----BEGIN PRIVATE KEY-----\ncut");
    log.clear();

    CaStore.Authority next = load(state, NOW);

    assertNotEquals(first.pem(), next.pem());
    List<LogRecord> records = log.records();
    assertEquals(2, records.size(), log.messages().toString());
    assertEquals(Level.WARNING, records.get(0).getLevel());
    assertTrue(records.get(0).getMessage().startsWith("local CA key \""
        + state.resolve(CaStore.KEY_FILE) + "\" had no certificate"), records.get(0).getMessage());
    assertTrue(records.get(0).getMessage().contains("is not a PEM private key")
        && records.get(0).getMessage().contains("it was replaced by a new CA"),
        records.get(0).getMessage());
    assertTrue(records.get(1).getMessage().startsWith("created a local CA"));
  }

  /**
   * A key without its certificate that is a link to a private file is judged by that file, as a
   * load judges it: the link's own mode (rwxrwxrwx) is no reason to replace it, which would swap
   * out the link and leave the key it points to behind.
   */
  @Test
  void aKeyWithoutItsCertificateLinkedToAPrivateFileGetsANewCertificate() throws Exception {
    Path state = temp.resolve("state");
    CaStore.Authority first = load(state, NOW);
    Path key = state.resolve(CaStore.KEY_FILE);
    Path secrets = Files.createDirectories(temp.resolve("secrets"));
    Path target = secrets.resolve(CaStore.KEY_FILE);
    Files.move(key, target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(key, target);
    String stored = Files.readString(target);
    Files.delete(state.resolve(CaStore.CA_FILE));

    CaStore.Authority next = load(state, NOW.plus(Duration.ofDays(1)));

    assertTrue(Pki.matches(next.key(), first.certificate().getPublicKey()),
        "the linked key was replaced: " + log.messages());
    assertTrue(Files.isSymbolicLink(key), "the link was replaced by a file");
    assertEquals(stored, Files.readString(target));
  }

  /** A link to a key that is not there (a volume not mounted yet) is not replaced either. */
  @Test
  void aKeyWithoutItsCertificateLinkedToNothingIsNotReplaced() throws Exception {
    Path state = temp.resolve("state");
    load(state, NOW);
    Path key = state.resolve(CaStore.KEY_FILE);
    Path target = temp.resolve("secrets").resolve(CaStore.KEY_FILE);
    Files.delete(key);
    Files.createSymbolicLink(key, target);
    Files.delete(state.resolve(CaStore.CA_FILE));

    LocalCaException e = assertThrows(LocalCaException.class, () -> load(state, NOW));

    assertEquals("local CA key \"" + key + "\" cannot be read (a link to a file that does not "
        + "exist), and its certificate \"" + state.resolve(CaStore.CA_FILE) + "\" is missing; "
        + "restore what it links to, to keep the client certificates it signed, or move it away "
        + "to create a new local CA", e.getMessage());
    assertTrue(Files.isSymbolicLink(key), "the link was replaced by a file");
    assertFalse(Files.exists(state.resolve(CaStore.CA_FILE)));
  }
}
