package io.promcc.vault.fake;

import static java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The fake's own contract, spoken to with a plain HTTP client as any Vault client would: tokens,
 * faults, standby and quotas; its PKI engine is {@link FakeVaultPkiTest}'s.
 */
class FakeVaultTest extends FakeVaultOverHttp {
  @Test
  void badCsrIsRejectedWithVaultsErrorShape() throws Exception {
    Secret token = vault.createRootToken();
    vault.pkiRole("pki", "web");
    HttpResponse<String> response = send("POST", "pki/sign/web", token,
        "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n"
            + "-----END CERTIFICATE REQUEST-----\","
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
    assertEquals("{\"errors\":[\"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token"
        + "\\n\\n\"]}", expired.body());
  }

  @Test
  void renewSelfHonoursTheIncrementAndTheMaxTtl() throws Exception {
    Secret token = vault.createToken(Duration.ofMinutes(10), true, Duration.ofMinutes(30));
    clock.advance(Duration.ofMinutes(8));
    HttpResponse<String> renewed =
        send("POST", "auth/token/renew-self", token, "{\"increment\":600}");
    assertEquals(600, json(renewed).get("auth").asObject().getLong("lease_duration", -1));

    clock.advance(Duration.ofMinutes(9)); // 17 min after creation, 13 min before the max TTL
    HttpResponse<String> capped =
        send("POST", "auth/token/renew-self", token, "{\"increment\":900}");
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
  void aStreamedAnswerHasNoLengthAndAllItsBytes() throws Exception {
    Secret token = vault.createRootToken();
    vault.streamNext("auth/token/", 1, 502, 200_000);
    HttpResponse<String> streamed = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(502, streamed.statusCode());
    assertEquals(200_000, streamed.body().length());
    assertTrue(streamed.body().chars().allMatch(c -> c == 'x'));
    assertFalse(streamed.headers().firstValue("Content-Length").isPresent());
    assertEquals(200, send("GET", "auth/token/lookup-self", token, null).statusCode());
  }

  @Test
  void clearedInjectedFailuresAreNotUsedUp() throws Exception {
    Secret token = vault.createRootToken();
    vault.failNext("auth/token/", Integer.MAX_VALUE, 500, "internal error");
    vault.rateLimitNext("auth/token/", 5, null);
    assertEquals(500, send("GET", "auth/token/lookup-self", token, null).statusCode());
    vault.clearInjected();
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
    var pending = http.sendAsync(
        HttpRequest.newBuilder(URI.create(vault.address() + "/v1/sys/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");
    assertEquals(1, vault.requests().size());
    assertFalse(pending.isDone());
    vault.resume();
    assertEquals(200, pending.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
  }

  // ---- tokens and policies ----------------------------------------------------------------

  @Test
  void aValidTokenOutsideItsPoliciesGetsPermissionDeniedWithoutInvalidToken() throws Exception {
    vault.pkiRole("pki-a", "role-a").keyType("ec").allowAnyName(true);
    vault.pkiRole("pki-b", "role-b").keyType("ec").allowAnyName(true);
    vault.policy("only-a", "pki-a/sign/role-a");
    Secret token = vault.createToken(Duration.ofHours(1), true, Duration.ZERO, "default", "only-a");
    KeyPair key = FakeCa.ecKeyPair();

    assertEquals(200, sign(token, "pki-a/sign/role-a", key, "a.example", null).statusCode());
    HttpResponse<String> denied = sign(token, "pki-b/sign/role-b", key, "a.example", null);
    assertEquals(403, denied.statusCode());
    assertEquals("{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}",
        denied.body());
    // the default policy still lets it look itself up
    HttpResponse<String> self = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(200, self.statusCode());
    assertEquals("[\"default\",\"only-a\"]",
        json(self).get("data").asObject().get("policies").toString());

    // a token without the default policy may not even do that
    Secret bare = vault.createToken(Duration.ofHours(1), true, Duration.ZERO, "only-a");
    assertEquals(403, send("GET", "auth/token/lookup-self", bare, null).statusCode());
  }

  @Test
  void olderVaultsSayOnlyPermissionDeniedForAnInvalidToken() throws Exception {
    Secret token = vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    vault.revoke(token);
    assertTrue(errors(send("GET", "auth/token/lookup-self", token, null))
        .contains("invalid token"));
    vault.omitInvalidTokenDetail();
    assertEquals("{\"errors\":[\"permission denied\"]}",
        send("GET", "auth/token/lookup-self", token, null).body());
  }

  @Test
  void revokeSelfRevokesTheCallingTokenOnly() throws Exception {
    Secret one = vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    Secret two = vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    HttpResponse<String> revoked = send("POST", "auth/token/revoke-self", one, "{}");
    assertEquals(204, revoked.statusCode());
    assertEquals("", revoked.body());
    assertTrue(vault.isRevoked(one));
    assertFalse(vault.isValid(one));
    assertTrue(vault.isValid(two));
    assertEquals(403, send("GET", "auth/token/lookup-self", one, null).statusCode());
  }

  @Test
  void everyLoginCreatesAToken() throws Exception {
    vault.kubernetesRole("kubernetes", "promcc", "jwt-1", Duration.ofHours(1), Duration.ZERO);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, send("POST", "auth/kubernetes/login", null,
          "{\"role\":\"promcc\",\"jwt\":\"jwt-1\"}").statusCode());
    }
    assertEquals(3, vault.logins());
    assertEquals(3, vault.issuedTokens().size());
  }

  // ---- standby, quotas --------------------------------------------------------------------

  @Test
  void aStandbyRedirectsToTheActiveNodeWith307() throws Exception {
    vault.standbyOf(URI.create("https://vault-0.vault-internal:8200"));
    HttpResponse<String> redirected = send("POST", "pki/sign/web?x=1", null, "{}");
    assertEquals(307, redirected.statusCode());
    assertEquals("https://vault-0.vault-internal:8200/v1/pki/sign/web?x=1",
        redirected.headers().firstValue("Location").orElse(""));
    assertEquals("", redirected.body());
    HttpResponse<String> health = send("GET", "sys/health", null, null);
    assertEquals(429, health.statusCode());
    assertTrue(json(health).getBoolean("standby", false));
  }

  @Test
  void aRateLimitQuotaAnswers429WithRetryAfterWhenHeadersAreOn() throws Exception {
    Secret token = vault.createRootToken();
    vault.rateLimitNext("auth/token/", 1, Duration.ofSeconds(7));
    vault.rateLimitNext("auth/token/", 1, null);
    HttpResponse<String> limited = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(429, limited.statusCode());
    assertEquals("[\"request path \\\"auth/token/lookup-self\\\": rate limit quota exceeded\"]",
        errors(limited));
    assertEquals("7", limited.headers().firstValue("Retry-After").orElse(""));
    HttpResponse<String> bare = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(429, bare.statusCode());
    assertFalse(bare.headers().firstValue("Retry-After").isPresent());
    assertEquals(200, send("GET", "auth/token/lookup-self", token, null).statusCode());
  }

  @Test
  void anInjectedFailureCarriesTheRetryAfterItWasGiven() throws Exception {
    Secret token = vault.createRootToken();
    vault.failNext("auth/token/", 1, 503, "Vault server temporarily overloaded",
        Duration.ofMillis(2500));
    HttpResponse<String> refused = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(503, refused.statusCode());
    assertEquals("[\"Vault server temporarily overloaded\"]", errors(refused));
    assertEquals("2", refused.headers().firstValue("Retry-After").orElse(""));
    assertEquals(200, send("GET", "auth/token/lookup-self", token, null).statusCode());
  }

  /**
   * The date is written as Go's http.TimeFormat does, and counted from the answer's Date, which
   * the JDK's server stamps when the headers go out: a second later if its second turned.
   */
  @Test
  void anInjectedFailureCarriesARetryAfterDateCountedFromItsDate() throws Exception {
    Secret token = vault.createRootToken();
    vault.failNextWithRetryAfterDate("auth/token/", 1, 503, "Vault server temporarily overloaded",
        Duration.ofSeconds(90));
    HttpResponse<String> refused = send("GET", "auth/token/lookup-self", token, null);
    assertEquals(503, refused.statusCode());
    String retryAfter = refused.headers().firstValue("Retry-After").orElse("");
    assertTrue(retryAfter.matches(
        "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"), retryAfter);
    Duration wait = Duration.between(
        ZonedDateTime.parse(refused.headers().firstValue("Date").orElseThrow(), RFC_1123_DATE_TIME),
        ZonedDateTime.parse(retryAfter, RFC_1123_DATE_TIME));
    assertTrue(wait.equals(Duration.ofSeconds(90)) || wait.equals(Duration.ofSeconds(89)),
        wait.toString());
    assertEquals(200, send("GET", "auth/token/lookup-self", token, null).statusCode());
  }

  /**
   * The answers' {@code Date} is this machine's clock, not the injected one: the JDK's server
   * writes it over anything the fake could set. With the injected clock ten days ahead, the
   * answer's day is not the injected clock's.
   */
  @Test
  void theDateHeaderFollowsThisMachinesClockNotTheInjectedOne() throws Exception {
    clock.advance(Duration.ofDays(10));
    Secret token = vault.createRootToken();
    HttpResponse<String> answer = send("GET", "auth/token/lookup-self", token, null);
    ZonedDateTime date =
        ZonedDateTime.parse(answer.headers().firstValue("Date").orElseThrow(), RFC_1123_DATE_TIME);
    assertFalse(date.toLocalDate().equals(clock.instant().atZone(date.getZone()).toLocalDate()),
        date + " is the injected clock's day, " + clock.instant());
  }
}
