package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A caller of {@code certificateFor} whose certificate needs no Vault call is answered on its
 * own thread, whatever the workers are busy with.
 */
class VaultCertificateForCallerTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  /**
   * A certificate an earlier run left, not yet due, is the answer at once while every worker
   * waits for Vault. It was handed to the workers (the kept one was not looked for first), so
   * the caller waited behind the calls that hang, up to their request's timeout.
   */
  @Test
  void aKeptCertificateIsTheAnswerWhileEveryWorkerWaitsForVault() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    GuestCluster alpha = both.get(0);
    GuestCluster beta = both.get(1);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30))
        .maxConcurrentRequests(1).requestTimeout(Duration.ofMinutes(5)).build();
    VaultCertificateSource earlier = fixture.source(settings);
    CertificateBundle left = earlier.certificateFor(beta);
    earlier.close();
    VaultCertificateSource source = fixture.source(settings,
        cluster -> cluster.equals(beta.id()) ? Optional.of(left) : Optional.empty());
    vault.pause();
    try {
      CompletableFuture<CertificateBundle> alphaCaller =
          CompletableFuture.supplyAsync(() -> source.certificateFor(alpha));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");

      CertificateBundle got = CompletableFuture.supplyAsync(() -> source.certificateFor(beta))
          .get(20, TimeUnit.SECONDS);

      assertEquals(left, got);
      assertFalse(alphaCaller.isDone(), "beta was answered only once alpha's call ended");
    } finally {
      vault.resume();
      source.close();
    }
  }
}
