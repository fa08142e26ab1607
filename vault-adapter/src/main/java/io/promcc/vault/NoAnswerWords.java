package io.promcc.vault;

import static io.promcc.core.model.Quoting.quote;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a request got no answer from Vault, for an operator: what failed and what to check, where
 * the JVM's exception names were shown ("ClosedChannelException" for a connection refused,
 * "UnresolvedAddressException" for a host name that does not resolve, "HttpTimeoutException no
 * whole answer within PT30S", "EOFException EOF reached while reading"). What follows
 * {@code cannot reach vault at <address> for <operation>: }. Stateless.
 */
final class NoAnswerWords {
  private NoAnswerWords() {}

  /**
   * The words for a request to {@code address} whose causes, outermost first, are
   * {@code chain}; empty for a failure of another kind (shown as it is).
   */
  static Optional<String> of(List<Throwable> chain, URI address) {
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
        // the JDK's client says nothing of a refused connection: a ConnectException without a
        // message, its cause the channel it closed
        String said = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (said.isEmpty()) {
          return Optional.of("no connection (refused, or the host not reachable: check the vault "
              + "address and port, and that vault, or its proxy, runs there)");
        }
        return Optional.of(said + (said.contains("refused") ? " (nothing listens there: "
            + "check the vault address and port, and that vault, or its proxy, runs)"
            : " (check the vault address and the network between)"));
      }
    }
    if (root instanceof EOFException) {
      return Optional.of("vault closed the connection without an answer (check that the "
          + "address is vault's, with the scheme it serves, and that vault, or its proxy, is "
          + "not restarting)");
    }
    return Optional.empty();
  }
}
