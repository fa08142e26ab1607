package io.promcc.it;

import io.promcc.core.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback TCP ports for servers started by the harness. Thread-safe. */
public final class Ports {
  private Ports() {}

  /**
   * A loopback port that nothing listens on now, outside the ephemeral range (see
   * {@link FreePorts}).
   */
  public static int free() {
    return FreePorts.next();
  }

  /** {@code preferred} if it can be bound on loopback now, else {@link #free()}. */
  public static int preferred(int preferred) {
    return preferred > 0 && isFree(preferred) ? preferred : free();
  }

  /** Whether nothing listens on {@code port} of 127.0.0.1 (it can be bound now). */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
