package io.promcc.vault.fake;

import io.promcc.core.testing.MutableClock;
import static java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME;
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
import java.security.KeyPair;
import java.time.Instant;
import java.time.Duration;
import java.time.ZonedDateTime;
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
    assertEquals("{\"errors\":[\"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token"
        + "\\n\\n\"]}", expired.body());
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
    var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(vault.address() + "/v1/sys/health"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");
    assertEquals(1, vault.requests().size());
    assertFalse(pending.isDone());
    vault.resume();
    assertEquals(200, pending.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
  }
  // ---- the PKI engine as Vault's (builtin/logical/pki) ------------------------------------

  private static String csr(KeyPair key, String commonName, String... altNames) throws Exception {
    var builder = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new javax.security.auth.x500.X500Principal("CN=" + commonName), key.getPublic());
    if (altNames.length > 0) {
      var extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
      extensions.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
          new org.bouncycastle.asn1.x509.GeneralNames(java.util.Arrays.stream(altNames)
              .map(n -> new org.bouncycastle.asn1.x509.GeneralName(
                  org.bouncycastle.asn1.x509.GeneralName.dNSName, n))
              .toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
      builder.addAttribute(
          org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
          extensions.generate());
    }
    String algorithm = key.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA"
        : "SHA256withRSA";
    return FakeCa.pem(builder.build(
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm)
            .build(key.getPrivate())));
  }

  private HttpResponse<String> sign(Secret token, String path, KeyPair key, String commonName,
      String ttl, String... altNames) throws Exception {
    JsonObject body = Json.object().add("csr", csr(key, commonName, altNames))
        .add("common_name", commonName);
    if (ttl != null) {
      body.add("ttl", ttl);
    }
    return send("POST", path, token, body.toString());
  }

  private static String errors(HttpResponse<String> response) {
    return json(response).get("errors").toString();
  }

  /**
   * Vault checks a host name's labels (at most 63 characters each), not RFC 5280's 64-character
   * bound of a common name, which Go's x509 does not enforce: a longer name is signed, not a
   * dropped connection (a client would take that for an unreachable Vault).
   */
  @Test
  void aCommonNameLongerThan64CharactersIsSigned() throws Exception {
    Secret token = vault.createRootToken();
    vault.pkiRole("pki", "web").keyType("ec").forClientCertificatesBelow("k8s.example");
    String commonName = "prometheus." + "a".repeat(50) + ".k8s.example"; // 73 characters

    HttpResponse<String> signed = sign(token, "pki/sign/web", FakeCa.ecKeyPair(), commonName,
        null);

    assertEquals(200, signed.statusCode(), signed.body());
    assertEquals("CN=" + commonName, io.promcc.core.model.CertificateBundle.parseCertificate(
        json(signed).get("data").asObject().get("certificate").asString(), "certificate")
        .getSubjectX500Principal().getName());
  }

  @Test
  void aDefaultRoleSignsOnlyRsaKeysAndRefusesAnEcCsrAsVaultDoes() throws Exception {
    Secret token = vault.createRootToken();
    vault.pkiRole("pki", "web").allowAnyName(true); // key_type left at its default, rsa

    HttpResponse<String> ec = sign(token, "pki/sign/web", FakeCa.ecKeyPair(), "a.example", null);
    assertEquals(400, ec.statusCode());
    assertEquals("{\"errors\":[\"role requires keys of type rsa\"]}", ec.body());
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.rsaKeyPair(2048), "a.example", null)
        .statusCode());

    vault.pkiRole("pki", "web").keyType("ec");
    assertEquals("[\"role requires keys of type ec\"]",
        errors(sign(token, "pki/sign/web", FakeCa.rsaKeyPair(2048), "a.example", null)));
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.ecKeyPair(), "a.example", null)
        .statusCode());

    vault.pkiRole("pki", "web").keyType("any");
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.ecKeyPair(), "a.example", null)
        .statusCode());
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.rsaKeyPair(2048), "a.example", null)
        .statusCode());
    HttpResponse<String> issueAny = send("POST", "pki/issue/web", token,
        "{\"common_name\":\"a.example\"}");
    assertEquals(400, issueAny.statusCode());
    assertEquals("[\"role key type \\\"any\\\" not allowed for issuing certificates, only signing\"]",
        errors(issueAny));
  }

  @Test
  void roleNameRulesDecideWhichCommonAndAltNamesAreSigned() throws Exception {
    Secret token = vault.createRootToken();
    KeyPair key = FakeCa.ecKeyPair();
    PkiRole role = vault.pkiRole("pki", "web").keyType("ec");

    // a role without allowed names signs nothing but localhost
    assertEquals("[\"common name p.k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.k8s.example", null)));
    assertEquals(200, sign(token, "pki/sign/web", key, "localhost", null).statusCode());

    role.allowedDomains("k8s.example");
    assertEquals("[\"common name p.k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.k8s.example", null)));
    assertEquals("[\"common name k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "k8s.example", null)));

    role.allowSubdomains(true);
    assertEquals(200, sign(token, "pki/sign/web", key, "p.k8s.example", null).statusCode());
    assertEquals(200, sign(token, "pki/sign/web", key, "a.b.k8s.example", null).statusCode());
    assertEquals("[\"common name k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "k8s.example", null)));
    assertEquals("[\"common name p.other.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.other.example", null)));
    // the CSR's alt names are checked too (use_csr_sans)
    assertEquals("[\"subject alternate name api.other.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.k8s.example", null, "api.other.example")));
    assertEquals(200, sign(token, "pki/sign/web", key, "p.k8s.example", null, "api.k8s.example")
        .statusCode());

    role.allowBareDomains(true);
    assertEquals(200, sign(token, "pki/sign/web", key, "k8s.example", null).statusCode());

    role.allowedDomains().allowAnyName(true);
    assertEquals(200, sign(token, "pki/sign/web", key, "p.other.example", null).statusCode());
    assertEquals("[\"common name bad_name.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "bad_name.example", null)));

    // issue checks the request's alt names
    vault.pkiRole("pki", "issuer").keyType("ec").allowedDomains("k8s.example")
        .allowSubdomains(true);
    HttpResponse<String> issued = send("POST", "pki/issue/issuer", token,
        "{\"common_name\":\"p.k8s.example\",\"alt_names\":\"x.other.example\"}");
    assertEquals(400, issued.statusCode());
    assertEquals("[\"subject alternate name x.other.example not allowed by this role\"]",
        errors(issued));
  }

  @Test
  void aLeafThatWouldOutliveItsCaIsRefusedUnlessTheIssuerTruncatesOrPermitsIt()
      throws Exception {
    Secret token = vault.createRootToken();
    FakeCa ca = vault.pkiMount("pki", Duration.ofDays(100));
    vault.pkiRole("pki", "web").keyType("ec").allowAnyName(true);
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    clock.advance(Duration.ofDays(95));
    KeyPair key = FakeCa.ecKeyPair();

    HttpResponse<String> refused = sign(token, "pki/sign/web", key, "a.example", "168h");
    assertEquals(400, refused.statusCode());
    assertEquals("[\"cannot satisfy request, as TTL would result in notAfter of "
        + clock.instant().plus(Duration.ofHours(168)) + " that is beyond the expiration of the CA "
        + "certificate at " + caEnd + "\"]", errors(refused));
    assertEquals(200, sign(token, "pki/sign/web", key, "a.example", "24h").statusCode());

    vault.leafNotAfterBehavior("pki", "truncate");
    HttpResponse<String> truncated = sign(token, "pki/sign/web", key, "a.example", "168h");
    assertEquals(caEnd.getEpochSecond(),
        json(truncated).get("data").asObject().getLong("expiration", 0));

    vault.leafNotAfterBehavior("pki", "permit");
    HttpResponse<String> permitted = sign(token, "pki/sign/web", key, "a.example", "168h");
    assertEquals(clock.instant().plus(Duration.ofHours(168)).getEpochSecond(),
        json(permitted).get("data").asObject().getLong("expiration", 0));

    // truncating to a CA that has already expired leaves nothing to sign
    clock.advance(Duration.ofDays(6));
    vault.leafNotAfterBehavior("pki", "truncate");
    assertEquals("[\"notAfter before notBefore\"]",
        errors(sign(token, "pki/sign/web", key, "a.example", "168h")));
  }

  @Test
  void goTimeFormatHasNoTrailingZerosInItsFraction() {
    assertEquals("2030-01-02T03:04:05Z",
        FakePki.goRfc3339Nano(Instant.parse("2030-01-02T03:04:05Z")));
    assertEquals("2030-01-02T03:04:05.12Z",
        FakePki.goRfc3339Nano(Instant.parse("2030-01-02T03:04:05.120Z")));
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
}
