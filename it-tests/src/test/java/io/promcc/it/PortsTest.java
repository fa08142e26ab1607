package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void portsAreBelowTheEphemeralRangeFreeAndNeverHandedOutTwice() {
    int ephemeral = Ports.ephemeralStart();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = Ports.free();
      assertTrue(port < ephemeral, port + " is in the ephemeral range from " + ephemeral);
      assertTrue(Ports.isFree(port), port + " is not free");
      seen.add(port);
    }
    assertEquals(200, seen.size(), "a port was handed out twice");
  }
}
