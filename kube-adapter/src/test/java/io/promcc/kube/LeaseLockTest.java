package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeaseLockTest {
  private static FakeKubeApi fake;
  private static int leases;

  @BeforeAll
  static void start() {
    fake = FakeKubeApi.start();
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private LeaseLock lock() {
    return new LeaseLock(fake.newClient(), "ns", "lease-" + (++leases), Duration.ofSeconds(5));
  }

  @Test
  void aMissingLeaseReadsAsEmptyAndIsCreated() throws Exception {
    LeaseLock lock = lock();
    assertEquals(Optional.empty(), lock.read());
    LeaseLock.Observed created = lock.create(new V1LeaseSpec().holderIdentity("me")
        .leaseDurationSeconds(15).leaseTransitions(0));
    assertEquals(Optional.of("me"), created.holder());
    assertEquals(Optional.of(Duration.ofSeconds(15)), created.leaseDuration());
    assertEquals(created.resourceVersion(), lock.read().orElseThrow().resourceVersion());
    ApiException exists = assertThrows(ApiException.class,
        () -> lock.create(new V1LeaseSpec().holderIdentity("you")));
    assertEquals(409, exists.getCode());
  }

  @Test
  void aReplaceBasedOnAnOldVersionLosesSoOnlyOneCandidateWins() throws Exception {
    LeaseLock lock = lock();
    lock.create(new V1LeaseSpec().holderIdentity("other").leaseDurationSeconds(5));
    LeaseLock.Observed first = lock.read().orElseThrow();
    LeaseLock.Observed second = lock.read().orElseThrow();
    LeaseLock.Observed mine = lock.replace(first, new V1LeaseSpec().holderIdentity("me")
        .leaseDurationSeconds(5).leaseTransitions(1));
    assertTrue(Long.parseLong(mine.resourceVersion()) > Long.parseLong(first.resourceVersion()));
    ApiException conflict = assertThrows(ApiException.class,
        () -> lock.replace(second, new V1LeaseSpec().holderIdentity("you")));
    assertEquals(409, conflict.getCode());
    assertEquals(Optional.of("me"), lock.read().orElseThrow().holder());
  }

  /**
   * A call the API server does not answer within its deadline (the retry period, 2 s by
   * default) is told as such: OkHttp ends it by closing its socket, and the closed socket is
   * the root cause, which said "Socket closed" as if the server had closed it.
   */
  @Test
  void aCallPastItsDeadlineIsToldAsOneThatDidNotEndInTime() {
    LeaseLock lock = new LeaseLock(fake.newClient(), "ns", "lease-" + (++leases),
        Duration.ofMillis(300));
    fake.faults().delay(Duration.ofSeconds(3), r -> r.isFor(ApiResource.LEASES));
    try {
      ApiException late = assertThrows(ApiException.class, lock::read);
      assertEquals("the call did not end within its deadline (timeout)",
          FailureText.describe(late));
    } finally {
      fake.faults().clear();
    }
  }

  /**
   * A kubeconfig whose certificate-authority did not sign the API server's certificate (a wrong
   * CA, a cluster rebuilt with a new one) is told so, and where to look, where the JVM's words
   * were shown as they are: "SunCertPathBuilderException: unable to find valid certification
   * path to requested target".
   */
  @Test
  void anApiServerCertificateTheGivenCaDidNotSignIsToldSo() {
    ApiClient wrongCa = new ClientBuilder().setBasePath(fake.url().toString())
        .setVerifyingSsl(true).setCertificateAuthority(TestCa.create("another ca")
            .certificatePem().getBytes(StandardCharsets.US_ASCII)).build();
    LeaseLock lock = new LeaseLock(wrongCa, "ns", "lease-" + (++leases), Duration.ofSeconds(5));

    ApiException untrusted = assertThrows(ApiException.class, lock::read);

    assertEquals(FailureText.UNTRUSTED + " (PKIX path building failed: unable to find valid "
        + "certification path to requested target)", FailureText.describe(untrusted));
  }

  @Test
  void aReleasedLeaseHasNoHolder() throws Exception {
    LeaseLock lock = lock();
    LeaseLock.Observed held = lock.create(new V1LeaseSpec().holderIdentity("me")
        .leaseDurationSeconds(5).leaseTransitions(2));
    LeaseLock.Observed released = lock.replace(held, new V1LeaseSpec().leaseDurationSeconds(5)
        .leaseTransitions(2));
    assertEquals(Optional.empty(), released.holder());
    assertEquals(2, released.transitions());
    assertEquals(1, fake.store().list(ApiResource.LEASES).stream()
        .filter(l -> l.getAsJsonObject("metadata").get("name").getAsString()
            .equals(lock.describe().substring("ns/".length()))).count());
  }
}
