package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.util.ClientBuilder;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.FreePorts;
import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.Poll;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * An Event the API server gave no answer to is logged naming the server and what to check, where
 * the log line carried client-java's and the JVM's words ("Message: java.net.ConnectException:
 * Failed to connect to /127.0.0.1:...").
 */
class ServiceEventsNoAnswerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void anEventPostToAClosedPortIsLoggedNamingTheServer() {
    String address = "127.0.0.1:" + FreePorts.next();
    ReconcileResult rejecting = new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(),
        Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(), List.of(),
        List.of(new Rejection("service \"a/master\"", "invalid-api-server",
            "api server must be https")),
        new TreeMap<>(), true, false, false, Optional.empty(), new TreeMap<>());
    try (LogCapture log = LogCapture.of(ServiceEvents.class);
        ServiceEvents events = new ServiceEvents(
            new ClientBuilder().setBasePath("http://" + address).build(), Optional.empty(),
            id -> Optional.empty(), "test", Clock.systemUTC(), 60)) {
      events.offer(rejecting);

      Poll.until(WAIT, "a warning", () -> log.lines().stream()
          .anyMatch(line -> line.startsWith("WARNING")));
      assertEquals(List.of("WARNING cannot publish event InvalidApiServer on service a/master: "
          + "no answer: connection refused at " + address + ", for the api server \"http://"
          + address + "\": nothing listens there; check the address and port of the api "
          + "server, or of its proxy, and that it runs (tried again in 10s; failed events are "
          + "logged at most every 10m per status)"), log.lines().stream()
          .filter(line -> line.startsWith("WARNING")).toList());
    }
  }
}
