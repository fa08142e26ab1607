package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins that keep failing (the auth method refuses: a role bound to another service account, a
 * deleted role), or renewals that do (Vault in trouble), while a renewal is due: each is asked
 * less often the longer it fails (the backoff doubles, 1 s, 2 s, 4 s, ... as a cluster's does),
 * a renewal Vault refused is not asked again, and the failing is logged and told to the
 * listener once, not at every attempt.
 */
class VaultLoginFailingTest {
  private final VaultFixture fixture = new VaultFixture();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aTokenWhoseRenewalWasRefusedIsKeptWhileLoginsFailWithoutAskingEverySecond()
      throws Exception {
    VaultAuthenticator auth =
        fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60), Duration.ZERO);
    Secret first = auth.token();
    fixture.takePaths();
    fixture.vault.failNext("auth/token/renew-self", 1000, 400, "lease is not renewable");
    // the role is now bound to another service account: every login is refused
    fixture.vault.kubernetesRole("kubernetes", "promcc", "another-jwt", Duration.ofMinutes(60),
        Duration.ZERO);

    fixture.clock.advance(Duration.ofMinutes(41)); // past 2/3 of 60 min: renewal due
    try (LogCapture log = LogCapture.of(VaultAuthenticator.class)) {
      for (int second = 0; second < 120; second++) {
        assertEquals(first, auth.token(), "the token, valid until 60 min, is kept");
        fixture.clock.advance(Duration.ofSeconds(1));
      }
      assertEquals(1, warnings(log), log.lines().toString());
    }

    assertEquals(1, fixture.vault.requestCount("auth/token/renew-self"), "renewals asked");
    // logins at 0, 1, 3, 7, 15, 31 and 63 s; before: one every second
    assertEquals(7, fixture.vault.requestCount("auth/kubernetes/login"), "logins asked");
    assertEquals(List.of("token login", "login failing vault-permission-denied"),
        fixture.listener.events);
  }

  @Test
  void clustersAskingWhileLoginsFailDoNotMakeALoginEverySecond() throws Exception {
    List<GuestCluster> clusters = fixture.clusters(30);
    VaultCertificateSource source = fixture.source(fixture.kubernetesSettings(dir).build());
    fixture.vault.kubernetesRole("kubernetes", "promcc", "another-jwt", Duration.ofDays(30),
        Duration.ZERO);

    // each cluster asks on its own backoff, the clusters spread over every second
    for (int second = 0; second < 120; second++) {
      GuestCluster cluster = clusters.get(second % clusters.size());
      assertEquals("vault-permission-denied", assertThrows(
          CertificateUnavailableException.class, () -> source.certificateFor(cluster)).reason());
      fixture.clock.advance(Duration.ofSeconds(1));
    }

    // before: one login a second, as a new cluster asked every second
    assertEquals(7, fixture.vault.requestCount("auth/kubernetes/login"), "logins asked");
    assertEquals(1, fixture.listener.events.stream()
        .filter(e -> e.startsWith("login failing")).count(), fixture.listener.events.toString());
  }

  /**
   * A renewal that keeps failing while Vault is in trouble (a 500 here) keeps the token, valid
   * until its end, and is asked less often the longer it fails, with one warning.
   */
  @Test
  void aRenewalThatKeepsFailingIsAskedLessOftenAndWarnsOnce() throws Exception {
    VaultAuthenticator auth =
        fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60), Duration.ZERO);
    Secret first = auth.token();
    fixture.vault.failNext("auth/token/renew-self", 1000, 500, "internal error");
    fixture.clock.advance(Duration.ofMinutes(41)); // past 2/3 of 60 min: renewal due

    try (LogCapture log = LogCapture.of(VaultAuthenticator.class)) {
      for (int second = 0; second < 120; second++) {
        assertEquals(first, auth.token(), "the token, valid until 60 min, is kept");
        fixture.clock.advance(Duration.ofSeconds(1));
      }
      // renewals at 0, 1, 3, 7, 15, 31 and 63 s; before: one every second
      assertEquals(7, fixture.vault.requestCount("auth/token/renew-self"), "renewals asked");
      assertEquals(1, warnings(log), log.lines().toString());
    }
    fixture.vault.clearInjected();
    fixture.clock.advance(Duration.ofMinutes(5));
    assertEquals(first, auth.token());
    assertEquals(List.of("token login", "token renewed"), fixture.listener.events);
  }

  /**
   * A cluster whose certificate renewal keeps failing for the same reason (here the login,
   * refused) warns once, when it starts, not at every attempt: at 1,000 clusters that was a
   * thousand lines per backoff step. The attempts after it are logged at debug level, and a
   * change of reason warns again.
   */
  @Test
  void aClusterWhoseRenewalKeepsFailingWarnsOnceNotAtEveryAttempt() throws Exception {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.kubernetesSettings(dir).build());
    source.certificateFor(alpha);
    fixture.vault.issuedTokens().forEach(fixture.vault::revoke);
    fixture.vault.kubernetesRole("kubernetes", "promcc", "another-jwt", Duration.ofDays(30),
        Duration.ZERO);
    fixture.clock.advance(Duration.ofHours(150)); // due, valid for 18 hours more

    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      for (int minute = 0; minute < 30; minute++) {
        source.certificateFor(alpha); // the kept certificate
        fixture.clock.advance(Duration.ofMinutes(1));
      }
      assertEquals(1, warnings(log), log.lines().toString());

      fixture.vault.seal(); // another reason
      fixture.clock.advance(Duration.ofMinutes(10));
      source.certificateFor(alpha);
      assertEquals(2, warnings(log), log.lines().toString());
    }
  }

  private static long warnings(LogCapture log) {
    return log.records().stream().filter(r -> r.getLevel() == Level.WARNING).count();
  }
}
