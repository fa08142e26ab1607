package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Local mode's default certificate source: a CA of its own in a state folder (see
 * {@link CaStore} for the layout) that signs a client certificate for each guest cluster.
 *
 * <p>{@link #start()} loads the CA, or creates one (EC P-256, ten years, CN
 * {@value #CA_COMMON_NAME}) if the folder has none; a folder with a CA certificate but a missing,
 * unreadable or non-matching key is a {@link LocalCaException}, and so is a key without its
 * certificate that cannot be read (it may have signed what the guests take: never replaced).
 *
 * <p>{@link #observe} gives each
 * cluster a client certificate (EC P-256, CN {@code prometheus.<cluster id>}, client
 * authentication, valid for the configured time, never past the CA), issued once and kept in
 * memory and in {@code clients/}, so that a restart reuses it. It is renewed when two thirds of
 * its lifetime have passed; {@link CertificateObservation#nextAttention()} is the earliest
 * renewal (or retry). Clusters no longer observed are forgotten and their files deleted (on the
 * first observe also those of clusters that went while the controller was stopped). The bundle's
 * CA is the local CA, so it must also have signed the guest API servers' certificates:
 * {@link #issueServerCertificate} does that for the demo's simulated clusters.
 *
 * <p>Issuing never throws out of {@link #observe}: a failure (the state folder not writable) is a
 * problem {@value #FAILED} of every cluster it concerns (one with a still-valid certificate gets
 * it and the problem both, so it shows as degraded), reported once to
 * {@link SourceErrors} as {@value #SOURCE} and tried again after {@link #RETRY_AFTER}. Stored
 * files that are damaged, half-written or from another CA are replaced by a new certificate.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are idempotent. A start waiting for the
 * state folder's lock, which another process holds (up to 30 s), holds up no other call, and a
 * close ends that wait. No private key appears in a log, a message or {@link #toString()}.
 */
public final class LocalCa implements CertificateSource {
  /** The source name in {@link SourceErrors} reports (a metric label). */
  public static final String SOURCE = "local-ca";
  /** Subject CN of a CA this class creates. */
  public static final String CA_COMMON_NAME = "promcc local CA";
  /** How long a CA this class creates is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** How long client certificates are valid unless told otherwise. */
  public static final Duration DEFAULT_CLIENT_VALIDITY = Duration.ofDays(30);
  /** Reason of a cluster whose certificate could not be issued. */
  public static final String FAILED = "local-ca-failed";
  /** Reason of every cluster while the CA is not started (or could not start) or is closed. */
  public static final String NOT_READY = "source-not-ready";
  /** How long after a failed issue it is tried again. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(10);
  /**
   * How long before the CA's end a warning is logged, once per process: the CA is not renewed
   * (guest API servers would have to trust a new one), so an operator replaces it.
   */
  public static final Duration CA_END_WARNING = Duration.ofDays(30);
  /** Certificates start this much before they are made, for clocks a little behind. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final System.Logger LOG = System.getLogger(LocalCa.class.getName());

  private final CaStore store;
  private final Clock clock;
  private final Object lock = new Object();
  /**
   * Held by a start while it loads the CA, which may wait up to 30 s for the state folder's lock
   * (another process holds it): one start at a time, without {@link #lock}, which a close, an
   * observe and toString take.
   */
  private final Object starting = new Object();
  // read by a start waiting for the state folder's lock, to end the wait
  private volatile boolean stopped;
  // guarded by lock
  private final IssuedClients issued;
  private CaStore.Authority authority; // null until started, and once closed
  private String startFailure;
  private boolean closed;
  private boolean endWarned; // whether the CA's coming end was logged
  // the CA's end, read by each scrape of /metrics without the lock an issuing observe holds
  private volatile Instant caEnd;

  /** A CA in {@code stateDir} issuing for 30 days, on the system clock, reporting nowhere. */
  public LocalCa(Path stateDir) {
    this(stateDir, DEFAULT_CLIENT_VALIDITY, Clock.systemUTC(), SourceErrors.NONE);
  }

  /**
   * Touches nothing until {@link #start()}.
   *
   * @param stateDir where the CA and the client certificates are kept (made with mode 0700)
   * @param clientValidity how long client certificates are valid
   * @param clock dates certificates and decides renewals (the wait for the state folder's lock,
   *     which another process may hold, is timed on {@link System#nanoTime()}, which no setting
   *     of the wall clock moves)
   * @param errors where failures to issue, and stored files that had to be replaced, are reported
   * @throws IllegalArgumentException if {@code clientValidity} is not positive
   */
  public LocalCa(Path stateDir, Duration clientValidity, Clock clock, SourceErrors errors) {
    this(new CaStore(requireNonNull(stateDir, "stateDir == null")), clientValidity,
        requireNonNull(clock, "clock == null"), errors);
  }

  /** As above, keeping the CA in {@code store} (a seam for tests of its lock). */
  LocalCa(CaStore store, Duration clientValidity, Clock clock, SourceErrors errors) {
    this.store = requireNonNull(store, "store == null");
    ClientFiles clients = new ClientFiles(store.folder());
    requireNonNull(clientValidity, "clientValidity == null");
    if (clientValidity.isNegative() || clientValidity.isZero()) {
      throw new IllegalArgumentException("client certificate validity must be positive, found \""
          + clientValidity + "\"");
    }
    this.clock = requireNonNull(clock, "clock == null");
    requireNonNull(errors, "errors == null");
    this.issued = new IssuedClients(clients, clientValidity, clock, errors, quotedFolder());
    errors.declared(SOURCE);
  }

  /**
   * Loads the CA from the state folder, or creates it there. Idempotent once it succeeded.
   *
   * @throws LocalCaException naming the file and the problem if the folder cannot be made or
   *     holds an unusable CA (the source then stays not ready), or if a close ended its wait for
   *     the folder's lock
   * @throws IllegalStateException if closed
   */
  @Override
  public void start() {
    synchronized (starting) {
      synchronized (lock) {
        if (closed) {
          throw new IllegalStateException("local CA in " + quotedFolder() + " is closed");
        }
        if (authority != null) {
          return;
        }
      }
      Instant now = clock.instant();
      CaStore.Authority loaded;
      try {
        // without the lock: the wait for the folder's lock may take 30 s, and a close ends it
        loaded = store.loadOrCreate(now, CA_VALIDITY, CA_COMMON_NAME, () -> stopped);
      } catch (LocalCaException e) {
        synchronized (lock) {
          startFailure = e.getMessage();
        }
        throw e;
      }
      synchronized (lock) {
        if (closed) { // closed while it loaded: what it loaded is forgotten, as a close does
          throw new IllegalStateException("local CA in " + quotedFolder() + " is closed");
        }
        authority = loaded;
        caEnd = authority.notAfter();
        startFailure = null;
        store.loadedWithoutLock().ifPresent(issued::report);
        warnIfNearEnd(now);
      }
    }
  }

  /** Whether the CA is loaded; answers at once (there is nothing to wait for). */
  @Override
  public boolean awaitSynced(Duration timeout) {
    synchronized (lock) {
      return authority != null;
    }
  }

  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    synchronized (lock) {
      if (authority == null) {
        SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
        SortedMap<ClusterId, Rejection> problems = new TreeMap<>();
        String why = closed ? "local CA in " + quotedFolder() + " is closed"
            : startFailure != null ? startFailure
            : "local CA in " + quotedFolder() + " is not started";
        clusters.forEach(c -> problems.put(c.id(), new Rejection(c.id().value(), NOT_READY, why)));
        return new CertificateObservation(bundles, problems, Optional.empty());
      }
      Instant now = clock.instant();
      warnIfNearEnd(now);
      return issued.observe(clusters, authority, now);
    }
  }

  /**
   * A serving certificate signed by the local CA, for a simulated guest API server. Not stored,
   * and not renewed: a new one each call.
   *
   * @param dnsNamesAndIps the names it serves (IP literals become IP names); the first is its CN
   * @param validity how long it is valid (never past the CA)
   * @throws IllegalStateException if the CA is not started
   * @throws IllegalArgumentException if no name is given, a name is blank, or the validity is
   *     not positive
   */
  public ServerCertificate issueServerCertificate(List<String> dnsNamesAndIps,
      Duration validity) {
    return ServerCertificates.issue(dnsNamesAndIps, validity, this::startedAuthority, clock);
  }

  /**
   * PEM of the local CA certificate (what guest API servers trust for client certificates).
   *
   * @throws IllegalStateException if the CA is not started
   */
  public String caPem() {
    return startedAuthority().pem();
  }

  /**
   * When the CA certificate ends (it is not renewed; client certificates never outlast it), for
   * a metric; empty until started, and once closed. Answers at once, also while an observe
   * issues certificates.
   */
  public Optional<Instant> caNotAfter() {
    return Optional.ofNullable(caEnd);
  }

  /** Logs, once, that the CA ends within {@link #CA_END_WARNING}. Called under the lock. */
  private void warnIfNearEnd(Instant now) {
    if (endWarned || now.isBefore(authority.notAfter().minus(CA_END_WARNING))) {
      return;
    }
    endWarned = true;
    LOG.log(System.Logger.Level.WARNING, "local CA certificate "
        + Quoting.quote(store.folder().resolve(CaStore.CA_FILE).toString()) + " ends at "
        + authority.notAfter() + " and is not renewed: before then, move " + CaStore.CA_FILE
        + " and " + CaStore.KEY_FILE + " away and restart promcc to create a new local CA, and "
        + "make the guest API servers trust its " + CaStore.CA_FILE);
  }

  /** Forgets every certificate and key held in memory. The files stay. Idempotent. */
  @Override
  public void close() {
    stopped = true; // first: a start waiting for the folder's lock ends at its next try
    synchronized (lock) {
      closed = true;
      authority = null;
      caEnd = null;
      issued.clear();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "LocalCa{" + store.folder() + ", " + (authority == null ? "not started"
          : issued.size() + " clusters") + "}";
    }
  }

  private CaStore.Authority startedAuthority() {
    synchronized (lock) {
      if (authority == null) {
        throw new IllegalStateException("local CA in " + quotedFolder()
            + (closed ? " is closed" : " is not started"));
      }
      return authority;
    }
  }

  private String quotedFolder() {
    return Quoting.quote(store.folder().toString());
  }

  static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
