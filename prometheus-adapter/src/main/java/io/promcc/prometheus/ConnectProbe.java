package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What one plain connect says where a connect of the JDK's http client failed saying nothing of
 * why: Java 17's client retries a refused connect once on the channel it has closed, and fails
 * with a ConnectException caused by a ClosedChannelException, without words or errno, for a
 * refusal (nothing listens) as for the system's own connect timeout (ETIMEDOUT). A socket's
 * connect bounded by {@link #BOUND} tells them apart by its exception's type: a
 * ConnectException within the bound is a refusal (ETIMEDOUT comes after a SYN retried, 3 s at
 * the earliest with net.ipv4.tcp_syn_retries 1), a SocketTimeoutException a host that does not
 * answer (down, or a firewall drops the connection), a NoRouteToHostException no route. The
 * connect runs on a thread of its own (the name is resolved there again, from the JVM's cache
 * where the client has just resolved it), waited for the bound and a second more. Thread-safe.
 */
final class ConnectProbe {
  /** The most a probe's connect waits. */
  static final Duration BOUND = Duration.ofSeconds(2);
  /** How long the probe's thread is waited for: the bound and a second more. */
  static final Duration WAIT = BOUND.plusSeconds(1);
  /** The probe of the JVM's sockets. */
  static final ConnectProbe SOCKETS = new ConnectProbe(ConnectProbe::connect);

  /** What the probe's connect gave. */
  enum Outcome { REFUSED, NOT_ANSWERED, NO_ROUTE, CONNECTED, NOT_TOLD }

  /** A plain connect to {@code host} at {@code port} within {@code millis}. */
  interface Connector {
    void connect(String host, int port, int millis) throws IOException;
  }

  private final Connector connector;
  private final Duration wait;
  /** Whether a refusal, once told, is told again without a connect. */
  private final boolean remembers;
  private volatile boolean refused;

  ConnectProbe(Connector connector) {
    this(connector, WAIT);
  }

  /**
   * With its thread waited for {@code wait} (a seam for tests: as long as a busy machine may
   * take to run it, where the connect's own outcome is what they check).
   */
  ConnectProbe(Connector connector, Duration wait) {
    this(connector, wait, false);
  }

  private ConnectProbe(Connector connector, Duration wait, boolean remembers) {
    this.connector = requireNonNull(connector, "connector == null");
    this.wait = requireNonNull(wait, "wait == null");
    this.remembers = remembers;
  }

  /**
   * A probe of the same connects for the polls of one wait, all to one host and port: once it
   * told a refusal (nothing listens there), it tells that again without a connect or a thread,
   * as a wordless failure of the next poll is the same refusal (the system's own connect
   * timeout comes after the client's, 2 s, at the earliest); any other outcome is probed again.
   */
  ConnectProbe rememberingARefusal() {
    return new ConnectProbe(connector, wait, true);
  }

  /** One connect to {@code host} at {@code port}, and what it gave. */
  Outcome probe(String host, int port) {
    if (refused) {
      return Outcome.REFUSED;
    }
    Outcome outcome = connected(host, port);
    refused = remembers && outcome == Outcome.REFUSED;
    return outcome;
  }

  private Outcome connected(String host, int port) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    Thread thread = new Thread(() -> outcome.complete(outcome(host, port)),
        "promcc-connect-probe");
    thread.setDaemon(true);
    thread.start();
    try {
      return outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.NOT_TOLD;
    } catch (ExecutionException | TimeoutException e) {
      return Outcome.NOT_TOLD;
    }
  }

  private Outcome outcome(String host, int port) {
    try {
      connector.connect(host, port, (int) BOUND.toMillis());
      return Outcome.CONNECTED;
    } catch (SocketTimeoutException e) {
      return Outcome.NOT_ANSWERED;
    } catch (NoRouteToHostException e) {
      return Outcome.NO_ROUTE;
    } catch (ConnectException e) {
      return Outcome.REFUSED;
    } catch (IOException | RuntimeException e) {
      return Outcome.NOT_TOLD;
    }
  }

  /** A plain connect of the JVM's sockets, closed at once. */
  static void connect(String host, int port, int millis) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
    }
  }
}
