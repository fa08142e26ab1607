package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose request a stop ended (its worker interrupted, not a close) counts no failure
 * and keeps no backoff: it is still due, so the observation's next attention is now.
 */
class VaultStoppedRequestAttentionTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  /**
   * A cluster without a certificate whose Vault request the worker's owner interrupted is due
   * again at once. It added nothing to the next attention (neither a renewal nor a retry), so
   * the controller came back to it only at the resync, 5 minutes later, or another trigger.
   */
  @Test
  void aClusterWithoutACertificateWhoseRequestWasStoppedIsDueAtOnce() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    GuestCluster alpha = both.get(0);
    GuestCluster beta = both.get(1);
    VaultCertificateSource source = fixture.source(fixture.settings()
        .requestTimeout(Duration.ofMinutes(5)).build());
    try {
      source.certificateFor(alpha); // the token is in use: only beta's request is in flight
      vault.pause();
      CompletableFuture<CertificateObservation> observer =
          CompletableFuture.supplyAsync(() -> source.observe(List.of(beta)));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "beta was never asked for");

      askingWorker().interrupt(); // its owner stops the call, as a cancel does

      CertificateObservation seen = observer.get(30, TimeUnit.SECONDS);
      assertEquals("interrupted", seen.problems().get(beta.id()).reason(),
          seen.problems().toString());
      assertEquals(Optional.of(fixture.clock.instant()), seen.nextAttention());
    } finally {
      vault.resume();
      source.close();
    }
  }

  /**
   * The one worker asking Vault for a certificate now (a kept certificate is read on a thread
   * of its own, so the reader cannot name it).
   */
  private static Thread askingWorker() {
    List<Thread> asking = Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(frame -> frame.getClassName()
            .equals(CertificateCache.class.getName()) && frame.getMethodName().equals("obtain")))
        .map(Map.Entry::getKey).toList();
    assertEquals(1, asking.size(), "workers asking: " + asking);
    return asking.get(0);
  }
}
