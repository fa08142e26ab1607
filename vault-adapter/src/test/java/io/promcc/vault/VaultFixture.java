package io.promcc.vault;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.MutableClock;
import io.promcc.vault.fake.FakeVault;
import io.promcc.vault.fake.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** A fake Vault, a clock and the adapter wired to them, for one test. */
final class VaultFixture implements AutoCloseable {
  static final String TOKEN_VARIABLE = "PROMCC_TEST_VAULT_TOKEN";

  final MutableClock clock = MutableClock.startingNow();
  final FakeVault vault;
  final Map<String, String> environment = new ConcurrentHashMap<>();
  final RecordingListener listener = new RecordingListener();

  VaultFixture() {
    this(false);
  }

  VaultFixture(boolean https) {
    vault = https ? FakeVault.startHttps(clock) : FakeVault.start(clock);
  }

  /**
   * Settings with token auth from {@link #environment} and the default layout; plain http is
   * allowed for the http fake (the https fake is {@code new VaultFixture(true)}).
   */
  VaultSettings.Builder settings() {
    return VaultSettings.builder(vault.address(),
        VaultAuthSettings.Token.fromEnvironment(TOKEN_VARIABLE))
        .allowInsecureHttp(vault.address().getScheme().equals("http"));
  }

  /**
   * Settings that log in with Kubernetes auth: the role {@code promcc} at {@code kubernetes},
   * made in the fake with a 30-day token, and the service account's JWT written to
   * {@code dir}; backoff from 1 s to 60 s.
   */
  VaultSettings.Builder kubernetesSettings(Path dir) throws IOException {
    String token = "service-account-jwt";
    Path jwt = Files.writeString(dir.resolve("jwt"), token);
    vault.kubernetesRole("kubernetes", "promcc", token, Duration.ofDays(30), Duration.ZERO);
    return settings().auth(new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt))
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** The paths of the requests Vault got since the last call, in order; they are forgotten. */
  List<String> takePaths() {
    List<String> paths = vault.requests().stream().map(RecordedRequest::path).toList();
    vault.clearRequests();
    return paths;
  }

  /** Puts a fresh, long-lived renewable token where token auth finds it. */
  Secret useNewToken() {
    Secret token = vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    environment.put(TOKEN_VARIABLE, token.reveal());
    return token;
  }

  /** The domain the fixture's roles allow names below (the default common name is there). */
  static final String DOMAIN = "k8s.example";

  /**
   * Mounts {@code pki-<id>} with role {@code role-<id>} for each cluster, the role created as an
   * operator would for the default sign mode: {@code key_type=ec}, names below {@link #DOMAIN}.
   */
  List<GuestCluster> clusters(String... ids) {
    List<GuestCluster> out = new ArrayList<>();
    for (String id : ids) {
      vault.pkiRole("pki-" + id, "role-" + id).forClientCertificatesBelow(DOMAIN);
      out.add(GuestCluster.of(id, "kvm", "https://" + id + ".example:443"));
    }
    return out;
  }

  /** {@code n} clusters {@code c0000..}, each with its mount and role. */
  List<GuestCluster> clusters(int n) {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = String.format("c%04d", i);
    }
    return clusters(ids);
  }

  VaultAuthenticator authenticator(VaultSettings settings, VaultConnection connection) {
    return new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), clock,
        environment::get, listener);
  }

  /**
   * An authenticator with Kubernetes auth against role {@code promcc} at {@code kubernetes},
   * whose tokens live {@code ttl}, renewable to {@code maxTtl}; the service account token is
   * written to {@code dir}.
   */
  VaultAuthenticator kubernetesAuthenticator(Path dir, Duration ttl, Duration maxTtl)
      throws IOException {
    Path jwt = Files.writeString(dir.resolve("token"), "service-account-jwt\n");
    vault.kubernetesRole("kubernetes", "promcc", "service-account-jwt", ttl, maxTtl);
    VaultSettings settings = settings()
        .auth(new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt)).build();
    return authenticator(settings, VaultConnection.create(settings, clock));
  }

  VaultCertificateSource source(VaultSettings settings) {
    return source(settings, KeptCertificates.NONE);
  }

  /** A source that takes over what {@code kept} finds, as after a restart. */
  VaultCertificateSource source(VaultSettings settings, KeptCertificates kept) {
    VaultConnection connection = VaultConnection.create(settings, clock);
    return new VaultCertificateSource(settings, connection, authenticator(settings, connection),
        clock, new SplittableRandom(42), listener, java.util.Optional.of(kept));
  }

  /**
   * As {@link #source(VaultSettings, KeptCertificates)}, a read given up after what
   * {@code wait} gives as it begins.
   */
  VaultCertificateSource source(VaultSettings settings, KeptCertificates kept,
      Supplier<Duration> wait) {
    VaultConnection connection = VaultConnection.create(settings, clock);
    return new VaultCertificateSource(settings, connection, authenticator(settings, connection),
        clock, new SplittableRandom(42), listener, java.util.Optional.of(kept),
        CloseTiming.DEFAULT, wait);
  }

  /**
   * The certificate an earlier run left for {@code cluster}: issued with {@code settings} by a
   * source that is closed then, as a restarted controller finds it in its output folder.
   */
  CertificateBundle leftBy(VaultSettings settings, GuestCluster cluster) {
    VaultCertificateSource earlier = source(settings);
    try {
      return earlier.certificateFor(cluster);
    } finally {
      earlier.close();
    }
  }

  @Override
  public void close() {
    vault.close();
  }

  /** Records every listener call. */
  static final class RecordingListener implements CertificateListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void issued(ClusterId cluster, java.time.Instant notAfter) {
      events.add("issued " + cluster);
    }

    @Override
    public void takenOver(ClusterId cluster, java.time.Instant notAfter) {
      events.add("taken over " + cluster);
    }

    @Override
    public void failed(ClusterId cluster, String reason) {
      events.add("failed " + cluster + " " + reason);
    }

    @Override
    public void removed(ClusterId cluster) {
      events.add("removed " + cluster);
    }

    @Override
    public void tokenRefreshed(boolean renewed, java.time.Instant expiresAt) {
      events.add(renewed ? "token renewed" : "token login");
    }

    @Override
    public void loginFailing(String reason) {
      events.add("login failing " + reason);
    }

    @Override
    public void keptReadHung(boolean hung) {
      events.add(hung ? "kept read hung" : "kept read ended");
    }

    @Override
    public void keptReadFailed(ClusterId cluster) {
      events.add("kept read failed " + cluster);
    }
  }
}
