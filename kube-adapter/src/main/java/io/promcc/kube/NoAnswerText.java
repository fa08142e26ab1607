package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.internal.http2.StreamResetException;

/**
 * How a call that got no answer from the API server is worded for an operator: what failed,
 * against which server (its URL, never its credentials) and what to check, where the JVM's
 * words were shown with their class names ("ConnectException: Connection refused",
 * "UnknownHostException: ...", "EOFException: \n not found: limit=0 content=…",
 * "SocketException: Socket closed" for a read timeout, "StreamResetException: stream was reset:
 * INTERNAL_ERROR"). The address OkHttp connected to is the proxy's where the calls go through
 * one, so each check names the proxy too. What failed comes first: a line cut short (/readyz's,
 * at 1,000 characters, where the scope and the call come before) keeps it. A failed connect is
 * worded by the exception's type, and its message quoted, which is the C library's strerror, in
 * the language of {@code LANG} ("Verbindungsaufbau abgelehnt" for "Connection refused" under
 * de_DE.UTF-8), from sun.nio.ch.Net's handleSocketError, which throws a {@link
 * ConnectException} for ECONNREFUSED and for the system's own connect timeout, ETIMEDOUT (which
 * comes before OkHttp's 10 s where net.ipv4.tcp_syn_retries is 2 or less), a {@link
 * NoRouteToHostException} for EHOSTUNREACH and a plain {@link SocketException} for the rest,
 * "Network is unreachable" among them: a refusal is told by its words in the JVM's language
 * ({@link RefusalWords}), any other words of a ConnectException as a refusal or the system's
 * timeout. Stateless.
 */
final class NoAnswerText {
  private static final String FAILED_TO_CONNECT = "Failed to connect to ";

  private NoAnswerText() {}

  /**
   * The words for a call whose causes, outermost first, are {@code chain}; empty if it is no
   * failure to connect, to resolve a name, to get an answer in time, a connection closed or an
   * http/2 stream reset.
   *
   * @param server the API server, e.g. {@code the api server "https://10.96.0.1:443"}
   */
  static Optional<String> describe(List<Throwable> chain, String server) {
    Throwable root = chain.get(chain.size() - 1);
    for (Throwable t : chain) {
      if (t instanceof SocketTimeoutException) {
        return Optional.of(timedOut(t, server));
      }
      if (t instanceof UnknownHostException unknown) {
        return Optional.of(unknownHost(unknown, server));
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return Optional.of(notConnected(chain, root, server));
      }
    }
    if (root.getClass() == SocketException.class && inConnect(root)) {
      // ENETUNREACH and the like: OkHttp names no address for it (its "Failed to connect to"
      // wraps a ConnectException only); the system's words are kept, quoted, whatever language
      return Optional.of("this host cannot connect to the network of " + server + " ("
          + quote(String.valueOf(root.getMessage())) + "): check the address of the api "
          + "server, or of its proxy, and this host's routes to it (an ipv6 address where this "
          + "host has no ipv6 route, for one)");
    }
    if (root instanceof StreamResetException reset) {
      // an HTTP/2 stream the server or a proxy ended with an error (a cut with no error ends a
      // watch as the server ending it, and is not worded here)
      return Optional.of(server + ", or a proxy between, reset the call's http/2 stream ("
          + reset.errorCode + ": check the api server's log, or the proxy's)");
    }
    if (root instanceof EOFException || root instanceof SocketException
        && String.valueOf(root.getMessage()).startsWith("Connection reset")) {
      String how = root instanceof EOFException ? "closed" : "reset";
      return Optional.of(chain.stream().anyMatch(t -> t instanceof SSLHandshakeException)
          ? server + " " + how + " the connection during the tls handshake (check that the "
              + "address is its https port, and any proxy or load balancer in between)"
          : server + " " + how + " the connection without an answer (check that it, or its "
              + "proxy, is not restarting or overloaded)");
    }
    return Optional.empty();
  }

  private static String timedOut(Throwable timeout, String server) {
    // OkHttp's read timeout says "timeout"; a socket's connect timeout "Connect timed out"
    if (String.valueOf(timeout.getMessage()).toLowerCase(Locale.ROOT).startsWith("connect")) {
      return "no connection within the connect timeout, to " + server + ": check its "
          + "address, or its proxy's, and that no firewall drops the connection";
    }
    return server + " did not answer within the read timeout (check that it, or its proxy, "
        + "is not overloaded, and the network between)";
  }

  private static String unknownHost(UnknownHostException e, String server) {
    // the JVM's message: "<name>: <the resolver's reason>", or the name alone
    String message = String.valueOf(e.getMessage());
    int colon = message.indexOf(": ");
    String name = colon < 0 ? message : message.substring(0, colon);
    String reason = colon < 0 ? "" : " (" + lowerFirst(message.substring(colon + 2)) + ")";
    return "the host name " + quote(name) + " does not resolve" + reason + ", for " + server
        + ": check the host name of the api server, or of its proxy, and the dns";
  }

  private static String notConnected(List<Throwable> chain, Throwable root, String server) {
    // OkHttp's "Failed to connect to localhost/127.0.0.1:6443": the address it tried, the
    // proxy's where there is one
    String at = chain.stream().map(Throwable::getMessage)
        .filter(m -> m != null && m.startsWith(FAILED_TO_CONNECT))
        .map(m -> " at " + m.substring(m.lastIndexOf('/') + 1)).findFirst().orElse("");
    if (root instanceof ConnectException && RefusalWords.refused(root.getMessage())) {
      return "connection refused" + at + ", for " + server + ": nothing listens there; check "
          + "the address and port of the api server, or of its proxy, and that it runs";
    }
    if (root instanceof ConnectException) {
      // the system's own connect timeout (or words the JVM does not give a refusal): quoted
      return "no connection" + at + ", for " + server + " (" + quote(String.valueOf(
          root.getMessage())) + "): refused (nothing listens there), or not answered within "
          + "the system's own connect timeout; check the address and port of the api server, "
          + "or of its proxy, that it runs, and the network between";
    }
    String reason = root instanceof NoRouteToHostException ? "no route to the host"
        : "no connection";
    return reason + at + ", for " + server + ": check the address of the api server, or of "
        + "its proxy, and the network between";
  }

  /** Whether {@code e} was thrown by a socket's connect (its stack passes Socket.connect). */
  private static boolean inConnect(Throwable e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().equals("java.net.Socket")
          && frame.getMethodName().equals("connect")) {
        return true;
      }
    }
    return false;
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text
        : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }
}
