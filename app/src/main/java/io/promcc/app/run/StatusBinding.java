package io.promcc.app.run;

import io.promcc.app.settings.RunSettings;
import io.promcc.app.status.ControllerMetrics;
import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.StatusServer;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * The binding of a controller's status port on {@code --http-address}, and the words of one that
 * fails: a host that does not resolve, an address in use (by whom, where the holder of
 * {@code --out} can be named), or not this host's. Stateless.
 */
final class StatusBinding {
  private StatusBinding() {}

  /**
   * The status server on {@code --http-address}, bound before any folder is made.
   *
   * @throws IOException naming the address and why it cannot be listened on
   */
  static StatusServer bind(RunSettings settings, ControllerMetrics metrics, LoopHealth health)
      throws IOException {
    String host = settings.httpAddress().getHostString(); // as given, an IPv6 one unbracketed
    InetSocketAddress address = new InetSocketAddress(host, settings.httpAddress().getPort());
    if (address.isUnresolved()) {
      // Java cannot tell a name that does not exist from a name service that does not answer
      // (yet, at a Pod's start): both are said, with the forms that need no name service
      throw new IOException("cannot listen on --http-address " + hostAndPort(host,
          address.getPort()) + ": the host " + Quoting.quote(host) + " does not resolve (no "
          + "such name, or the name service did not answer); an IP address (0.0.0.0, the Pod's "
          + "IP) or a name of /etc/hosts (localhost) needs no name service");
    }
    try {
      return StatusServer.start(address, metrics.registry(), health);
    } catch (SocketException e) { // in use, not this host's, or a host that does not resolve
      throw new IOException("cannot listen on --http-address "
          + hostAndPort(host, address.getPort()) + ": " + e.getMessage()
          + inUseBy(settings, e), e);
    }
  }

  /**
   * For an address in use, who may use it: the holder of --out, whose lock is no longer reached
   * (the address is bound first), else what to check; nothing for other failures.
   */
  private static String inUseBy(RunSettings settings, SocketException e) {
    if (e.getMessage() == null || !e.getMessage().contains("in use")) {
      return "";
    }
    return OutputHolder.of(settings.out()).map(holder -> "; " + holder)
        .orElse("; another process listens there (another promcc run?): stop it, or give this"
            + " one its own --http-address");
  }

  /** {@code host:port}, an IPv6 host in brackets ({@code [::1]:9420}), as in a URL. */
  static String hostAndPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
