package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies Prometheus' certificate with the certificates of a CA bundle valid at the handshake,
 * as Go (Prometheus' own clients) and OpenSSL (curl) do: one that expired, when the bundle was
 * read or since, verifies nothing, where the JDK takes a trusted CA as valid for ever. A chain
 * that such a CA signed is refused naming it ({@link ExpiredBundleCa}). The bundle is read again
 * ({@link BundleRereads}: when due, bounded) after a full handshake: one it did not verify, so
 * that a CA added (a rotation) is taken, and one it verified, so that a CA taken out stops
 * verifying. A read that finds the bundle changed has it taken, the client's cached TLS sessions
 * dropped (a resumed one is not verified again: a CA taken out would go on passing it), and the
 * chain checked once more. A call to Prometheus reads it as well when due ({@link #readIfDue()}),
 * so that a connection kept open, which no handshake verifies again, is left once it changed;
 * a CA of it that left its validity since (no change of the file) counts as a change, logged.
 * Host names are verified by the JDK's PKIX trust manager it hands
 * each check to. Thread-safe: a read is waited for on the handshake's thread, no lock of this
 * held.
 */
final class BundleTrustManager extends X509ExtendedTrustManager {
  private static final System.Logger LOG = System.getLogger(BundleTrustManager.class.getName());

  private final Path path;
  private final Clock clock;
  private final Supplier<Optional<List<X509Certificate>>> rereads;
  private final Supplier<Optional<List<X509Certificate>>> verifiedRereads;
  private final Runnable changes;
  /** The bundle's certificates, as read last; guarded by this. */
  private List<X509Certificate> certificates;
  /** The certificates {@link #pkix} trusts; guarded by this. */
  private List<X509Certificate> trusted;
  /** The JDK's manager over {@link #trusted}; guarded by this. */
  private X509ExtendedTrustManager pkix;
  /** The certificates of {@link #certificates} valid when last compared; guarded by this. */
  private List<X509Certificate> validAtLast;
  /** How many reads found the bundle changed; guarded by this. */
  private long changed;

  /** Over {@code certificates}, never read again. */
  BundleTrustManager(Path path, List<X509Certificate> certificates, Clock clock) {
    this(path, certificates, clock, Optional::empty, Optional::empty, () -> { });
  }

  /**
   * Over {@code certificates}, the bundle read again by {@code rereads} ({@link
   * BundleRereads#read}: empty if not read) after a handshake they do not verify, and by {@code
   * verifiedRereads} ({@link BundleRereads#readVerified}) after one they verify; {@code changes}
   * is run after a read that found other certificates has them taken (it drops the sessions
   * verified with the ones before).
   */
  BundleTrustManager(Path path, List<X509Certificate> certificates, Clock clock,
      Supplier<Optional<List<X509Certificate>>> rereads,
      Supplier<Optional<List<X509Certificate>>> verifiedRereads, Runnable changes) {
    this.path = requireNonNull(path, "path == null");
    this.certificates = List.copyOf(certificates);
    this.clock = requireNonNull(clock, "clock == null");
    this.rereads = requireNonNull(rereads, "rereads == null");
    this.verifiedRereads = requireNonNull(verifiedRereads, "verifiedRereads == null");
    this.changes = requireNonNull(changes, "changes == null");
    this.validAtLast = validAt(this.certificates, clock.instant());
  }

  /** One of the JDK's checks of a server's chain. */
  private interface ServerCheck {
    void run(X509ExtendedTrustManager pkix) throws CertificateException;
  }

  /**
   * {@code check} over the bundle; then, if a read is due, over the bundle read again if that
   * changed: after a failure, so that a CA added verifies the chain, and after a success, so
   * that a CA taken out of it stops verifying it (else only a failure or a restart would see it).
   *
   * @throws CertificateException the failure, naming an expired CA of the bundle that signed
   *     the chain if there is one
   */
  private void checkServer(X509Certificate[] chain, ServerCheck check)
      throws CertificateException {
    try {
      check.run(pkix(chain));
    } catch (CertificateException failure) {
      if (!takeIfChanged(rereads.get(), "after a certificate of prometheus it did not verify")) {
        throw named(failure, chain);
      }
      checkAgain(chain, check);
      return;
    }
    if (takeIfChanged(verifiedRereads.get(), "at a handshake it verified")) {
      checkAgain(chain, check);
    }
  }

  private void checkAgain(X509Certificate[] chain, ServerCheck check)
      throws CertificateException {
    try {
      check.run(pkix(chain));
    } catch (CertificateException failure) {
      throw named(failure, chain);
    }
  }

  /**
   * Whether {@code read} holds certificates other than those in use, which it then replaces, or
   * which of those are valid changed since the last time (a CA expired with no change of the
   * file: a connection kept open since it verified one must be left as for a CA taken out);
   * then drops the sessions verified with those before ({@code changes}, run outside this lock:
   * it takes the JDK's session locks) and only then counts the change, so that a call does not
   * make a client again before they are dropped; {@code when} says in the log line when it was
   * read.
   */
  private boolean takeIfChanged(Optional<List<X509Certificate>> read, String when) {
    Instant now = clock.instant();
    boolean fileChanged;
    List<X509Certificate> expired;
    int validLeft;
    synchronized (this) {
      fileChanged = read.isPresent() && !read.get().equals(certificates);
      if (fileChanged) {
        certificates = List.copyOf(read.get());
      }
      List<X509Certificate> valid = validAt(certificates, now);
      if (!fileChanged && valid.equals(validAtLast)) {
        return false;
      }
      expired = validAtLast.stream().filter(c -> !valid.contains(c)).toList();
      validLeft = valid.size();
      validAtLast = valid;
    }
    changes.run();
    synchronized (this) {
      changed++; // once the sessions are dropped: a client made at this count resumes none
    }
    if (fileChanged) {
      LOG.log(System.Logger.Level.INFO, "prometheus ca bundle " + Quoting.quote(path.toString())
          + " changed since it was read: read again " + when + ", " + read.get().size()
          + " certificate(s) now");
    } else {
      expired.forEach(ca -> LOG.log(System.Logger.Level.WARNING, expiredSinceRead(ca, now,
          validLeft)));
    }
    return true;
  }

  /** The log line of a CA of the bundle that left its validity since it was read. */
  private String expiredSinceRead(X509Certificate ca, Instant now, int validLeft) {
    return "prometheus ca bundle " + Quoting.quote(path.toString()) + ": "
        + PrometheusTrust.outOfValidity(ca, now).orElseThrow() + " since it was read: it "
        + "verifies nothing from now on (as for go and curl); " + (validLeft == 0
            ? "no certificate of the bundle is valid now: prometheus is verified by none"
            : "the bundle's other certificates verify prometheus'");
  }

  /** The certificates of {@code certificates} valid at {@code now}. */
  private static List<X509Certificate> validAt(List<X509Certificate> certificates,
      Instant now) {
    return certificates.stream()
        .filter(c -> PrometheusTrust.outOfValidity(c, now).isEmpty()).toList();
  }

  /**
   * For a call to Prometheus, whether or not it makes a handshake: the bundle read again if a
   * read is due (as after a handshake it verified: {@code verifiedRereads}), and taken if it
   * changed; then how many reads found it changed, a CA of it out of its validity since counted
   * as a change too. A client made before the last change keeps its open connections verified
   * with the bundle before: its caller makes a new one.
   */
  long readIfDue() {
    takeIfChanged(verifiedRereads.get(), "at a call to prometheus");
    synchronized (this) {
      return changed;
    }
  }

  private CertificateException named(CertificateException failure, X509Certificate[] chain) {
    if (failure instanceof ExpiredBundleCa) {
      return failure;
    }
    return named(chain, failure).orElse(failure);
  }

  /**
   * A CA of the bundle, out of its validity, signed the chain, or none of the bundle is valid:
   * what Go and curl name. Its message follows "its tls certificate ".
   */
  static final class ExpiredBundleCa extends CertificateException {
    private static final long serialVersionUID = 1L;

    ExpiredBundleCa(String message, CertificateException failure) {
      super(message);
      if (failure != null) {
        addSuppressed(failure); // the JDK's words, kept out of the causes that messages read
      }
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServer(chain, pkix -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServer(chain, pkix -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkServer(chain, pkix -> pkix.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix(null).checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix(null).checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix(null).checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    try {
      return pkix(null).getAcceptedIssuers();
    } catch (CertificateException e) {
      return new X509Certificate[0];
    }
  }

  /**
   * The JDK's manager over the certificates valid now, made again when they changed.
   *
   * @throws ExpiredBundleCa if none is valid now, naming the one that signed {@code chain} if
   *     there is one
   */
  private synchronized X509ExtendedTrustManager pkix(X509Certificate[] chain)
      throws CertificateException {
    Instant now = clock.instant();
    List<X509Certificate> valid = validAt(certificates, now);
    if (valid.isEmpty()) {
      throw named(chain, null).orElseGet(() -> new ExpiredBundleCa("cannot be verified: no "
          + "certificate of the ca bundle " + Quoting.quote(path.toString()) + " is valid now ("
          + PrometheusTrust.outOfValidity(certificates.get(0), now).orElseThrow() + ")", null));
    }
    if (!valid.equals(trusted)) {
      pkix = over(valid);
      trusted = valid;
    }
    return pkix;
  }

  private static X509ExtendedTrustManager over(List<X509Certificate> valid)
      throws CertificateException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < valid.size(); i++) {
        store.setCertificateEntry("ca-" + i, valid.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new CertificateException("the jdk made no x509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException("cannot make the trust of the ca bundle: " + e, e);
    }
  }

  /**
   * If a certificate of the bundle out of its validity now signed the chain's last certificate
   * (or is it), and none valid now did (a CA renewed with its key, beside its expired
   * certificate, verifies the chain: the failure is another), the failure naming that CA.
   */
  private Optional<CertificateException> named(X509Certificate[] chain,
      CertificateException failure) {
    if (chain == null || chain.length == 0) {
      return Optional.empty();
    }
    X509Certificate top = chain[chain.length - 1];
    Instant now = clock.instant();
    List<X509Certificate> bundle;
    synchronized (this) {
      bundle = certificates;
    }
    if (bundle.stream().anyMatch(ca -> PrometheusTrust.outOfValidity(ca, now).isEmpty()
        && signed(ca, top))) {
      return Optional.empty();
    }
    for (X509Certificate ca : bundle) {
      Optional<String> invalid = PrometheusTrust.outOfValidity(ca, now);
      String name = Quoting.quote(ca.getSubjectX500Principal().getName());
      if (invalid.isPresent() && signed(ca, top)) {
        // "CN=x" expired at ...: the phrase after the name
        return Optional.of(new ExpiredBundleCa("is signed by " + name + " of the ca bundle "
            + Quoting.quote(path.toString()) + ", which"
            + invalid.get().substring(name.length()), failure));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code ca} is {@code certificate} or its signer. */
  private static boolean signed(X509Certificate ca, X509Certificate certificate) {
    if (ca.equals(certificate)) {
      return true;
    }
    if (!ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
