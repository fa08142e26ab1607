package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableSortedMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.MutableClock;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecretCertificateSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final GuestCluster ABC = GuestCluster.of("abc12", "aws", "https://master.abc12");

  private FakeKubeApi fake;
  private SecretCertificateSource source;
  private TestCa.Issued issued;

  @BeforeEach
  void setUp() {
    fake = FakeKubeApi.start();
    issued = fake.ca().issueClient("prometheus-abc12");
  }

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    fake.close();
  }

  private void startSynced() {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
    // and watched: a fault injected while the watch request is still on its way would miss it
    // (accepted before the fault, registered after closeWatches), and the watch run on
    Poll.until(WAIT, "secrets watched", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);
  }

  private V1Secret secret(String namespace, String name, String cluster, String component,
      Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return new V1Secret().metadata(new V1ObjectMeta().namespace(namespace).name(name)
            .labels(Map.of("clusterID", cluster, "clusterComponent", component)))
        .data(bytes);
  }

  private Map<String, String> fullData() {
    return Map.of("ca", fake.ca().certificatePem(), "crt", issued.certificatePem(),
        "key", issued.privateKeyPem());
  }

  private CertificateUnavailableException unavailable() {
    return assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(ABC));
  }

  /**
   * A Secret whose certificate data also holds a private key (a combined PEM, the CA's key with
   * the CA): the certificate files, which are world-readable, and the bundle's certificate text,
   * which is not kept as a secret, carry the certificates only; the key stays under "key".
   */
  @Test
  void aPrivateKeyInTheCertificateDataIsNotServedAsCertificateText() {
    TestCa.Issued caKeyStandIn = fake.ca().issueClient("the-ca-key");
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem() + caKeyStandIn.privateKeyPem(),
            "crt", issued.certificatePem() + issued.privateKeyPem(),
            "key", issued.privateKeyPem())));
    startSynced();

    CertificateBundle bundle = source.certificateFor(ABC);

    assertEquals(fake.ca().certificatePem(), bundle.caPem());
    assertEquals(issued.certificatePem(), bundle.certificatePem());
    assertEquals(issued.privateKeyPem(), bundle.privateKeyPem().reveal());
    assertFalse(bundle.toString().contains("PRIVATE KEY"), bundle.toString());
  }

  @Test
  void servesTheBundleOfTheLabelledSecret() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    CertificateBundle bundle = source.certificateFor(ABC);
    assertEquals(fake.ca().certificatePem(), bundle.caPem());
    assertEquals(issued.certificatePem(), bundle.certificatePem());
    assertEquals(issued.privateKeyPem(), bundle.privateKeyPem().reveal());
    assertEquals(CertificateBundle.formatSerial(issued.certificate().getSerialNumber()),
        bundle.serial());
    assertFalse(bundle.toString().contains("PRIVATE KEY"), "key never in toString");
    assertSame(bundle, source.certificateFor(ABC), "parsed once per secret version");
  }

  @Test
  void aMissingSecretIsNamedAsSuch() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-etcd", "abc12", "etcd", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("elsewhere", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_MISSING, e.reason());
    assertEquals("no secret with labels \"clusterComponent=prometheus,clusterID=abc12\" in "
        + "namespace \"default\" for cluster \"abc12\"", e.getMessage());
    assertEquals(ABC.id(), e.cluster());
  }

  @Test
  void aPartialSecretNamesTheMissingKeys() {
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem())));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INCOMPLETE, e.reason());
    assertEquals("secret \"default/abc12-prometheus\" for cluster \"abc12\" lacks data keys "
        + "\"crt\", \"key\"", e.getMessage());
  }

  @Test
  void anInvalidKeyIsReportedWithoutRevealingIt() {
    Map<String, String> data = new LinkedHashMap<>(fullData());
    data.put("key", "not-a-pem-but-a-secret-value");
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", data));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INVALID, e.reason());
    assertFalse(e.getMessage().contains("not-a-pem-but-a-secret-value"), e.getMessage());
  }

  /**
   * A private key pasted as base64 DER under "ca" (no PEM markers): the message, which reaches
   * the log and the Service's Event, says what the value looked like and quotes none of it.
   */
  @Test
  void aKeyPastedWithoutPemMarkersAsTheCaIsNotQuoted() {
    String der = issued.privateKeyPem().lines().filter(line -> !line.startsWith("-----"))
        .collect(Collectors.joining());
    Map<String, String> data = new LinkedHashMap<>(fullData());
    data.put("ca", der);
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", data));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INVALID, e.reason());
    assertEquals("secret \"default/abc12-prometheus\" for cluster \"abc12\" is unusable: ca "
        + "certificate is not a PEM certificate, found " + der.length() + " characters without "
        + "PEM markers", e.getMessage());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsSecretInvalid() {
    Map<String, String> data = new LinkedHashMap<>(fullData());
    data.put("key", fake.ca().issueClient("prometheus-other").privateKeyPem());
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", data));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INVALID, e.reason());
    assertEquals("secret \"default/abc12-prometheus\" for cluster \"abc12\" is unusable: its "
        + "private key is not the certificate's", e.getMessage());
  }

  @Test
  void anEd25519CertificateWithItsOwnKeyIsServed() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=prometheus-abc12");
    String certificate = pem(new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
            .build(new JcaContentSignerBuilder("Ed25519").build(pair.getPrivate()))));
    String key = pem(new JcaPKCS8Generator(pair.getPrivate(), null));
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", certificate, "crt", certificate, "key", key)));
    startSynced();

    assertEquals(certificate, source.certificateFor(ABC).certificatePem());
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  @Test
  void twoSecretsForOneClusterAreAmbiguous() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-a", "abc12", "prometheus", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-b", "abc12", "prometheus", fullData()));
    startSynced();
    assertEquals(SecretCertificateSource.SECRET_AMBIGUOUS, unavailable().reason());
  }

  @Test
  void aSecretCreatedOrCompletedLaterIsServed() {
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem())));
    startSynced();
    assertEquals(SecretCertificateSource.SECRET_INCOMPLETE, unavailable().reason());
    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    Poll.until(WAIT, "completed secret served",
        () -> source.certificateFor(ABC).certificatePem().equals(issued.certificatePem()));
  }

  @Test
  void anUnsyncedSourceSaysSoInsteadOfMissing() {
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, unavailable().reason());
  }

  @Test
  void whileTheWatchFailsACachedCertificateIsServedWithTheFailure() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    assertEquals(Map.of(), source.observe(List.of(ABC)).problems());
    fake.faults().fail(Faults.ALWAYS, 403, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();

    // served from the last good list, and named: the cluster shows as degraded
    Poll.until(WAIT, "failure named", () ->
        source.observe(List.of(ABC)).problems().containsKey(ABC.id()));
    CertificateObservation seen = source.observe(List.of(ABC));
    assertEquals(issued.certificatePem(), seen.bundles().get(ABC.id()).certificatePem());
    Rejection problem = seen.problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, problem.reason());
    assertTrue(problem.message().contains("403"), problem.message());

    fake.faults().clear();
    Poll.until(WAIT, "recovered", () -> source.observe(List.of(ABC)).problems().isEmpty());
  }

  @Test
  void whileTheWatchFailsAnAbsentSecretIsNotReportedMissing() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();
    Poll.until(WAIT, "failure seen", () -> {
      try {
        source.certificateFor(ABC);
        return false;
      } catch (CertificateUnavailableException e) {
        return e.reason().equals(SecretCertificateSource.SOURCE_NOT_READY);
      }
    });
    GuestCluster other = GuestCluster.of("other", "aws", "https://master.other");
    assertEquals(issued.certificatePem(), source.certificateFor(other).certificatePem(),
        "cached complete secret still served");
    fake.faults().clear();
    Poll.until(WAIT, "recovered", () -> {
      try {
        source.certificateFor(ABC);
        return false;
      } catch (CertificateUnavailableException e) {
        return e.reason().equals(SecretCertificateSource.SECRET_MISSING);
      }
    });
  }

  @Test
  void listsOnlyTheConfiguredNamespaceWithTheStaticLabels() {
    startSynced();
    assertTrue(fake.requests().stream().filter(r -> r.isFor(ApiResource.SECRETS))
        .allMatch(r -> r.path().equals("/api/v1/namespaces/default/secrets")
            && "clusterComponent=prometheus,clusterID".equals(r.query().get("labelSelector"))));
  }

  /**
   * Labels with no fixed part (only the cluster's) still narrow the watch, to the Secrets that
   * carry the label naming the cluster: not every Secret of the namespace, with its data, is
   * listed and cached.
   */
  @Test
  void labelsWithNoFixedPartWatchOnlySecretsCarryingTheClusterLabel() {
    fake.store().create(ApiResource.SECRETS, null, new V1Secret().metadata(new V1ObjectMeta()
        .namespace("default").name("unrelated-tls")).data(Map.of("tls.key",
            issued.privateKeyPem().getBytes(StandardCharsets.UTF_8))));
    Map<String, byte[]> data = new LinkedHashMap<>();
    fullData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    fake.store().create(ApiResource.SECRETS, null, new V1Secret().metadata(new V1ObjectMeta()
        .namespace("default").name("abc12").labels(Map.of("clusterID", "abc12"))).data(data));
    source = new SecretCertificateSource(fake.newClient(), new SecretSettings("default",
        ImmutableSortedMap.of("clusterID", SecretSettings.CLUSTER_PLACEHOLDER), "ca", "crt",
        "key"), WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);

    assertTrue(fake.requests().stream().filter(r -> r.isFor(ApiResource.SECRETS))
        .allMatch(r -> "clusterID".equals(r.query().get("labelSelector"))),
        fake.requests().toString());
    assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
  }

  @Test
  void anExpiredCertificateIsRefusedWithReasonExpired() {
    Instant now = Instant.now();
    TestCa.Issued expired = fake.ca().issueClient("prometheus-abc12",
        now.minus(Duration.ofDays(3)), now.minus(Duration.ofHours(1)));
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem(), "crt", expired.certificatePem(),
            "key", expired.privateKeyPem())));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals("expired", e.reason());
    assertTrue(e.getMessage().startsWith("certificate of secret \"default/abc12-prometheus\" for "
        + "cluster \"abc12\" expired at "), e.getMessage());
  }

  @Test
  void observeGivesABundleOrAReasonPerClusterAndTheFirstExpiry() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    GuestCluster missing = GuestCluster.of("nosecret", "aws", "https://master.nosecret");
    CertificateObservation observation = source.observe(List.of(ABC, missing));
    assertEquals(List.of(ABC.id()), List.copyOf(observation.bundles().keySet()));
    assertEquals(SecretCertificateSource.SECRET_MISSING,
        observation.problems().get(missing.id()).reason());
    assertEquals(Optional.of(issued.certificate().getNotAfter().toInstant()),
        observation.nextAttention(), "observe again when the served certificate expires");
  }

  @Test
  void listenersHearOfRelevantSecretChangesAfterTheSync() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    AtomicInteger calls = new AtomicInteger();
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.addChangeListener(calls::incrementAndGet);
    source.start();
    // the initial list's add events may reach the listener after the sync: at least once
    Poll.until(WAIT, "told about the sync", () -> calls.get() >= 1);

    int beforeAdd = calls.get();
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "def34-prometheus", "def34", "prometheus", fullData()));
    Poll.until(WAIT, "told about a new secret", () -> calls.get() > beforeAdd);
    int beforeChange = calls.get();
    fake.store().update(ApiResource.SECRETS, null, secret("default", "def34-prometheus", "def34",
        "prometheus", Map.of("ca", fake.ca().certificatePem())));
    Poll.until(WAIT, "told about changed data", () -> calls.get() > beforeChange);
    int beforeDelete = calls.get();
    fake.store().delete(ApiResource.SECRETS, "default", "def34-prometheus");
    Poll.until(WAIT, "told about the deletion", () -> calls.get() > beforeDelete);
  }

  @Test
  void onlyChangesOfACertificateSecretsLabelsOrDataMatter() {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    V1Secret plain = secret("default", "abc12-prometheus", "abc12", "prometheus", fullData());
    V1Secret annotated = secret("default", "abc12-prometheus", "abc12", "prometheus", fullData());
    annotated.getMetadata().putAnnotationsItem("note", "touched").resourceVersion("99");
    V1Secret newData = secret("default", "abc12-prometheus", "abc12", "prometheus",
        Map.of("ca", fake.ca().certificatePem()));
    V1Secret relabelled = secret("default", "abc12-prometheus", "abc13", "prometheus",
        fullData());
    V1Secret unrelated = new V1Secret().metadata(new V1ObjectMeta().namespace("default")
        .name("other").labels(Map.of("clusterComponent", "prometheus")));
    V1Secret unrelatedChanged = new V1Secret().metadata(new V1ObjectMeta().namespace("default")
        .name("other").labels(Map.of("clusterComponent", "prometheus", "x", "y")));

    assertFalse(source.matters(plain, annotated), "an annotation is not news");
    assertTrue(source.matters(plain, newData));
    assertTrue(source.matters(plain, relabelled));
    assertTrue(source.matters(null, plain));
    assertTrue(source.matters(plain, null));
    assertTrue(source.matters(plain, unrelated), "it no longer names a cluster");
    assertFalse(source.matters(null, unrelated));
    assertFalse(source.matters(unrelated, unrelatedChanged));
  }

  @Test
  void listenersHearWhenAFailingInformerRecovers() {
    AtomicInteger calls = new AtomicInteger();
    startSynced();
    source.addChangeListener(calls::incrementAndGet);
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();
    Poll.until(WAIT, "failure seen", () -> source.observe(List.of(ABC)).problems().get(ABC.id())
        .reason().equals(SecretCertificateSource.SOURCE_NOT_READY));
    int before = calls.get();
    fake.faults().clear();
    Poll.until(WAIT, "told about the recovery", () -> calls.get() > before);
  }

  /**
   * A cached certificate served while the watch fails is now degraded: the observation changes
   * when the failure starts, so the controller must hear of it; otherwise it shows only at the
   * next resync (5 min by default), or not before some unrelated change.
   */
  @Test
  void listenersHearWhenTheWatchStartsFailingAndACachedCertificateBecomesDegraded() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    AtomicInteger calls = new AtomicInteger();
    startSynced();
    source.addChangeListener(calls::incrementAndGet);
    assertEquals(Map.of(), source.observe(List.of(ABC)).problems());
    int before = calls.get();
    fake.faults().fail(Faults.ALWAYS, 403, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();

    Poll.until(WAIT, "degraded", () ->
        source.observe(List.of(ABC)).problems().containsKey(ABC.id()));
    assertTrue(calls.get() > before, "the observation changed (degraded) but no listener was "
        + "told: the reconcile loop does not observe again before its resync");
  }

  @Test
  void awaitSyncedFollowsTheLifecycle() throws Exception {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    assertThrows(IllegalStateException.class, () -> source.awaitSynced(Duration.ofMillis(10)),
        "waiting for a source that was never started is a mistake");
    source.start();
    source.start();
    assertTrue(source.awaitSynced(WAIT));
    source.close();
    source.close();
    assertFalse(source.awaitSynced(WAIT), "a closed source is not synced");
    assertThrows(IllegalStateException.class, source::start);
  }

  @Test
  void closingReleasesAWaitForASyncThatCannotHappen() throws Exception {
    fake.faults().fail(Faults.ALWAYS, 403, r -> r.isFor(ApiResource.SECRETS));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    assertFalse(source.awaitSynced(Duration.ofMillis(200)), "the timeout passes");
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return source.awaitSynced(Duration.ofMinutes(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Poll.until(WAIT, "the waiter waits", () -> !waiting.isDone());
    source.close();
    assertFalse(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS), "released by close");
  }

  @Test
  void aCertificateExpiresOnTheInjectedClock() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    MutableClock clock = MutableClock.startingNow();
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults(), clock);
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
    Instant notAfter = issued.certificate().getNotAfter().toInstant();
    clock.set(notAfter.minusSeconds(1));
    assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
    clock.set(notAfter);
    assertEquals(SecretCertificateSource.EXPIRED, unavailable().reason(),
        "a certificate is expired from its notAfter on");
    CertificateObservation observation = source.observe(List.of(ABC));
    assertEquals(SecretCertificateSource.EXPIRED, observation.problems().get(ABC.id()).reason());
    assertEquals(Optional.empty(), observation.nextAttention(), "nothing valid left to watch");
  }
}
