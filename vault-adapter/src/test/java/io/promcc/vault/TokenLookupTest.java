package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One lookup-self serves the refusals sent before it started; a lookup that was interrupted
 * (its caller is stopping) got no answer of Vault's, so the others do not share its failure.
 */
class TokenLookupTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    Thread.interrupted();
    fixture.close();
  }

  @Test
  void anInterruptedLookupIsNotSharedWithTheCallersWaitingForIt() {
    Secret token = vault.createToken(Duration.ofDays(30), true, Duration.ZERO, "default");
    VaultSettings settings = fixture.settings().build();
    TokenLookup lookup = new TokenLookup(VaultConnection.create(settings, fixture.clock),
        fixture.clock);
    Instant sentAt = fixture.clock.instant();
    vault.clearRequests();

    Thread.currentThread().interrupt(); // the first caller is being stopped
    VaultRequestException interrupted = assertThrows(VaultRequestException.class,
        () -> lookup.stillValid(token, sentAt));
    assertEquals(VaultFailure.INTERRUPTED, interrupted.failure());
    assertTrue(Thread.interrupted(), "the interrupt kept");

    // another caller, refused at the same time, asks Vault itself
    assertTrue(lookup.stillValid(token, sentAt));
    assertTrue(vault.requestCount("auth/token/lookup-self") >= 1,
        vault.requests().toString());
  }
}
