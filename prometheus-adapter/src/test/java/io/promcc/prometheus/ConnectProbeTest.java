package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.FreePorts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** One plain connect tells a refusal from a host that does not answer by its exception's type. */
class ConnectProbeTest {
  @Test
  void aPortNothingListensOnIsARefusal() {
    assertEquals(ConnectProbe.Outcome.REFUSED,
        ConnectProbe.SOCKETS.probe("127.0.0.1", FreePorts.next()));
  }

  @Test
  void eachFailureIsToldByItsType() {
    assertEquals(ConnectProbe.Outcome.REFUSED, failingWith(new ConnectException("abgelehnt")));
    assertEquals(ConnectProbe.Outcome.NOT_ANSWERED,
        failingWith(new SocketTimeoutException("Connect timed out")));
    assertEquals(ConnectProbe.Outcome.NO_ROUTE, failingWith(new NoRouteToHostException("x")));
    assertEquals(ConnectProbe.Outcome.NOT_TOLD, failingWith(new IOException("other")));
    assertEquals(ConnectProbe.Outcome.CONNECTED,
        new ConnectProbe((host, port, millis) -> { }).probe("prometheus", 9090));
  }

  private static ConnectProbe.Outcome failingWith(IOException e) {
    return new ConnectProbe((host, port, millis) -> {
      throw e;
    }).probe("prometheus", 9090);
  }
}
