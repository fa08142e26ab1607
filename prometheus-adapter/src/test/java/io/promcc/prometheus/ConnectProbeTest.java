package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.FreePorts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One plain connect tells a refusal from a host that does not answer by its exception's type.
 * Each probe's thread is waited for 30 s, which only a failure reaches: the outcome of its
 * connect is checked here, not how soon a busy machine runs it.
 */
class ConnectProbeTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void aPortNothingListensOnIsARefusal() {
    assertEquals(ConnectProbe.Outcome.REFUSED,
        new ConnectProbe(ConnectProbe::connect, PATIENCE).probe("127.0.0.1", FreePorts.next()));
  }

  @Test
  void eachFailureIsToldByItsType() {
    assertEquals(ConnectProbe.Outcome.REFUSED, failingWith(new ConnectException("abgelehnt")));
    assertEquals(ConnectProbe.Outcome.NOT_ANSWERED,
        failingWith(new SocketTimeoutException("Connect timed out")));
    assertEquals(ConnectProbe.Outcome.NO_ROUTE, failingWith(new NoRouteToHostException("x")));
    assertEquals(ConnectProbe.Outcome.NOT_TOLD, failingWith(new IOException("other")));
    assertEquals(ConnectProbe.Outcome.CONNECTED,
        new ConnectProbe((host, port, millis) -> { }, PATIENCE).probe("prometheus", 9090));
  }

  private static ConnectProbe.Outcome failingWith(IOException e) {
    return new ConnectProbe((host, port, millis) -> {
      throw e;
    }, PATIENCE).probe("prometheus", 9090);
  }
}
