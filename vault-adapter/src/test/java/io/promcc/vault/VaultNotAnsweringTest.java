package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Vault that accepts connections and never answers (a black hole, a stuck proxy) costs one
 * request timeout per observe, not one per cluster: the clusters behind the first failures wait
 * for the next attempt instead of each waiting a full timeout of its own. Counted in requests,
 * not timed.
 */
class VaultNotAnsweringTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;
  private final VaultSettings settings = fixture.settings().maxConcurrentRequests(4)
      .requestTimeout(Duration.ofSeconds(1)).build();

  @AfterEach
  void close() {
    vault.resume();
    fixture.close();
  }

  @Test
  void aLoginThatGetsNoAnswerIsTriedOnceForEveryClusterWaitingForIt() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(8);
    VaultCertificateSource source = fixture.source(settings);
    vault.pause();

    CertificateObservation observed = source.observe(clusters);

    assertEquals(8, observed.problems().size(), observed.problems().toString());
    observed.problems().values().forEach(problem ->
        assertEquals(VaultFailure.UNREACHABLE.reason(), problem.reason(), problem.toString()));
    // before: a login per cluster, one after the other under the authenticator's lock
    assertEquals(1, vault.requestCount("auth/token/lookup-self"));
    assertEquals(0, vault.requestCount("pki-"));
  }

  @Test
  void signaturesThatGetNoAnswerHoldBackTheClustersBehindThem() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source = fixture.source(settings);
    source.observe(clusters.subList(0, 1)); // logged in, one certificate
    vault.clearRequests();
    vault.pause();

    CertificateObservation observed = source.observe(clusters);

    assertTrue(observed.bundles().containsKey(ClusterId.of("c0000")), "its certificate kept");
    assertEquals(11, observed.problems().size(), observed.problems().toString());
    // the requests in flight when the first timed out, at most one per worker; before: 11
    long asked = vault.requests().stream().filter(r -> r.path().contains("/sign/")).count();
    assertTrue(asked <= settings.maxConcurrentRequests(), asked + " signatures asked for");
    assertTrue(observed.problems().values().stream().anyMatch(problem ->
        problem.message().contains("as it did not answer")), observed.problems().toString());
  }
}
