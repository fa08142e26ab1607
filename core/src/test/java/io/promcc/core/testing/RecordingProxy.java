package io.promcc.core.testing;

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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A proxy on loopback for tests, either an HTTP proxy taking {@code CONNECT} or a SOCKS5 proxy
 * (no authentication), that tunnels each connection to the target it names and records that
 * target ({@code host:port}) and, for HTTP, the {@code Proxy-Authorization} header sent. A name
 * given to {@link #routing} is connected to its address, so that a client may name a server
 * that no DNS knows (e.g. {@code kube.promcc.test}, whose certificate the test made); any other
 * target is connected to as named. Every socket read is bounded by {@link #TIMEOUT_MS}, so no
 * thread of it outlives a stalled client for long; {@link #close()} ends them all. Thread-safe.
 */
public final class RecordingProxy implements AutoCloseable {
  /** The bound of each connect and read. */
  public static final int TIMEOUT_MS = 30_000;

  /** What a client asked of the proxy. */
  public record Connect(String target, Optional<String> proxyAuthorization) {}

  private final boolean socks;
  private final boolean asksForCredentials;
  private final ServerSocket server;
  private final List<Connect> connects = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Map<String, String> routes = new ConcurrentHashMap<>();

  private RecordingProxy(boolean socks, boolean asksForCredentials) throws IOException {
    this.socks = socks;
    this.asksForCredentials = asksForCredentials;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting = new Thread(this::accept, "recording-proxy");
    accepting.setDaemon(true);
    accepting.start();
  }

  /** An HTTP proxy ({@code CONNECT}). */
  public static RecordingProxy http() throws IOException {
    return new RecordingProxy(false, false);
  }

  /**
   * An HTTP proxy that answers every {@code CONNECT}, with credentials or without, {@code 407
   * Proxy Authentication Required} (a proxy that wants other credentials) and closes it.
   */
  public static RecordingProxy httpAskingForCredentials() throws IOException {
    return new RecordingProxy(false, true);
  }

  /** A SOCKS5 proxy. */
  public static RecordingProxy socks5() throws IOException {
    return new RecordingProxy(true, false);
  }

  /** Connects a target {@code name} to {@code address} (e.g. 127.0.0.1), keeping its port. */
  public RecordingProxy routing(String name, String address) {
    routes.put(name, address);
    return this;
  }

  /** {@code host:port} of the proxy on loopback. */
  public String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** {@code http://host:port} of the proxy on loopback. */
  public String url() {
    return "http://" + address();
  }

  /** Each connection's request, in order of arrival. */
  public List<Connect> connects() {
    return new ArrayList<>(connects);
  }

  /** The target ({@code host:port}) of each connection, in order of arrival. */
  public List<String> targets() {
    return connects.stream().map(Connect::target).toList();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread serving = new Thread(() -> serve(client), "recording-proxy-connection");
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
      String target = socks ? socksTarget(in, out) : connectTarget(in);
      if (asksForCredentials) {
        out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
            + "realm=\"corp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      int colon = target.lastIndexOf(':');
      try (Socket upstream = new Socket()) {
        sockets.add(upstream);
        String host = target.substring(0, colon);
        upstream.connect(new InetSocketAddress(routes.getOrDefault(host, host),
            Integer.parseInt(target.substring(colon + 1))), TIMEOUT_MS);
        upstream.setSoTimeout(TIMEOUT_MS);
        if (socks) { // succeeded, bound to 0.0.0.0:0
          out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        } else {
          out.write("HTTP/1.1 200 Connection established\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        Thread back = new Thread(() -> pump(upstream, client), "recording-proxy-back");
        back.setDaemon(true);
        back.start();
        pump(client, upstream);
      }
    } catch (IOException | RuntimeException e) {
      // the client or the target went away: the test's assertions say what was expected
    }
  }

  /** Reads a {@code CONNECT} request and its headers; records them. */
  private String connectTarget(InputStream in) throws IOException {
    String requestLine = line(in);
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[0].equals("CONNECT")) {
      throw new IOException("not a CONNECT: " + requestLine);
    }
    Optional<String> authorization = Optional.empty();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
        authorization = Optional.of(header.substring(header.indexOf(':') + 1).strip());
      }
    }
    connects.add(new Connect(parts[1], authorization));
    return parts[1];
  }

  /** Reads a SOCKS5 greeting (answered: no authentication) and its CONNECT; records it. */
  private String socksTarget(InputStream in, OutputStream out) throws IOException {
    byte[] greeting = in.readNBytes(2);
    if (greeting.length != 2 || greeting[0] != 5) {
      throw new IOException("not SOCKS5");
    }
    in.readNBytes(greeting[1]);
    out.write(new byte[] {5, 0});
    out.flush();
    byte[] request = in.readNBytes(4);
    if (request.length != 4 || request[1] != 1) {
      throw new IOException("not a SOCKS5 CONNECT");
    }
    String host = switch (request[3]) {
      case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
      case 3 -> new String(in.readNBytes(in.read()), StandardCharsets.US_ASCII);
      case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
      default -> throw new IOException("address type " + request[3]);
    };
    byte[] port = in.readNBytes(2);
    String target = host + ":" + (((port[0] & 0xff) << 8) | (port[1] & 0xff));
    connects.add(new Connect(target, Optional.empty()));
    return target;
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
        // closing only
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
