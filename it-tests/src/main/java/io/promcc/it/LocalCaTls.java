package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.app.local.LocalCa;
import io.promcc.app.local.ServerCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The local CA of local mode, opened in this process on the controller's state folder to sign
 * the simulated guest API servers' certificates (as the controller signs Prometheus' client
 * certificates with it). Creates the CA if the folder has none yet; the controller, started
 * later on the same folder, loads it. Only {@link LocalCa#start()}, {@link LocalCa#caPem()} and
 * {@link LocalCa#issueServerCertificate} are used: the client certificates are the
 * controller's business. Thread-safe.
 */
public final class LocalCaTls implements AutoCloseable {
  /** How long the guest servers' certificates are valid: longer than any test or demo. */
  public static final Duration SERVER_VALIDITY = Duration.ofDays(7);

  private final LocalCa ca;

  private LocalCaTls(LocalCa ca) {
    this.ca = ca;
  }

  /** Opens (or creates) the local CA in {@code stateDir}. */
  public static LocalCaTls open(Path stateDir) {
    LocalCa ca = new LocalCa(requireNonNull(stateDir, "stateDir == null"));
    ca.start();
    return new LocalCaTls(ca);
  }

  /** A new serving certificate for {@code 127.0.0.1} and {@code localhost}. */
  public GuestTls guestTls() {
    ServerCertificate server = ca.issueServerCertificate(List.of("127.0.0.1", "localhost"),
        SERVER_VALIDITY);
    return GuestTls.fromPem(server.certificatePem(), server.privateKeyPem(), server.caPem());
  }

  /** PEM of the local CA certificate. */
  public String caPem() {
    return ca.caPem();
  }

  @Override
  public void close() {
    ca.close();
  }
}
