package io.promcc.vault;

import static io.promcc.core.model.Quoting.quote;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Why a request got no answer from Vault, for an operator: what failed and what to check, where
 * the JVM's exception names were shown ("ClosedChannelException" for a connection refused,
 * "UnresolvedAddressException" for a host name that does not resolve, "HttpTimeoutException no
 * whole answer within PT30S", "EOFException EOF reached while reading"). What follows
 * {@code cannot reach vault at <address> for <operation>: }. Stateless.
 */
final class NoAnswerWords {
  /** ECONNREFUSED's words in the C locale. */
  private static final String C_REFUSED = "Connection refused";

  private NoAnswerWords() {}

  /**
   * The words for a request to {@code address} whose causes, outermost first, are
   * {@code chain}; empty for a failure of another kind (shown as it is). A connect that failed
   * without telling why (a refusal, or the system's own connect timeout) is worded by what
   * {@code probe} (one plain connect) gives.
   */
  static Optional<String> of(List<Throwable> chain, URI address,
      Supplier<ConnectProbe.Outcome> probe) {
    Throwable root = chain.get(chain.size() - 1);
    for (Throwable t : chain) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return Optional.of("the host name " + quote(String.valueOf(address.getHost()))
            + " does not resolve (check the host name of the vault address, and the dns)");
      }
    }
    for (Throwable t : chain) {
      if (t instanceof HttpConnectTimeoutException) {
        return Optional.of("no connection within the connect timeout (check the vault address "
            + "and port, and that no firewall drops the connection)");
      }
      if (t instanceof HttpTimeoutException) {
        // promcc's own "no whole answer within PT30S" (the JDK's "request timed out" is told so)
        return Optional.of(t.getMessage() + " (check that vault, or a proxy or load balancer "
            + "in front of it, is not overloaded, and the network between)");
      }
      if (t instanceof ConnectException) {
        return Optional.of(notConnected(root, probe));
      }
    }
    if (root instanceof EOFException) {
      return Optional.of("vault closed the connection without an answer (check that the "
          + "address is vault's, with the scheme it serves, and that vault, or its proxy, is "
          + "not restarting)");
    }
    return Optional.empty();
  }

  /**
   * A failed connect, worded by the root cause's type, never by its message, which is the C
   * library's strerror in the language of {@code LANG}: the JDK's client wraps the socket's
   * exception in a ConnectException of the same message (a plain SocketException for
   * ENETUNREACH, "Network is unreachable"), but says nothing of a refusal (a ConnectException
   * without a message, its cause the channel it closed), nor of the system's own connect
   * timeout, ETIMEDOUT, which is also a ConnectException of the socket: only the C locale's
   * "Connection refused" is told a refusal alone; for the others, {@code probe}'s connect tells.
   */
  private static String notConnected(Throwable root, Supplier<ConnectProbe.Outcome> probe) {
    if (root.getClass() == SocketException.class) {
      return "this host cannot connect to the network of the vault address ("
          + quote(String.valueOf(root.getMessage())) + "): check the vault address, and this "
          + "host's routes to it (an ipv6 address where this host has no ipv6 route, for one)";
    }
    ConnectProbe.Outcome outcome = root instanceof NoRouteToHostException
        ? ConnectProbe.Outcome.NO_ROUTE
        : root instanceof ConnectException && C_REFUSED.equalsIgnoreCase(root.getMessage())
            ? ConnectProbe.Outcome.REFUSED : probe.get();
    switch (outcome) {
      case NO_ROUTE:
        return "no route to the host (check the vault address and the network between)";
      case REFUSED:
        return "connection refused (nothing listens there: check the vault address and port, "
            + "and that vault, or its proxy, runs)";
      case NOT_ANSWERED:
        return "no connection: the host does not answer (a connect to it was not answered "
            + "within " + ConnectProbe.BOUND + ": check the vault address and port, that the "
            + "host is up, and that no firewall drops the connection)";
      default:
        break;
    }
    if (root instanceof ConnectException && root.getMessage() != null) {
      // the system's own connect timeout (ETIMEDOUT), or a refusal in the language of LANG
      return "no connection (" + quote(root.getMessage()) + "): refused (nothing listens "
          + "there), or not answered within the system's own connect timeout (check the vault "
          + "address and port, that vault, or its proxy, runs, and the network between)";
    }
    return "no connection (refused, or the host not reachable: check the vault address and "
        + "port, and that vault, or its proxy, runs there)";
  }
}
