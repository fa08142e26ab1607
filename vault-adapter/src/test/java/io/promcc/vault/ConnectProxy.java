package io.promcc.vault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on loopback for tests that takes {@code CONNECT}, records its target
 * ({@code host:port}) and tunnels it to 127.0.0.1 at that port, so that a client may name a
 * Vault no DNS knows (e.g. {@code vault.promcc.test}, which the fake's certificate names). Every
 * socket read is bounded by {@link #TIMEOUT_MS}; {@link #close()} ends every connection.
 * Thread-safe.
 */
final class ConnectProxy implements AutoCloseable {
  /** The bound of each connect and read. */
  static final int TIMEOUT_MS = 30_000;

  private final ServerSocket server;
  private final List<String> connects = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  ConnectProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting = new Thread(this::accept, "connect-proxy");
    accepting.setDaemon(true);
    accepting.start();
  }

  /** {@code http://127.0.0.1:port}. */
  String url() {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** The target of each {@code CONNECT}, in order of arrival. */
  List<String> connects() {
    return new ArrayList<>(connects);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread serving = new Thread(() -> serve(client), "connect-proxy-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(TIMEOUT_MS);
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String[] request = line(in).split(" ");
      while (!line(in).isEmpty()) {
        // the headers: none matters here
      }
      if (request.length != 3 || !request[0].equals("CONNECT")) {
        out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        return;
      }
      connects.add(request[1]);
      int port = Integer.parseInt(request[1].substring(request[1].lastIndexOf(':') + 1));
      try (Socket upstream = new Socket()) {
        sockets.add(upstream);
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            TIMEOUT_MS);
        upstream.setSoTimeout(TIMEOUT_MS);
        out.write("HTTP/1.1 200 Connection established\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread back = new Thread(() -> pump(upstream, client), "connect-proxy-back");
        back.setDaemon(true);
        back.start();
        pump(client, upstream);
      }
    } catch (IOException | RuntimeException e) {
      // the client or the target went away: the test's assertions say what was expected
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0 || bytes.size() > 8192) {
        throw new IOException("no line");
      }
      bytes.write(b);
    }
    return bytes.toString(StandardCharsets.US_ASCII).strip();
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // either side closed or a read timed out: the tunnel ends
    } finally {
      try {
        to.close();
        from.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
