package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login credential refused by the login (Kubernetes auth: the service account token), then
 * fixed in its file: the clusters that failed so ({@code vault-permission-denied} from the
 * login) are asked at the next observation, as those refused for the token are, not after their
 * own backoff (up to 5 minutes), which a fixed credential does not need.
 */
class VaultLoginCredentialFixedTest {
  private final VaultFixture fixture = new VaultFixture();

  @TempDir Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aServiceAccountTokenFixedInItsFileIsTriedAtTheNextObservation() throws Exception {
    VaultSettings settings = fixture.kubernetesSettings(dir).build(); // logs in with "jwt"
    Path jwt = Files.writeString(dir.resolve("jwt"), "a-jwt-the-role-refuses");
    VaultCertificateSource source = fixture.source(settings);
    // as promcc run's reconcile, before the file changes: a look begun earlier (the last
    // refusal's, or the unchanged observation's) may be the one that finds the change
    CountDownLatch told = new CountDownLatch(1);
    source.addChangeListener(told::countDown);
    List<GuestCluster> alpha = fixture.clusters("alpha");
    for (int attempt = 1; attempt <= 5; attempt++) {
      CertificateObservation o = source.observe(alpha);
      assertEquals("vault-permission-denied",
          o.problems().get(alpha.get(0).id()).reason(), o.problems().toString());
      if (attempt < 5) {
        fixture.clock.advance(Duration.between(fixture.clock.instant(),
            o.nextAttention().orElseThrow()));
      }
    }
    fixture.takePaths();
    fixture.clock.advance(Duration.ofSeconds(1));
    CertificateObservation unchanged = source.observe(alpha);
    assertEquals("vault-permission-denied",
        unchanged.problems().get(alpha.get(0).id()).reason(), unchanged.problems().toString());
    assertEquals(List.of(), fixture.takePaths(), "the file unchanged, vault is asked nothing");

    Files.writeString(jwt, "service-account-jwt");
    fixture.clock.advance(Duration.ofSeconds(1)); // alpha's own backoff has 14 s to go
    source.observe(alpha); // a look at the file, on a thread of its own, finds it changed
    assertTrue(told.await(30, TimeUnit.SECONDS), "the change of the file was not told");
    CertificateObservation o = source.observe(alpha);

    assertTrue(o.bundles().containsKey(alpha.get(0).id()), o.problems().toString());
    assertEquals("auth/kubernetes/login", fixture.takePaths().get(0), "the fixed one's login");
    source.close();
  }
}
