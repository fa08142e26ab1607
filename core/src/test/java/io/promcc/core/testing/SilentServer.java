package io.promcc.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback server that never answers, for tests of how a client words a call that got no
 * answer: it accepts each connection and either holds it open without a byte sent
 * ({@link #holding()}) or closes it at once ({@link #closing()}). Closing it closes every
 * connection it holds. Thread-safe.
 */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private SilentServer(boolean hold) {
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(() -> accept(hold), "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A server that keeps each connection open and sends nothing. */
  public static SilentServer holding() {
    return new SilentServer(true);
  }

  /** A server that closes each connection as soon as it accepts it. */
  public static SilentServer closing() {
    return new SilentServer(false);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  private void accept(boolean hold) {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        if (hold) {
          held.add(connection);
        } else {
          connection.close();
        }
      } catch (IOException closed) {
        return; // close()
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket connection : held) {
      connection.close();
    }
  }
}
