package io.promcc.app.local;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Reads the CA stored in a local CA state folder (see {@link CaStore}): its certificate and key,
 * or a key found without its certificate. Every refusal names the file and what to do. No state;
 * thread-safe.
 */
final class StoredCa {
  private StoredCa() {}

  /**
   * The CA stored as {@code certificateFile} and {@code keyFile}, usable at {@code now}.
   *
   * @throws LocalCaException naming the file and the problem if either cannot be read, is no
   *     CA certificate or key, they do not match, the key may be read by others, or the
   *     certificate has ended
   */
  static CaStore.Authority load(Path certificateFile, Path keyFile, Instant now) {
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
          + " expired at " + certificate.getNotAfter().toInstant() + "; move "
          + CaStore.CA_FILE + " and " + CaStore.KEY_FILE + " away to create a new local CA");
    }
    return new CaStore.Authority(certificate, key, Pki.pem(certificate));
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
  static KeyPair orphanKey(Path keyFile, CaStore.KeyReader keyReader)
      throws IOException, GeneralSecurityException {
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
