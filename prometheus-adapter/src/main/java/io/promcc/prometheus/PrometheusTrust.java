package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Problems;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS trust of the HTTP client for a Prometheus served over https when a CA bundle replaces
 * the JVM's trust store ({@link PrometheusAdapterSettings#caBundle()}), as read once from its
 * file: exactly the certificates of the bundle valid at the handshake verify Prometheus' (an
 * expired one verifies nothing, as for Go and OpenSSL, also one that expires while it runs).
 * Host names are verified as with the JVM's trust store. The start reads it within its bound on
 * the checks of files (a volume may hang) and hands it on, so the client does not read the file
 * again to start; it reads it again, bounded and when due, at calls to Prometheus and after
 * full handshakes ({@link BundleRereads}).
 * Immutable (the value as read; the client's trust follows the file); equal for the same file
 * read with the same certificates.
 */
public final class PrometheusTrust {
  private static final Pattern CERTIFICATE_BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----");

  /** The most of a CA bundle that is read; larger is refused. */
  public static final int MAX_CA_BUNDLE_BYTES = 1 << 20;

  /**
   * The longest the client resumes a TLS session (the JDK's default is 24 h). A resumed session
   * sends no certificate, so nothing is verified: this bounds how long a CA or certificate that
   * expired since the last full handshake keeps passing. A minute, as the calls of a reconcile
   * (the wait for readiness, the reload, the runtime info) come within it and resume, while a
   * full handshake once a minute with one Prometheus costs nothing to see.
   */
  static final Duration SESSION_TIMEOUT = Duration.ofMinutes(1);

  private final Path path;
  private final List<X509Certificate> certificates;
  private final List<String> outOfValidity;
  private final SSLContext context;
  private final BundleTrustManager manager;
  /** Whether {@link #warningsNotSaid()} gave the warnings. */
  private final AtomicBoolean said = new AtomicBoolean();

  private PrometheusTrust(Path path, List<X509Certificate> certificates,
      List<String> outOfValidity, SSLContext context, BundleTrustManager manager) {
    this.path = path;
    this.certificates = List.copyOf(certificates);
    this.outOfValidity = List.copyOf(outOfValidity);
    this.context = context;
    this.manager = manager;
  }

  /**
   * The bundle {@code path} as read now: a readable regular file of at most {@link
   * #MAX_CA_BUNDLE_BYTES} bytes of ASCII holding at least one PEM certificate valid now.
   *
   * @throws Unusable naming the file and what is wrong with it
   */
  public static PrometheusTrust read(Path path) {
    return read(path, Clock.systemUTC());
  }

  /** As {@link #read(Path)}, validity judged by {@code clock}. */
  static PrometheusTrust read(Path path, Clock clock) {
    return read(path, clock, System::nanoTime);
  }

  /**
   * As {@link #read(Path, Clock)}, the reads again of the bundle timed on {@code ticker}
   * (nanoseconds, as {@link System#nanoTime()}).
   */
  static PrometheusTrust read(Path path, Clock clock, LongSupplier ticker) {
    return read(path, clock, ticker, BundleRereads.BOUND);
  }

  /**
   * As {@link #read(Path, Clock, LongSupplier)}, a handshake waiting for a read again at most
   * {@code bound} ({@link BundleRereads#BOUND}).
   */
  static PrometheusTrust read(Path path, Clock clock, LongSupplier ticker, Duration bound) {
    requireNonNull(path, "path == null");
    requireNonNull(clock, "clock == null");
    requireNonNull(ticker, "ticker == null");
    requireNonNull(bound, "bound == null");
    try {
      return readOrRefuse(path, clock, ticker, bound);
    } catch (Refused refused) {
      throw new Unusable(path, refused.getMessage());
    }
  }

  /**
   * What is wrong with the CA bundle {@code path}, as a phrase after its name ({@code holds no
   * pem certificate}), or empty for one the client can use (see {@link #read(Path)}).
   */
  public static Optional<String> problem(Path path) {
    try {
      read(path);
      return Optional.empty();
    } catch (Unusable unusable) {
      return Optional.of(unusable.problem());
    }
  }

  /** The file the bundle was read from. */
  public Path path() {
    return path;
  }

  /**
   * The certificates of the bundle out of their validity when it was read, beside one valid
   * ({@code "CN=old ca" expired at 2020-02-01T00:00:00Z}): they verify nothing, as for Go and
   * curl, which the start says; empty if all were valid.
   */
  public List<String> outOfValidity() {
    return outOfValidity;
  }

  /**
   * What the start says of the bundle, one line for each of {@link #outOfValidity()}: {@code
   * prometheus ca bundle "...": "CN=old ca" expired at ...: it verifies nothing (as for go and
   * curl); the bundle's other certificates verify prometheus'}; empty if all were valid.
   */
  public List<String> warnings() {
    return outOfValidity.stream().map(expired -> "prometheus ca bundle "
        + Quoting.quote(path.toString()) + ": " + expired + ": it verifies nothing (as for go "
        + "and curl); the bundle's other certificates verify prometheus'").toList();
  }

  /**
   * {@link #warnings()} the first time it is called, none after: the start says them once,
   * whichever of its parts comes first ({@code promcc check} among its findings, else the
   * client when it is made, in its log), where both said them on a terminal. Thread-safe.
   */
  public List<String> warningsNotSaid() {
    return said.getAndSet(true) ? List.of() : warnings();
  }

  /**
   * A context that trusts exactly the certificates of the bundle valid at each handshake
   * ({@link BundleTrustManager}).
   */
  SSLContext sslContext() {
    return context;
  }

  /**
   * For a call to Prometheus: the bundle read again if a read is due (bounded, at most once
   * per {@link BundleRereads#INTERVAL} since any read), its cached sessions dropped if it
   * changed; then how many reads found it changed since it was read first, which a client made
   * before the last change is left at ({@link BundleFollowingHttpClient}). Thread-safe.
   */
  long readIfDue() {
    return manager.readIfDue();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PrometheusTrust that && path.equals(that.path)
        && certificates.equals(that.certificates);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** The file's path: what a message names. */
  @Override
  public String toString() {
    return path.toString();
  }

  /**
   * The trust of {@code path}. Only a regular file is opened (a FIFO waits for a writer) and
   * only its first {@link #MAX_CA_BUNDLE_BYTES} bytes are read.
   */
  private static PrometheusTrust readOrRefuse(Path path, Clock clock, LongSupplier ticker,
      Duration bound) throws Refused {
    byte[] bytes;
    long size;
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new Refused("is not a regular file");
      }
      size = attributes.size();
      try (InputStream in = Files.newInputStream(path)) {
        bytes = in.readNBytes(MAX_CA_BUNDLE_BYTES + 1);
      }
    } catch (IOException e) {
      throw new Refused("cannot be read (" + FileFailures.reason(e) + ")");
    }
    if (bytes.length > MAX_CA_BUNDLE_BYTES) {
      throw new Refused(SizeBound.tooLarge(MAX_CA_BUNDLE_BYTES, size));
    }
    String pem;
    try {
      pem = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Refused("is not pem: it holds a byte outside ascii");
    }
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new Refused("holds no pem certificate (\"-----BEGIN CERTIFICATE-----\")");
    }
    try {
      // only the certificates' blocks, as Go reads a bundle: the JDK would read any other
      // block (a key beside the certificate) as a certificate, and fail on it
      Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(certificateBlocks(pem)
              .getBytes(StandardCharsets.US_ASCII)));
      if (read.isEmpty()) {
        throw new Refused("holds no pem certificate (\"-----BEGIN CERTIFICATE-----\")");
      }
      List<X509Certificate> certificates = new ArrayList<>();
      List<String> outOfValidity = new ArrayList<>();
      for (Certificate certificate : read) {
        certificates.add((X509Certificate) certificate);
        // the JDK takes a trusted CA as valid for ever; Go (Prometheus' own clients) and
        // OpenSSL (curl) verify nothing with one that expired: neither does this bundle
        outOfValidity((X509Certificate) certificate, clock.instant())
            .ifPresent(outOfValidity::add);
      }
      if (outOfValidity.size() == certificates.size()) {
        throw new Refused("holds no certificate valid now (" + outOfValidity.get(0) + "): an "
            + "expired ca verifies nothing");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      BundleRereads rereads = new BundleRereads(path,
          () -> read(path, clock).certificates, ticker,
          BundleRereads.INTERVAL, bound);
      BundleTrustManager manager = new BundleTrustManager(path, certificates, clock,
          rereads::read, rereads::readVerified, () -> forgetSessions(context));
      context.init(null, new TrustManager[] {manager}, null);
      context.getClientSessionContext().setSessionTimeout((int) SESSION_TIMEOUT.toSeconds());
      return new PrometheusTrust(path, certificates, outOfValidity, context, manager);
    } catch (GeneralSecurityException e) {
      throw new Refused("holds a certificate that cannot be read (" + e.getMessage() + ")");
    }
  }

  /**
   * Drops the sessions {@code context}'s client has cached: a connection after a change of the
   * bundle makes a full handshake, verified with what it trusts now, where a resumed session
   * would carry on a verification by a CA taken out of it.
   */
  private static void forgetSessions(SSLContext context) {
    SSLSessionContext sessions = context.getClientSessionContext();
    for (byte[] id : Collections.list(sessions.getIds())) {
      SSLSession session = sessions.getSession(id);
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /** The PEM certificate blocks of {@code pem}, each on its own lines; other blocks left out. */
  private static String certificateBlocks(String pem) {
    StringBuilder blocks = new StringBuilder();
    Matcher block = CERTIFICATE_BLOCK.matcher(pem);
    while (block.find()) {
      blocks.append(block.group()).append('\n');
    }
    return blocks.toString();
  }

  /** {@code "CN=x" expired at ...} if {@code certificate} is not valid at {@code now}. */
  static Optional<String> outOfValidity(X509Certificate certificate, Instant now) {
    String name = Quoting.quote(certificate.getSubjectX500Principal().getName());
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      return Optional.of(name + " expired at " + notAfter);
    }
    if (now.isBefore(notBefore)) {
      return Optional.of(name + " is valid from " + notBefore + " only");
    }
    return Optional.empty();
  }

  /**
   * A CA bundle the client cannot use: its message names the file and the problem ({@code
   * prometheus ca bundle holds no pem certificate (...), found "..."}).
   */
  public static final class Unusable extends PromccException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    Unusable(Path path, String problem) {
      super(Problems.format("prometheus ca bundle", path.toString(), problem));
      this.problem = problem;
    }

    /** What is wrong, as a phrase after the file's name ({@code holds no pem certificate}). */
    public String problem() {
      return problem;
    }
  }

  /** A problem of the bundle, its message the phrase. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String problem) {
      super(problem, null, false, false);
    }
  }
}
