package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal Vault refuses with {@code permission denied} alone (no {@code invalid token}): the
 * token's policies do not allow {@code renew-self}, e.g. an operator took it out of the
 * {@code default} policy to make tokens end at their ttl. The token itself still works, and is
 * ours: kept while a new login fails, and revoked once one works or at close, as a token that is
 * not renewable is. {@code revoke-self} is a path of its own, which the policies may still allow.
 */
class VaultRenewalDeniedTest {
  private final VaultFixture fixture = new VaultFixture();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }


  /** A first token, then renew-self taken out of the default policy and its renewal due. */
  private Secret deniedRenewalDue(VaultAuthenticator auth) {
    Secret first = auth.token();
    fixture.vault.policy("default", "auth/token/lookup-self", "auth/token/revoke-self");
    fixture.clock.advance(Duration.ofMinutes(41)); // 2/3 of the 60 min ttl
    fixture.takePaths();
    return first;
  }

  @Test
  void aTokenWhoseRenewalItsPoliciesRefuseIsKeptWhileLoginsFailAndRevokedAtClose()
      throws Exception {
    VaultAuthenticator auth = fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60),
        Duration.ofMinutes(120));
    Secret first = deniedRenewalDue(auth);
    fixture.vault.failNext("auth/kubernetes/login", 100, 500, "lookup failed: service unavailable");

    assertEquals(first, auth.token(), "the token is valid for 19 more minutes");
    assertEquals(List.of("auth/token/renew-self", "auth/kubernetes/login"), fixture.takePaths());
    fixture.clock.advance(Duration.ofSeconds(2)); // after the login's one-step backoff
    assertEquals(first, auth.token());
    assertEquals(List.of("auth/kubernetes/login"),
        fixture.takePaths(), "renewed again, though refused");

    auth.close();
    assertEquals(List.of("auth/token/revoke-self"), fixture.takePaths());
    assertTrue(fixture.vault.isRevoked(first), "the still valid token was left behind");
  }

  @Test
  void aTokenWhoseRenewalItsPoliciesRefuseIsRevokedOnceANewLoginReplacesIt() throws Exception {
    VaultAuthenticator auth = fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60),
        Duration.ofMinutes(120));
    Secret first = deniedRenewalDue(auth);

    Secret second = auth.token();

    assertNotEquals(first, second);
    assertEquals(List.of("auth/token/renew-self", "auth/kubernetes/login",
        "auth/token/revoke-self"), fixture.takePaths());
    assertTrue(fixture.vault.isRevoked(first), "the replaced, still valid token was left behind");
    assertTrue(fixture.vault.isValid(second));
  }

  /**
   * Without the default policy at all, revoke-self is refused too: the refusal at close is
   * logged (best effort, as every revocation), and the token ends with its ttl.
   */
  @Test
  void aTokenThatMayNotRevokeItselfEitherIsLeftToItsTtlAtClose() throws Exception {
    fixture.vault.loginPolicies("pki");
    VaultAuthenticator auth = fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60),
        Duration.ofMinutes(120));
    Secret first = auth.token();
    fixture.clock.advance(Duration.ofMinutes(41));
    fixture.vault.failNext("auth/kubernetes/login", 100, 500, "lookup failed: service unavailable");
    assertEquals(first, auth.token());
    fixture.takePaths();

    auth.close();

    assertEquals(List.of("auth/token/revoke-self"), fixture.takePaths());
    assertTrue(fixture.vault.isValid(first));
  }
}
