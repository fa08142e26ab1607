package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A JVM default {@link ProxySelector} for tests of a client that must not ask it (the JDK's
 * client asks the default unless told otherwise, so system properties such as
 * {@code -Dhttps.proxyHost} would route its calls): it records each URI it is asked for and
 * answers with one proxy. {@link #whileDefault} installs it only while a client is built, and
 * puts the one before back. Tests that install it must not run in parallel with others that
 * build clients. Thread-safe.
 */
public final class JvmProxySelector extends ProxySelector {
  private final Proxy answer;
  private final List<URI> asked = new CopyOnWriteArrayList<>();

  private JvmProxySelector(Proxy answer) {
    this.answer = requireNonNull(answer, "answer == null");
  }

  /** A selector that answers {@link Proxy#NO_PROXY}: only its being asked shows. */
  public static JvmProxySelector direct() {
    return new JvmProxySelector(Proxy.NO_PROXY);
  }

  /** A selector that sends every call to the HTTP proxy at {@code hostAndPort}. */
  public static JvmProxySelector through(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    return new JvmProxySelector(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(
        hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)))));
  }

  /**
   * What {@code build} returns, called with this selector the JVM's default; the default before
   * is put back whether it returns or throws.
   */
  public <T> T whileDefault(Supplier<T> build) {
    ProxySelector before = ProxySelector.getDefault();
    ProxySelector.setDefault(this);
    try {
      return build.get();
    } finally {
      ProxySelector.setDefault(before);
    }
  }

  /** Each URI this selector was asked for, in order. */
  public List<URI> asked() {
    return new ArrayList<>(asked);
  }

  @Override
  public List<Proxy> select(URI uri) {
    asked.add(uri);
    return List.of(answer);
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException e) {}
}
