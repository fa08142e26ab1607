package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
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
   * A renewal that keeps failing warns again when it fails for another reason (a 500, then
   * Vault sealed), as logins and clusters do; the attempts between are logged at debug level.
   */
  @Test
  void aRenewalThatKeepsFailingWarnsAgainWhenItFailsForAnotherReason() throws Exception {
    VaultAuthenticator auth =
        fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60), Duration.ZERO);
    Secret first = auth.token();
    fixture.vault.failNext("auth/token/renew-self", 1000, 500, "internal error");
    fixture.clock.advance(Duration.ofMinutes(41)); // past 2/3 of 60 min: renewal due

    try (LogCapture log = LogCapture.of(VaultAuthenticator.class)) {
      for (int second = 0; second < 20; second++) {
        assertEquals(first, auth.token(), "the token, valid until 60 min, is kept");
        fixture.clock.advance(Duration.ofSeconds(1));
      }
      assertEquals(1, warnings(log), log.lines().toString());

      fixture.vault.clearInjected();
      fixture.vault.seal(); // another reason
      for (int second = 0; second < 120; second++) {
        assertEquals(first, auth.token(), "the token, valid until 60 min, is kept");
        fixture.clock.advance(Duration.ofSeconds(1));
      }
      List<String> warned = log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
          .map(r -> MessageFormat.format(r.getMessage(), r.getParameters())).toList();
      assertEquals(2, warned.size(), warned.toString());
      assertTrue(warned.get(1).contains("sealed"), warned.get(1));
    }
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

  /**
   * A wrong token in the token file: the login fails twice, so the next is held back 2 s. The
   * file left as it was keeps that backoff (no request); once the operator writes the right
   * token, the very next call logs in with it, without waiting out the backoff.
   */
  @Test
  void aTokenFileFixedAfterFailedLoginsIsTriedAtOnce() throws Exception {
    Path file = Files.writeString(dir.resolve("vault-token"), "not-a-token\n");
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromFile(file));
    failTwice(auth, "auth/token/lookup-self", VaultFailure.TOKEN_INVALID);

    Secret right = fixture.vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    Files.writeString(file, right.reveal() + "\n");
    assertEquals(right, auth.token(), "the fixed file is tried at once");
    assertEquals(List.of("auth/token/lookup-self"), fixture.takePaths());
  }

  /** The kubelet rotated the service account token: the next call logs in with the new one. */
  @Test
  void aRotatedServiceAccountTokenIsTriedAtOnce() throws Exception {
    VaultAuthenticator auth =
        fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60), Duration.ZERO);
    fixture.vault.kubernetesRole("kubernetes", "promcc", "rotated-jwt", Duration.ofMinutes(60),
        Duration.ZERO);
    failTwice(auth, "auth/kubernetes/login", VaultFailure.PERMISSION_DENIED);

    Files.writeString(dir.resolve("token"), "rotated-jwt\n");
    auth.token();
    assertEquals(List.of("auth/kubernetes/login"), fixture.takePaths());
  }

  /**
   * A missing AppRole secret ID file, then a wrong secret ID in it, then the right one: each
   * change is tried at once, and a login that fails again keeps doubling its backoff.
   */
  @Test
  void aNewAppRoleSecretIdIsTriedAtOnce() throws Exception {
    Path secretId = dir.resolve("secret-id");
    fixture.vault.appRole("approle", "role-id-1", "the-secret-id", Duration.ofMinutes(10),
        Duration.ZERO);
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.AppRole("approle", "role-id-1", secretId));
    failTwice(auth, "auth/approle/login", VaultFailure.CREDENTIALS_UNREADABLE);

    Files.writeString(secretId, "wrong");
    assertEquals(VaultFailure.BAD_REQUEST,
        assertThrows(VaultRequestException.class, auth::token).failure());
    assertEquals(List.of("auth/approle/login"), fixture.takePaths(), "the new file, at once");
    assertThrows(VaultRequestException.class, auth::token);
    assertEquals(List.of(), fixture.takePaths(), "the same file again: held back");

    Files.writeString(secretId, "the-secret-id");
    auth.token();
    assertEquals(List.of("auth/approle/login"), fixture.takePaths());
  }

  /** A variable cannot change while the process runs: it is not read again before the backoff. */
  @Test
  void aTokenFromTheEnvironmentKeepsTheBackoff() {
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, "not-a-token");
    VaultAuthenticator auth = authenticator(
        VaultAuthSettings.Token.fromEnvironment(VaultFixture.TOKEN_VARIABLE));
    failTwice(auth, "auth/token/lookup-self", VaultFailure.TOKEN_INVALID);

    fixture.useNewToken();
    assertThrows(VaultRequestException.class, auth::token);
    assertEquals(List.of(), fixture.takePaths());
    fixture.clock.advance(Duration.ofSeconds(2));
    auth.token();
    assertEquals(List.of("auth/token/lookup-self"), fixture.takePaths());
  }

  /**
   * Two logins that fail with {@code failure} (at 0 s and 1 s; the next held back until 3 s),
   * each asking {@code path} once, then a call with the credential unchanged that asks nothing.
   */
  private void failTwice(VaultAuthenticator auth, String path, VaultFailure failure) {
    fixture.takePaths();
    for (int i = 0; i < 2; i++) {
      assertEquals(failure, assertThrows(VaultRequestException.class, auth::token).failure());
      fixture.clock.advance(Duration.ofSeconds(1));
    }
    List<String> asked = fixture.takePaths();
    assertEquals(failure == VaultFailure.CREDENTIALS_UNREADABLE ? List.of() : List.of(path, path),
        asked);
    VaultRequestException held = assertThrows(VaultRequestException.class, auth::token);
    assertEquals(failure, held.failure());
    assertTrue(held.getMessage().contains("not tried again before"), held.getMessage());
    assertEquals(List.of(), fixture.takePaths(), "an unchanged credential keeps the backoff");
  }

  private VaultAuthenticator authenticator(VaultAuthSettings auth) {
    VaultSettings settings = fixture.settings().auth(auth).build();
    return fixture.authenticator(settings, VaultConnection.create(settings, fixture.clock));
  }

  /**
   * A cluster whose renewal failed for a reason of its own (its role refuses the name), then
   * held back while Vault was sealed for every cluster, warns when it then fails itself because
   * Vault is sealed: the hold was no failure of its own, and nothing logged it for this cluster.
   */
  @Test
  void aClusterHeldBackMeanwhileWarnsWhenItFailsForAnotherReason() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    clusters.forEach(source::certificateFor);
    fixture.clock.advance(Duration.ofHours(150)); // both due, valid for 18 hours more
    fixture.vault.failNext("pki-alpha/", 1, 400,
        "common name prometheus.alpha.k8s.example not allowed by this role");

    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      source.certificateFor(clusters.get(0)); // the role refuses
      fixture.clock.advance(Duration.ofSeconds(1)); // alpha's next attempt is due
      fixture.vault.seal();
      source.certificateFor(clusters.get(1)); // sealed: every cluster is held back
      source.certificateFor(clusters.get(0)); // held back, not asked
      fixture.clock.advance(Duration.ofMinutes(10));
      source.certificateFor(clusters.get(0)); // sealed

      List<String> alpha = log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
          .map(r -> MessageFormat.format(r.getMessage(), r.getParameters()))
          .filter(m -> m.contains("cluster \"alpha\"")).toList();
      assertEquals(2, alpha.size(), alpha.toString());
      assertTrue(alpha.get(1).contains("sealed"), alpha.get(1));
    }
  }

  /**
   * A renewal interrupted (the worker asking for it is stopped) is no failure of Vault's: the
   * token is kept, the renewal stays due, and the first renewal that fails after it warns.
   */
  @Test
  void anInterruptedRenewalIsNotCountedAsAFailingOne() throws Exception {
    VaultAuthenticator auth =
        fixture.kubernetesAuthenticator(dir, Duration.ofMinutes(60), Duration.ZERO);
    Secret first = auth.token();
    fixture.clock.advance(Duration.ofMinutes(41)); // past 2/3 of 60 min: renewal due

    try (LogCapture log = LogCapture.of(VaultAuthenticator.class)) {
      Thread.currentThread().interrupt();
      try {
        assertEquals(first, auth.token(), "the token, valid until 60 min, is kept");
      } finally {
        Thread.interrupted();
      }
      fixture.vault.failNext("auth/token/renew-self", 1000, 500, "internal error");
      assertEquals(first, auth.token()); // still due: asked again, and it fails

      List<String> warned = log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
          .map(r -> MessageFormat.format(r.getMessage(), r.getParameters())).toList();
      assertEquals(1, warned.size(), warned.toString());
      assertTrue(warned.get(0).contains("(1 in a row") && warned.get(0).contains("status 500"),
          warned.get(0));
    }
  }

  private static long warnings(LogCapture log) {
    return log.records().stream().filter(r -> r.getLevel() == Level.WARNING).count();
  }
}
