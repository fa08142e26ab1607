package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the Secret source keeps of the bundles it parsed. */
class SecretCertificateSourceMemoTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final GuestCluster ABC = GuestCluster.of("abc12", "aws", "https://master.abc12");

  private FakeKubeApi fake;
  private SecretCertificateSource source;

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private V1Secret secret() {
    TestCa.Issued issued = fake.ca().issueClient("prometheus-abc12");
    Map<String, byte[]> data = Map.of(
        "ca", fake.ca().certificatePem().getBytes(StandardCharsets.UTF_8),
        "crt", issued.certificatePem().getBytes(StandardCharsets.UTF_8),
        "key", issued.privateKeyPem().getBytes(StandardCharsets.UTF_8));
    return new V1Secret().metadata(new V1ObjectMeta().namespace("default")
            .name("abc12-prometheus")
            .labels(Map.of("clusterID", "abc12", "clusterComponent", "prometheus")))
        .data(data);
  }

  /**
   * The informer handles a Secret's delete while the loop thread parses it (read from the cache
   * just before): the delete's handler found nothing to forget yet, and the bundle, private key
   * included, must not be kept for a Secret that is gone.
   */
  @Test
  void aSecretDeletedWhileItIsParsedLeavesNoBundleBehind() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SECRETS, null, secret());
    AtomicInteger changes = new AtomicInteger();
    AtomicBoolean deleted = new AtomicBoolean();
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults(), Clock.systemUTC(), key -> {
          if (deleted.compareAndSet(false, true)) {
            int before = changes.get();
            fake.store().delete(ApiResource.SECRETS, "default", "abc12-prometheus");
            Poll.until(WAIT, "the delete handled", () -> changes.get() > before);
          }
        });
    source.addChangeListener(changes::incrementAndGet);
    source.start();
    Poll.until(WAIT, "secrets synced and the sync told", () -> changes.get() > 0);
    Poll.until(WAIT, "secrets watched", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);

    CertificateObservation during = source.observe(List.of(ABC));

    assertEquals(Set.of(ABC.id()), during.bundles().keySet(), "read before the delete");
    assertEquals(Set.of(), source.parsedSecrets());
    assertEquals(SecretCertificateSource.SECRET_MISSING,
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason());
  }

  /**
   * The source closes while a lookup parses a Secret (a reconcile under way at shutdown): the
   * lookup's bundle, private key included, is not kept after close() forgot the others.
   */
  @Test
  void aSourceClosedWhileASecretIsParsedKeepsNoBundle() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SECRETS, null, secret());
    AtomicBoolean closed = new AtomicBoolean();
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults(), Clock.systemUTC(), key -> {
          if (closed.compareAndSet(false, true)) {
            source.close();
          }
        });
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);

    CertificateObservation during = source.observe(List.of(ABC));

    assertTrue(closed.get(), "closed while the secret was parsed");
    assertEquals(Set.of(ABC.id()), during.bundles().keySet(), "read before the close");
    assertEquals(Set.of(), source.parsedSecrets());
  }

  @Test
  void aParsedBundleIsKeptWhileItsSecretIsThereAndForgottenWhenItIsDeleted() {
    startWithTheSecret();

    source.observe(List.of(ABC));
    assertEquals(Set.of("default/abc12-prometheus"), source.parsedSecrets());
    fake.store().delete(ApiResource.SECRETS, "default", "abc12-prometheus");
    Poll.until(WAIT, "the parsed bundle forgotten", () -> source.parsedSecrets().isEmpty());
  }

  /**
   * A Secret edited into one that cannot be used (its private key taken out) leaves no bundle of
   * its earlier version, private key included, behind: nothing would ever parse that version
   * again to replace it.
   */
  @Test
  void aSecretEditedIntoAnUnusableOneLeavesNoBundleOfItsEarlierVersion() {
    startWithTheSecret();
    source.observe(List.of(ABC));
    assertEquals(Set.of("default/abc12-prometheus"), source.parsedSecrets());

    V1Secret withoutKey = secret();
    Map<String, byte[]> data = new java.util.HashMap<>(withoutKey.getData());
    data.remove("key");
    fake.store().update(ApiResource.SECRETS, "default", withoutKey.data(data));
    Poll.until(WAIT, "the edit seen", () -> SecretCertificateSource.SECRET_INCOMPLETE.equals(
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason()));

    Poll.until(WAIT, "the earlier bundle forgotten", () -> source.parsedSecrets().isEmpty());
  }

  /** The API fake with abc12's Secret, and the source started on it and synced. */
  private void startWithTheSecret() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SECRETS, null, secret());
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
  }
}
