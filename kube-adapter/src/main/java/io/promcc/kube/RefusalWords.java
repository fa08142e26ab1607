package io.promcc.kube;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether a socket's {@link ConnectException} is a refusal (ECONNREFUSED), told by its words in
 * any language: the JDK throws that type for the system's own connect timeout (ETIMEDOUT) too,
 * and gives no errno, only the C library's strerror in the language of {@code LANG}
 * ("Verbindungsaufbau abgelehnt" under de_DE). The words this JVM gets for a refusal are learned
 * from a refusal made on the loopback address (a port bound, then closed, connected to), at the
 * first words other than the C locale's refusal (a JVM in that locale probes too, at its first
 * other words: the system's connect timeout, "Connection timed out"), and kept: the locale is
 * the JVM's from its start, so they never change. A ConnectException there within the probe's
 * bound is a refusal, as ETIMEDOUT comes after a SYN retried at the earliest (3 s with
 * net.ipv4.tcp_syn_retries 1), and a connect past the bound throws a SocketTimeoutException.
 * Where the probe cannot tell (no loopback, something listens on the port meanwhile, or it
 * threw), the C locale's "Connection refused" alone is a refusal, and the probe is made again
 * at other words a minute later at the earliest; while one probe runs, no other begins, and
 * words asked about meanwhile are judged without it. Thread-safe.
 */
final class RefusalWords {
  /** ECONNREFUSED's words in the C locale (and English ones). */
  static final String C_LOCALE = "Connection refused";
  /** The probe's bound on its connect: well below a SYN's first retry (1 s). */
  private static final int PROBE_MILLIS = 500;
  /** How long after a probe that could not tell the next may begin. */
  static final Duration RETRY = Duration.ofMinutes(1);
  private static final RefusalWords JVM = new RefusalWords(RefusalWords::probe, System::nanoTime);

  private final Supplier<Optional<String>> probe;
  private final LongSupplier nanoTime;
  private Optional<String> learned = Optional.empty(); // guarded by this
  private boolean probing; // guarded by this
  private boolean failed; // guarded by this
  private long failedAt; // guarded by this

  /** Words learned with {@code probe}, at times {@code nanoTime} tells. */
  RefusalWords(Supplier<Optional<String>> probe, LongSupplier nanoTime) {
    this.probe = probe;
    this.nanoTime = nanoTime;
  }

  /** Whether {@code message}, a socket ConnectException's, says the connection was refused. */
  static boolean refused(String message) {
    return JVM.isRefusal(message);
  }

  /** Whether {@code message} says the connection was refused, by the words learned here. */
  boolean isRefusal(String message) {
    if (message == null) {
      return false;
    }
    return C_LOCALE.equalsIgnoreCase(message) || learned().map(message::equals).orElse(false);
  }

  /** The words learned, after a probe if none is learned, none runs and none failed lately. */
  private Optional<String> learned() {
    synchronized (this) {
      if (learned.isPresent() || probing
          || (failed && nanoTime.getAsLong() - failedAt < RETRY.toNanos())) {
        return learned;
      }
      probing = true;
    }
    Optional<String> words = Optional.empty();
    try {
      words = Objects.requireNonNullElse(probe.get(), Optional.empty());
    } catch (RuntimeException e) {
      // a probe that threw could not tell: made again later, never the caller's failure
    } finally {
      synchronized (this) {
        probing = false;
        learned = words;
        failed = words.isEmpty();
        failedAt = nanoTime.getAsLong();
      }
    }
    return words;
  }

  /** A refusal's words as this JVM gets them; empty if the probe could not tell. */
  static Optional<String> probe() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, loopback)) {
      port = closed.getLocalPort();
    } catch (IOException e) {
      return Optional.empty();
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(loopback, port), PROBE_MILLIS);
      return Optional.empty(); // something else took the port meanwhile
    } catch (ConnectException e) {
      return Optional.ofNullable(e.getMessage());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
