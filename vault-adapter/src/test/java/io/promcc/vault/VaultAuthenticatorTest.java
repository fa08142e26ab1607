package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jopenlibs.vault.json.Json;
import io.promcc.core.model.Secret;
import io.promcc.vault.fake.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token's life: logins, renewals, replacement and revocation, and Vault's answers about
 * the token; the credentials a login reads are {@link VaultAuthenticatorCredentialsTest}'s.
 */
class VaultAuthenticatorTest {
  private final VaultFixture fixture = new VaultFixture();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  private VaultAuthenticator authenticator(VaultAuthSettings auth) {
    VaultSettings settings = fixture.settings().auth(auth).build();
    return fixture.authenticator(settings, VaultConnection.create(settings));
  }

  /** Kubernetes auth against a role whose tokens live {@code ttl}, renewable to {@code maxTtl}. */
  private VaultAuthenticator kubernetesLogin(Duration ttl, Duration maxTtl) throws IOException {
    Path jwt = Files.writeString(dir.resolve("token"), "service-account-jwt\n");
    fixture.vault.kubernetesRole("kubernetes", "promcc", "service-account-jwt", ttl, maxTtl);
    return authenticator(new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt));
  }

  @Test
  void kubernetesLoginIsRenewedBeforeItsTtlEndsAndReplacedWhenMaxTtlStopsRenewal()
      throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ofMinutes(120));

    Secret first = auth.token();
    assertEquals(List.of("auth/kubernetes/login"), fixture.takePaths());

    fixture.clock.advance(Duration.ofMinutes(39)); // threshold: 2/3 of 60 min
    assertEquals(first, auth.token());
    assertEquals(List.of(), fixture.takePaths());

    fixture.clock.advance(Duration.ofMinutes(2)); // 41 min: renew, expiry 101 min
    assertEquals(first, auth.token());
    assertEquals(List.of("auth/token/renew-self"), fixture.takePaths());

    fixture.clock.advance(Duration.ofMinutes(41)); // 82 min: renew, capped at max 120 min
    assertEquals(first, auth.token());
    assertEquals(List.of("auth/token/renew-self"), fixture.takePaths());
    assertEquals(fixture.clock.instant().plus(Duration.ofMinutes(38)), auth.expiresAt());

    fixture.clock.advance(Duration.ofMinutes(26)); // 108 min: renewal cannot extend any more
    assertEquals(first, auth.token());
    assertEquals(List.of("auth/token/renew-self"), fixture.takePaths());

    fixture.clock.advance(Duration.ofMinutes(8)); // 116 min: log in again instead
    Secret second = auth.token();
    assertNotEquals(first, second);
    // the replaced token, still valid for 4 minutes, is revoked once the new one is in hand
    assertEquals(List.of("auth/kubernetes/login", "auth/token/revoke-self"), fixture.takePaths());
    assertTrue(fixture.vault.isRevoked(first));
    assertTrue(fixture.vault.isValid(second));
    assertTrue(fixture.listener.events.containsAll(List.of("token login", "token renewed")));

    // the login sent role and service account token in Vault's shape (recorded redacted)
    fixture.clock.advance(Duration.ofMinutes(200));
    auth.token();
    RecordedRequest login = fixture.vault.requests().get(0);
    assertEquals("{\"role\":\"promcc\",\"jwt\":\"<redacted>\"}", login.body());
  }

  @Test
  void expiredTokenLeadsToANewLoginWithoutARenewalAttempt() throws Exception {
    Path secretId = Files.writeString(dir.resolve("secret-id"), "the-secret-id");
    fixture.vault.appRole("approle", "role-id-1", "the-secret-id", Duration.ofMinutes(10),
        Duration.ZERO);
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.AppRole("approle", "role-id-1", secretId));

    Secret first = auth.token();
    fixture.clock.advance(Duration.ofMinutes(11));
    fixture.takePaths();
    Secret second = auth.token();
    assertNotEquals(first, second);
    assertEquals(List.of("auth/approle/login"),
        fixture.takePaths()); // an expired token needs no revoking
  }

  @Test
  void closingRevokesTheTokenItLoggedInWith() throws Exception {
    Path secretId = Files.writeString(dir.resolve("secret-id"), "the-secret-id");
    fixture.vault.appRole("approle", "role-id-1", "the-secret-id", Duration.ofMinutes(10),
        Duration.ZERO);
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.AppRole("approle", "role-id-1", secretId));
    Secret token = auth.token();
    fixture.takePaths();

    auth.close();
    assertEquals(List.of("auth/token/revoke-self"), fixture.takePaths());
    assertTrue(fixture.vault.isRevoked(token));
    auth.close(); // idempotent
    assertEquals(List.of(), fixture.takePaths());
    assertThrows(IllegalStateException.class, auth::token);
  }

  @Test
  void anOperatorsTokenIsNeverRevoked() throws Exception {
    Secret first = fixture.vault.createToken(Duration.ofHours(1), false, Duration.ZERO);
    Path file = Files.writeString(dir.resolve("vault-token"), first.reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromFile(file));
    assertEquals(first, auth.token());

    // not renewable: when due, the file is read again; an agent has put a new token there
    Secret second = fixture.vault.createToken(Duration.ofHours(1), false, Duration.ZERO);
    Files.writeString(file, second.reveal());
    fixture.clock.advance(Duration.ofMinutes(41));
    assertEquals(second, auth.token());
    auth.close();
    assertEquals(List.of("auth/token/lookup-self", "auth/token/lookup-self"), fixture.takePaths());
    assertTrue(fixture.vault.isValid(first));
    assertTrue(fixture.vault.isValid(second));
  }

  @Test
  void rootTokenWithoutTtlIsNeverRenewed() {
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, fixture.vault.createRootToken().reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromEnvironment(
        VaultFixture.TOKEN_VARIABLE));
    auth.token();
    fixture.clock.advance(Duration.ofDays(3650));
    auth.token();
    assertEquals(List.of("auth/token/lookup-self"), fixture.takePaths());
  }

  /**
   * Vault rounds a token's remaining ttl down to whole seconds: one with under a second left
   * says ttl 0, as a root token does, but with an expire_time. It is refused as expiring (not
   * taken as never expiring, and never read again until Vault refused a call), and the variable
   * is read again after the first backoff step.
   */
  @Test
  void aTokenWithTtlZeroAndAnExpireTimeIsRefusedAsExpiringAndReadAgainLater() {
    Secret expiring = fixture.vault.createToken(Duration.ofMillis(500), false, Duration.ZERO);
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, expiring.reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromEnvironment(
        VaultFixture.TOKEN_VARIABLE));

    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token,
        "a token with half a second left was taken as one that never expires");
    assertEquals(VaultFailure.TOKEN_INVALID, e.failure());
    assertTrue(e.getMessage().contains("environment variable \"" + VaultFixture.TOKEN_VARIABLE
        + "\" expires within a second"), e.getMessage());
    assertFalse(e.getMessage().contains(expiring.reveal()), "the token is in the message");

    Secret next = fixture.vault.createToken(Duration.ofHours(1), false, Duration.ZERO);
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, next.reveal());
    fixture.clock.advance(Duration.ofSeconds(1)); // the first backoff step
    assertEquals(next, auth.token());
    assertEquals(List.of("auth/token/lookup-self", "auth/token/lookup-self"), fixture.takePaths());
  }

  /**
   * Vault answers a renewal with the ttl left in whole seconds, rounded down: a renewal in the
   * last second before the max ttl says lease_duration 0, as a root token's would. That token
   * ends within the second, so the controller logs in again at once (the token it replaces is
   * left to end on its own), instead of keeping it as one that never expires until Vault
   * refuses it.
   */
  @Test
  void aRenewalThatLeavesUnderASecondLogsInAgainInsteadOfKeepingTheTokenForever()
      throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ofMinutes(60));
    Secret first = auth.token();
    fixture.clock.advance(Duration.ofMinutes(60).minusMillis(300)); // 0.3 s to its max ttl
    fixture.takePaths();

    Secret second = auth.token();

    assertNotEquals(first, second, "the token ending within the second was kept");
    assertEquals(List.of("auth/token/renew-self", "auth/kubernetes/login"), fixture.takePaths());
    assertEquals(fixture.clock.instant().plus(Duration.ofMinutes(60)), auth.expiresAt());
    fixture.clock.advance(Duration.ofSeconds(1)); // the first token has ended
    assertEquals(second, auth.token());
    assertEquals(List.of(), fixture.takePaths());
  }

  /**
   * With token auth the same answer means the operator's token is spent: the variable is read
   * again at once (an agent may have put the next token there), as for a lookup that says ttl 0
   * with an expire_time.
   */
  @Test
  void aRenewalOfAnOperatorsTokenThatLeavesUnderASecondReadsTheTokenAgain() {
    Secret first = fixture.vault.createToken(Duration.ofHours(1), true, Duration.ofHours(1));
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, first.reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromEnvironment(
        VaultFixture.TOKEN_VARIABLE));
    assertEquals(first, auth.token());
    fixture.clock.advance(Duration.ofHours(1).minusMillis(300)); // 0.3 s to its max ttl
    fixture.takePaths();

    // the variable still holds the spent token: refused as expiring, not kept as eternal
    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token,
        "a token with 0.3 s left was kept as one that never expires");
    assertEquals(VaultFailure.TOKEN_INVALID, e.failure());
    assertEquals(List.of("auth/token/renew-self", "auth/token/lookup-self"), fixture.takePaths());

    Secret next = fixture.vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, next.reveal());
    fixture.clock.advance(Duration.ofSeconds(1)); // the first backoff step
    assertEquals(next, auth.token());
    assertEquals(List.of("auth/token/lookup-self"), fixture.takePaths());
  }

  @Test
  void tokenIsKeptWhileVaultIsDownAndRenewedWhenItIsBack() {
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE,
        fixture.vault.createToken(Duration.ofHours(3), true, Duration.ZERO).reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromEnvironment(
        VaultFixture.TOKEN_VARIABLE));
    Secret token = auth.token();
    fixture.vault.seal();
    fixture.clock.advance(Duration.ofHours(2).plusMinutes(1));

    assertEquals(token, auth.token());
    assertEquals(List.of("auth/token/lookup-self", "auth/token/renew-self"), fixture.takePaths());

    fixture.vault.unseal();
    fixture.clock.advance(Duration.ofSeconds(2)); // after the one-step backoff
    assertEquals(token, auth.token());
    assertEquals(List.of("auth/token/renew-self"), fixture.takePaths());
  }

  @Test
  void aTokenDueForANewLoginIsKeptWhileThatLoginFailsAndReplacedOnceItWorks()
      throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ofMinutes(60));
    Secret first = auth.token();
    fixture.clock.advance(Duration.ofMinutes(41)); // renewal capped at the max TTL, 60 min
    assertEquals(first, auth.token());
    fixture.clock.advance(Duration.ofMinutes(14)); // 55 min: a new login is due
    fixture.takePaths();

    fixture.vault.failNext("auth/kubernetes/login", 1, 500, "lookup failed: service unavailable");
    assertEquals(first, auth.token(), "the token is valid for five more minutes");
    assertEquals(List.of("auth/kubernetes/login"), fixture.takePaths());
    assertTrue(fixture.vault.isValid(first), "not revoked");

    assertEquals(first, auth.token(), "the login is not tried again before the backoff");
    assertEquals(List.of(), fixture.takePaths());

    fixture.clock.advance(Duration.ofSeconds(2)); // after the one-step backoff
    Secret second = auth.token();
    assertNotEquals(first, second);
    assertEquals(List.of("auth/kubernetes/login", "auth/token/revoke-self"), fixture.takePaths());
  }

  /**
   * A renewal refused (the token revoked) while the new login fails too: the refused token is
   * not renewed again at every call until a login works; the login's own backoff holds.
   */
  @Test
  void aRefusedRenewalIsNotSentAgainWhileTheNewLoginFails() throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ofMinutes(120));
    Secret first = auth.token();
    fixture.vault.revoke(first);
    fixture.clock.advance(Duration.ofMinutes(41)); // a renewal is due
    fixture.takePaths();

    fixture.vault.failNext("auth/kubernetes/login", 3, 500, "lookup failed: service unavailable");
    assertThrows(VaultRequestException.class, auth::token);
    assertEquals(List.of("auth/token/renew-self", "auth/kubernetes/login"), fixture.takePaths());

    assertThrows(VaultRequestException.class, auth::token);
    assertThrows(VaultRequestException.class, auth::token);
    assertEquals(List.of(), fixture.takePaths(), "the refused token was renewed again");

    fixture.clock.advance(Duration.ofSeconds(2)); // after the login's one-step backoff
    assertThrows(VaultRequestException.class, auth::token);
    assertEquals(List.of("auth/kubernetes/login"), fixture.takePaths());
  }

  /** The same for a renewal refused as a bad request (the token not renewable after all). */
  @Test
  void aRenewalRefusedAsABadRequestIsNotSentAgainWhileTheNewLoginFails() throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ofMinutes(120));
    Secret first = auth.token();
    fixture.clock.advance(Duration.ofMinutes(41)); // a renewal is due
    fixture.takePaths();

    fixture.vault.failNext("auth/token/renew-self", 1, 400, "lease is not renewable");
    fixture.vault.failNext("auth/kubernetes/login", 3, 500, "lookup failed: service unavailable");
    assertEquals(first, auth.token(), "the token is valid for 19 more minutes");
    assertEquals(List.of("auth/token/renew-self", "auth/kubernetes/login"), fixture.takePaths());

    assertEquals(first, auth.token());
    assertEquals(first, auth.token());
    assertEquals(List.of(), fixture.takePaths(), "the token was renewed again");
  }

  @Test
  void aNewLoginThatFailsOnceTheTokenExpiredIsThrown() throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ofMinutes(60));
    auth.token();
    fixture.clock.advance(Duration.ofMinutes(61));

    fixture.vault.failNext("auth/kubernetes/login", 1, 500, "lookup failed: service unavailable");
    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);
    assertTrue(e.getMessage().contains("status 500"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1h\"", "3600.5", "99999999999999999", "-1e30"})
  void aLoginAnswerWithALeaseThatIsNoNumberOfSecondsIsAnInvalidResponse(String lease)
      throws Exception {
    VaultAuthenticator auth = kubernetesLogin(Duration.ofMinutes(60), Duration.ZERO);
    fixture.vault.rewriteNext("auth/kubernetes/login", 1,
        answer -> answer.get("auth").asObject().set("lease_duration", Json.parse(lease)));

    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);

    assertEquals(VaultFailure.INVALID_RESPONSE, e.failure());
    assertTrue(e.getMessage().contains("lease_duration " + lease), e.getMessage());
    fixture.clock.advance(Duration.ofSeconds(1));
    auth.token(); // the next login after the first backoff step, answered well, works
  }

  @Test
  void aTokenLookupWithARenewableFlagThatIsNoBooleanIsAnInvalidResponse() {
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE,
        fixture.vault.createToken(Duration.ofHours(1), true, Duration.ZERO).reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromEnvironment(
        VaultFixture.TOKEN_VARIABLE));
    fixture.vault.rewriteNext("auth/token/lookup-self", 1,
        answer -> answer.get("data").asObject().set("renewable", "yes"));

    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);

    assertEquals(VaultFailure.INVALID_RESPONSE, e.failure());
    assertTrue(e.getMessage().contains("renewable \"yes\""), e.getMessage());
  }
}
