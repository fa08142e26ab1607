package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.CertificateUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No token, JWT, secret ID or private key reaches a log line, an exception or a toString(). */
class SecretsDoNotLeakTest {
  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.service-account-jwt-payload.signature";
  private static final String SECRET_ID = "approle-secret-id-5b1c0e";

  private final VaultFixture fixture = new VaultFixture();
  private final List<String> logged = new CopyOnWriteArrayList<>();
  // our loggers and the driver's, at every level; the root logger gets their records
  private final List<Logger> loggers =
      List.of(Logger.getLogger("io.promcc"), Logger.getLogger("io.github.jopenlibs"));
  private final Logger root = Logger.getLogger("");
  private final Handler capture = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      logged.add(formatter.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @TempDir
  Path dir;

  @BeforeEach
  void captureAllLogging() {
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
    loggers.forEach(l -> l.setLevel(Level.ALL));
  }

  @AfterEach
  void restore() {
    root.removeHandler(capture);
    loggers.forEach(l -> l.setLevel(null));
    fixture.close();
  }

  @Test
  void noSecretReachesLogsExceptionsOrToString() throws Exception {
    List<Object> shown = new ArrayList<>(); // everything whose toString() we check
    List<Throwable> thrown = new ArrayList<>();
    List<Secret> keys = new ArrayList<>();

    // Kubernetes auth, issue mode (keys come from Vault), renewal of the token
    Path jwt = Files.writeString(dir.resolve("jwt"), JWT);
    fixture.vault.kubernetesRole("kubernetes", "promcc", JWT, Duration.ofHours(1), Duration.ZERO);
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultSettings issue = fixture.settings().mode(IssueMode.ISSUE).ttl(Duration.ofHours(3))
        .auth(new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt)).build();
    VaultCertificateSource k8sSource = fixture.source(issue);
    for (GuestCluster cluster : clusters) {
      CertificateBundle bundle = k8sSource.certificateFor(cluster);
      keys.add(bundle.privateKeyPem());
      shown.add(bundle);
    }
    fixture.clock.advance(Duration.ofMinutes(121)); // token renewal and certificates due
    for (GuestCluster cluster : clusters) {
      keys.add(k8sSource.certificateFor(cluster).privateKeyPem());
    }
    // Vault fails in each named way while certificates are due or missing
    fixture.vault.failNext("pki-alpha/", 1, 500, "internal error");
    fixture.clock.advance(Duration.ofMinutes(121));
    k8sSource.certificateFor(clusters.get(0)); // kept, logged as a warning
    fixture.vault.seal();
    fixture.clock.advance(Duration.ofHours(4)); // expired
    thrown.add(assertThrows(CertificateUnavailableException.class,
        () -> k8sSource.certificateFor(clusters.get(1))));
    fixture.vault.unseal();
    shown.add(k8sSource);
    shown.add(issue);

    // AppRole auth, sign mode (keys made here), a revoked token forcing a re-login
    Path secretId = Files.writeString(dir.resolve("secret-id"), SECRET_ID);
    fixture.vault.appRole("approle", "role-1", SECRET_ID, Duration.ofHours(1), Duration.ZERO);
    VaultSettings sign = fixture.settings()
        .auth(new VaultAuthSettings.AppRole("approle", "role-1", secretId)).build();
    VaultConnection connection = VaultConnection.create(sign);
    VaultAuthenticator authenticator = fixture.authenticator(sign, connection);
    VaultCertificateSource appRoleSource = new VaultCertificateSource(sign, connection,
        authenticator, fixture.clock, new java.util.SplittableRandom(1), fixture.listener);
    keys.add(appRoleSource.certificateFor(clusters.get(0)).privateKeyPem());
    fixture.vault.issuedTokens().forEach(fixture.vault::revoke);
    fixture.clock.advance(Duration.ofDays(7));
    keys.add(appRoleSource.certificateFor(clusters.get(0)).privateKeyPem());
    shown.add(authenticator);
    shown.add(connection);
    shown.add(appRoleSource);
    shown.add(KeyMaterial.generate(KeyAlgorithm.EC_P256, new java.security.SecureRandom()));

    // a bad secret ID and a bad token: 400 and 403 from login
    Files.writeString(secretId, "wrong-" + SECRET_ID);
    thrown.add(assertThrows(VaultRequestException.class,
        () -> fixture.authenticator(sign, connection).token()));
    Secret revoked = fixture.vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    fixture.vault.revoke(revoked);
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, revoked.reveal());
    thrown.add(assertThrows(CertificateUnavailableException.class,
        () -> fixture.source(fixture.settings().build()).certificateFor(clusters.get(1))));

    // a policy that lacks a mount, a quota, a standby elsewhere, and closing with a login token
    Files.writeString(secretId, SECRET_ID);
    VaultCertificateSource observed = new VaultCertificateSource(sign, connection,
        fixture.authenticator(sign, connection), fixture.clock,
        new java.util.SplittableRandom(2), fixture.listener);
    fixture.vault.policy("pki", "pki-alpha/sign/role-alpha");
    observed.observe(clusters).problems().values().forEach(p -> shown.add(p));
    fixture.vault.policy("pki", "+/sign/+", "+/issue/+");
    fixture.vault.rateLimitNext("pki-", 1, Duration.ofSeconds(5));
    fixture.clock.advance(Duration.ofDays(8));
    observed.observe(clusters).problems().values().forEach(p -> shown.add(p));
    shown.add(observed);
    observed.close(); // revokes the token of its login
    assertTrue(fixture.vault.requestCount("auth/token/revoke-self") >= 1);
    fixture.vault.standbyOf(java.net.URI.create("https://vault-1.internal:8200"));
    fixture.clock.advance(Duration.ofDays(8));
    VaultCertificateSource behindStandby = fixture.source(sign);
    behindStandby.observe(clusters).problems().values().forEach(p -> shown.add(p));
    fixture.vault.standbyOf(null);
    thrown.add(assertThrows(ValidationException.class, () -> VaultSettings.builder()
        .address("https://operator:" + SECRET_ID + "@vault.example:8200")
        .tokenEnvironmentVariable(JWT.replace('.', '_').replace('-', '_') + ".x").build()));

    List<String> secrets = new ArrayList<>(List.of(JWT, SECRET_ID,
        JWT.replace('.', '_').replace('-', '_')));
    fixture.vault.issuedTokens().forEach(t -> secrets.add(t.reveal()));
    for (Secret key : keys) {
      secrets.add(key.reveal());
      // the base64 body alone is as secret as the PEM
      secrets.add(key.reveal().lines().skip(1).findFirst().orElseThrow());
    }
    assertTrue(fixture.vault.issuedTokens().size() >= 4);
    assertEquals(6, keys.size());
    assertTrue(logged.size() > 5, "expected the scenario to log: " + logged);
    assertTrue(logged.stream().anyMatch(l -> l.contains("keeping the certificate")),
        logged.toString());
    for (String reason
        : List.of("vault-permission-denied", "vault-rate-limited", "vault-standby")) {
      assertTrue(shown.stream().anyMatch(o -> String.valueOf(o).contains(reason)),
          "the scenario did not reach " + reason + ": " + shown);
    }

    List<String> texts = new ArrayList<>(logged);
    for (Throwable t : thrown) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      texts.add(trace.toString());
    }
    for (Object o : shown) {
      texts.add(String.valueOf(o));
    }
    fixture.vault.requests().forEach(r -> texts.add(r.toString()));
    for (String text : texts) {
      for (String secret : secrets) {
        assertFalse(text.contains(secret), "a secret leaked into: " + text);
      }
    }
  }
}
