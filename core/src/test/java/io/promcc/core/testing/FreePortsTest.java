package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void portsAreBelowTheEphemeralRangeBindableAndNeverHandedOutTwice() throws IOException {
    int ephemeral = FreePorts.ephemeralStart();
    assertTrue(ephemeral > 1024, "ephemeral range from " + ephemeral);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = FreePorts.next();
      assertTrue(port < ephemeral, port + " is in the ephemeral range from " + ephemeral);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, socket.getLocalPort());
      }
      seen.add(port);
    }
    assertEquals(200, seen.size(), "a port was handed out twice");
  }
}
