package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.Secret;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The close of the certificate source stops the look at the login credential's file: after
 * it, no look begins, however long clusters wait for the credential. The looks are handed to
 * the test, which runs them on its own thread.
 */
class VaultCloseStopsCredentialLookTest {
  private static final CredentialDigest OLD = CredentialDigest.of(Secret.of("hvs.old"));

  private final VaultFixture fixture = new VaultFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void noLookAtTheCredentialBeginsAfterTheSourcesClose() {
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    TokenRefusals refusals = source.tokenRefusals();
    List<Runnable> looks = new CopyOnWriteArrayList<>();
    refusals.lookOn(looks::add);
    refusals.refused(refusals.attemptBegins(), new TokenOrigin(1, OLD),
        fixture.clock.instant());
    assertEquals(1, looks.size(), "the refusal began no look");
    looks.get(0).run(); // nothing changed: clusters still wait for the credential

    source.close();
    refusals.lookAtCredential(fixture.clock.instant());

    assertEquals(1, looks.size(), "a look began after the source's close");
  }
}
