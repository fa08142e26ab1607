package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import io.promcc.core.testing.DelegatingHttpClient;
import io.promcc.vault.fake.FakeVault;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A standby's 307 that is followed is part of the one request: the request timeout bounds both
 * answers together, not each, so one request never waits twice the timeout.
 */
class VaultRedirectTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault active = fixture.vault;
  private final FakeVault standby = FakeVault.start(fixture.clock);

  @AfterEach
  void close() {
    standby.close();
    fixture.close();
  }

  @Test
  void theFollowedRedirectGetsOnlyWhatIsLeftOfTheTimeout() {
    standby.standbyOf(active.address());
    Secret token = active.createToken(Duration.ofDays(1), true, Duration.ZERO);
    // the standby takes 20 s of the 30 to send its 307
    TimingClient client = new TimingClient(Duration.ofSeconds(20));
    VaultConnection connection = new VaultConnection(standby.address(), null, client, TIMEOUT,
        fixture.clock);

    connection.get("auth/token/lookup-self", token);

    assertEquals(List.of(TIMEOUT, Duration.ofSeconds(10)), client.timeouts);
  }

  /** The wall clock set back while the first answer came: the redirect waits one timeout. */
  @Test
  void aClockSetBackMeanwhileLeavesTheRedirectAtMostTheWholeTimeout() {
    standby.standbyOf(active.address());
    Secret token = active.createToken(Duration.ofDays(1), true, Duration.ZERO);
    TimingClient client = new TimingClient(Duration.ofHours(-1));
    VaultConnection connection = new VaultConnection(standby.address(), null, client, TIMEOUT,
        fixture.clock);

    connection.get("auth/token/lookup-self", token);

    assertEquals(List.of(TIMEOUT, TIMEOUT), client.timeouts);
  }

  @Test
  void aRedirectThatUsedTheWholeTimeoutIsNotFollowed() {
    standby.standbyOf(active.address());
    Secret token = active.createToken(Duration.ofDays(1), true, Duration.ZERO);
    TimingClient client = new TimingClient(TIMEOUT);
    VaultConnection connection = new VaultConnection(standby.address(), null, client, TIMEOUT,
        fixture.clock);

    VaultRequestException e = assertThrows(VaultRequestException.class,
        () -> connection.get("auth/token/lookup-self", token));

    assertEquals(VaultFailure.UNREACHABLE, e.failure());
    assertTrue(e.getMessage().contains("no whole answer within " + TIMEOUT), e.getMessage());
    assertEquals(List.of(TIMEOUT), client.timeouts, "the redirect was followed");
    assertFalse(e.getMessage().contains(token.reveal()), e.getMessage());
  }

  /** Records each request's timeout; the first answer's arrival moves the clock on. */
  private final class TimingClient extends DelegatingHttpClient {
    final List<Duration> timeouts = new CopyOnWriteArrayList<>();
    private final Duration firstAnswerTakes;

    TimingClient(Duration firstAnswerTakes) {
      super(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build());
      this.firstAnswerTakes = firstAnswerTakes;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      timeouts.add(request.timeout().orElseThrow());
      boolean first = timeouts.size() == 1;
      return super.sendAsync(request, handler).thenApply(answer -> {
        if (first) {
          fixture.clock.advance(firstAnswerTakes);
        }
        return answer;
      });
    }
  }
}
