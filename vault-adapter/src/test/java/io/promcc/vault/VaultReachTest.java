package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.FreePorts;
import io.promcc.vault.fake.FakeVault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promcc check}'s line about Vault, against the fake: reachable, sealed, a refused login
 * and a port nothing listens on; a token the check's login made is revoked.
 */
class VaultReachTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;
  @TempDir Path temp;

  @AfterEach
  void close() {
    fixture.close();
  }

  private VaultReach.Result check(VaultSettings settings) {
    return VaultReach.check(fixture.authenticator(settings,
        VaultConnection.create(settings, fixture.clock)), settings.address());
  }

  private String at() {
    return "vault at \"" + vault.address() + "\": ";
  }

  @Test
  void aReachableUnsealedVaultThatTakesTheLoginWorks() throws Exception {
    VaultReach.Result result = check(fixture.kubernetesSettings(temp).build());

    assertEquals(new VaultReach.Result(true, at() + "reachable and unsealed, and the login "
        + "works"), result);
    assertEquals(List.of("auth/kubernetes/login", "auth/token/revoke-self"),
        fixture.takePaths(), "the check's token is revoked");
  }

  @Test
  void aSealedVaultIsSaidSealed() {
    fixture.useNewToken();
    vault.seal();

    VaultReach.Result result = check(fixture.settings().build());

    assertFalse(result.works());
    assertEquals(at() + "sealed (vault at " + vault.address() + " answered GET "
        + "auth/token/lookup-self with status 503 (vault-sealed): \"Vault is sealed\")",
        result.line());
  }

  @Test
  void aRefusedLoginIsSaidRefused() {
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, "hvs.unknown-to-vault");

    VaultReach.Result result = check(fixture.settings().build());

    assertFalse(result.works());
    assertTrue(result.line().startsWith(at() + "the login was refused (vault at "
        + vault.address() + " answered GET auth/token/lookup-self with status 403 "
        + "(vault-token-invalid): "), result.line());
    assertFalse(result.line().contains("hvs.unknown-to-vault"), "the token is never shown");
  }

  @Test
  void aPortNothingListensOnIsNotReachable() {
    fixture.useNewToken();
    URI closed = URI.create("http://127.0.0.1:" + FreePorts.next());
    VaultSettings settings = VaultSettings.builder(closed,
        VaultAuthSettings.Token.fromEnvironment(VaultFixture.TOKEN_VARIABLE))
        .allowInsecureHttp(true).requestTimeout(Duration.ofSeconds(30)).build();

    VaultReach.Result result = check(settings);

    assertFalse(result.works());
    assertEquals("vault at \"" + closed + "\": not reachable (cannot reach vault at " + closed
        + " for GET auth/token/lookup-self: connection refused (nothing listens there: check "
        + "the vault address and port, and that vault, or its proxy, runs))", result.line());
  }
}
