package io.promcc.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback TCP ports for servers a test starts. Thread-safe.
 *
 * <p>A port is chosen some time before the server binds it, so it must not be one the kernel
 * may meanwhile give to an outgoing connection: ports are drawn below the kernel's ephemeral
 * range ({@code /proc/sys/net/ipv4/ip_local_port_range}, from which every outgoing connection of
 * Prometheus, the controller and the fakes takes its local port), and never handed out twice by
 * this process.
 */
public final class FreePorts {
  /** The lowest port drawn. */
  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A loopback port that nothing listens on now, outside the ephemeral range. */
  public static int next() {
    int highest = ephemeralStart() - 1;
    if (highest - LOWEST >= 1_000) {
      for (int attempt = 0; attempt < 1_000; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
        if (HANDED_OUT.add(port) && bindable(port)) {
          return port;
        }
      }
    }
    // no room below the ephemeral range: the kernel's pick, which it does not reuse soon
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      HANDED_OUT.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** The first port of the kernel's ephemeral range (32768, Linux' default, if unreadable). */
  public static int ephemeralStart() {
    try {
      // read as lines: a /proc file reports size 0, which a whole-file read may take as its end
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
          .get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
