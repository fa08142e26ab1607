package io.promcc.kube;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;

/**
 * Whether a socket's {@link ConnectException} is a refusal (ECONNREFUSED), told by its words in
 * any language: the JDK throws that type for the system's own connect timeout (ETIMEDOUT) too,
 * and gives no errno, only the C library's strerror in the language of {@code LANG}
 * ("Verbindungsaufbau abgelehnt" under de_DE). The words this JVM gets for a refusal are learned
 * once, from a refusal made on the loopback address (a port bound, then closed, connected to):
 * the locale is the JVM's from its start, so they never change. A ConnectException there within
 * the probe's bound is a refusal, as ETIMEDOUT comes after a SYN retried at the earliest (3 s
 * with net.ipv4.tcp_syn_retries 1), and a connect past the bound throws a
 * SocketTimeoutException. Where the probe cannot tell (no loopback, or something listens on the
 * port meanwhile), the C locale's "Connection refused" alone is a refusal. Thread-safe.
 */
final class RefusalWords {
  /** ECONNREFUSED's words in the C locale (and English ones). */
  static final String C_LOCALE = "Connection refused";
  /** The probe's bound on its connect: well below a SYN's first retry (1 s). */
  private static final int PROBE_MILLIS = 500;

  private RefusalWords() {}

  /** Whether {@code message}, a socket ConnectException's, says the connection was refused. */
  static boolean refused(String message) {
    if (message == null) {
      return false;
    }
    return C_LOCALE.equalsIgnoreCase(message)
        || Learned.WORDS.map(message::equals).orElse(false);
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

  /**
   * Learned at the first words other than the C locale's refusal: a JVM in that locale probes
   * too, once, at its first other words (the system's connect timeout, "Connection timed out").
   */
  private static final class Learned {
    static final Optional<String> WORDS = probe();
  }
}
