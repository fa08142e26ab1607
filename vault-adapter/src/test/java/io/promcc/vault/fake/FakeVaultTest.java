package io.promcc.vault.fake;

import io.promcc.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.model.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake's own contract, spoken to with a plain HTTP client as any Vault client would. */
class FakeVaultTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final FakeVault vault = FakeVault.start(clock);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    vault.close();
  }

  private HttpResponse<String> send(String method, String path, Secret token, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(vault.address() + "/v1/" + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("X-Vault-Token", token.reveal());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response) {
    return Json.parse(response.body()).asObject();
  }

  @Test
  void badCsrIsRejectedWithVaultsErrorShape() throws Exception {
    Secret token = vault.createRootToken();
    vault.pkiRole("pki", "web");
    HttpResponse<String> response = send("POST", "pki/sign/web", token,
        "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\","
            + "\"common_name\":\"a.example\"}");
    assertEquals(400, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    assertEquals("{\"errors\":[\"certificate request could not be parsed\"]}", response.body());
  }

  @Test
  void tokensExpireOnTheInjectedClock() throws Exception {
    Secret token = vault.createToken(Duration.ofMinutes(5), true, Duration.ZERO);
    HttpResponse<String> alive = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(200, alive.statusCode());
    assertEquals(300, json(alive).get("data").asObject().getLong("ttl", -1));

    clock.advance(Duration.ofMinutes(5));
    HttpResponse<String> expired = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(403, expired.statusCode());
    assertEquals("{\"errors\":[\"permission denied\"]}", expired.body());
  }

  @Test
  void renewSelfHonoursTheIncrementAndTheMaxTtl() throws Exception {
    Secret token = vault.createToken(Duration.ofMinutes(10), true, Duration.ofMinutes(30));
    clock.advance(Duration.ofMinutes(8));
    HttpResponse<String> renewed = send("POST", "auth/token/renew-self", token, "{\"increment\":600}");
    assertEquals(600, json(renewed).get("auth").asObject().getLong("lease_duration", -1));

    clock.advance(Duration.ofMinutes(9)); // 17 min after creation, 13 min before the max TTL
    HttpResponse<String> capped = send("POST", "auth/token/renew-self", token, "{\"increment\":900}");
    assertEquals(780, json(capped).get("auth").asObject().getLong("lease_duration", -1));
    assertTrue(json(capped).get("warnings").toString().contains("capped"));

    Secret fixed = vault.createToken(Duration.ofMinutes(10), false, Duration.ZERO);
    assertEquals(400, send("POST", "auth/token/renew-self", fixed, "{}").statusCode());
  }

  @Test
  void sealedVaultAnswers503EverywhereAndHealthSaysSo() throws Exception {
    Secret token = vault.createRootToken();
    vault.seal();
    HttpResponse<String> lookup = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(503, lookup.statusCode());
    assertEquals("{\"errors\":[\"Vault is sealed\"]}", lookup.body());
    HttpResponse<String> health = send("GET", "sys/health", null, null);
    assertEquals(503, health.statusCode());
    assertTrue(json(health).getBoolean("sealed", false));
    vault.unseal();
    assertEquals(200, send("GET", "sys/health", null, null).statusCode());
  }

  @Test
  void injectedFailuresHitOnlyTheirPathAndRunOut() throws Exception {
    Secret token = vault.createRootToken();
    vault.failNext("auth/token/", 2, 502, "bad gateway");
    assertEquals(502, send("GET", "auth/token/lookup-self", token, null).statusCode());
    assertEquals(200, send("GET", "sys/health", null, null).statusCode());
    assertEquals(502, send("GET", "auth/token/lookup-self", token, null).statusCode());
    assertEquals(200, send("GET", "auth/token/lookup-self", token, null).statusCode());
  }

  @Test
  void pkiCallsWithoutATokenAreDenied() throws Exception {
    vault.pkiRole("pki", "web");
    HttpResponse<String> response = send("POST", "pki/issue/web", null, "{\"common_name\":\"a\"}");
    assertEquals(403, response.statusCode());
  }

  @Test
  void recordedRequestsKeepNoSecrets() throws Exception {
    Secret token = vault.createRootToken();
    vault.appRole("approle", "rid", "sid-secret", Duration.ofMinutes(5), Duration.ZERO);
    send("POST", "auth/approle/login", null, "{\"role_id\":\"rid\",\"secret_id\":\"sid-secret\"}");
    send("GET", "auth/token/lookup-self", token, null);

    RecordedRequest login = vault.requests().get(0);
    assertEquals("{\"role_id\":\"rid\",\"secret_id\":\"<redacted>\"}", login.body());
    assertFalse(login.hadToken());
    RecordedRequest lookup = vault.requests().get(1);
    assertTrue(lookup.hadToken());
    assertFalse(lookup.toString().contains(token.reveal()));
    assertEquals(null, lookup.header("X-Vault-Token"));
  }

  @Test
  void aRequestIsNoLongerInFlightOnceItsAnswerArrived() throws Exception {
    Secret token = vault.createRootToken();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, send("GET", "auth/token/lookup-self", token, null).statusCode());
      assertEquals(0, vault.inFlight(), "still counted after its answer arrived");
    }
    assertEquals(1, vault.maxConcurrentRequests());
  }

  @Test
  void pausedVaultHoldsRequestsUntilResumed() throws Exception {
    vault.pause();
    var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(vault.address() + "/v1/sys/health"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");
    assertEquals(1, vault.requests().size());
    assertFalse(pending.isDone());
    vault.resume();
    assertEquals(200, pending.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
  }
}
