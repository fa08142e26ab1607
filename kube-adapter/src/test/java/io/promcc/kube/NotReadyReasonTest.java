package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A source that cannot make its first list (the most common case: the RBAC manifest was not
 * applied) says why wherever it reports that it is not ready, not only in {@code failure()}:
 * the controller waits for the first sync and reports the sources' not-ready state, so the API
 * server's answer must travel with it.
 */
class NotReadyReasonTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Predicate<FakeRequest> SERVICE_LIST =
      r -> r.isFor(ApiResource.SERVICES) && !r.isWatch() && r.method().equals("GET");
  private static final Predicate<FakeRequest> SECRET_LIST =
      r -> r.isFor(ApiResource.SECRETS) && !r.isWatch() && r.method().equals("GET");
  private static final GuestCluster ABC = GuestCluster.of("abc12", "aws", "https://master.abc12");

  private FakeKubeApi fake;
  private AutoCloseable source;

  @AfterEach
  void tearDown() throws Exception {
    if (source != null) {
      source.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void aServiceListRefusedBeforeTheFirstSyncIsNamedInTheNotReadyMessage() {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.WANT).start();
    fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
    fake.faults().forbid(Faults.ALWAYS, SERVICE_LIST);
    ServiceClusterSource services = new ServiceClusterSource(fake.newClient(),
        DiscoverySettings.defaults(), WatchSettings.defaults());
    source = services;
    services.start();
    Poll.until(WAIT, "the list was refused", () -> services.failure().isPresent());
    assertFalse(services.hasSynced());

    String message;
    try {
      services.snapshot();
      throw new AssertionError("an unsynced source gave a snapshot");
    } catch (SourceNotReadyException e) {
      message = e.getMessage();
    }
    assertTrue(message.contains("http status 403 (Forbidden)"),
        "the not-ready message should carry the api server's answer, found: " + message);
    assertTrue(message.contains("rbac"), message);
    // what the controller logs for a source that is late to sync
    assertTrue(services.toString().contains("http status 403 (Forbidden)"), services.toString());
  }

  @Test
  void aSecretListRefusedBeforeTheFirstSyncIsNamedInTheCertificateProblem() {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.WANT).start();
    fake.faults().forbid(Faults.ALWAYS, SECRET_LIST);
    SecretCertificateSource secrets = new SecretCertificateSource(fake.newClient(),
        SecretSettings.defaults(), WatchSettings.defaults());
    source = secrets;
    secrets.start();
    Poll.until(WAIT, "the list was refused", () -> fake.requestCount(SECRET_LIST) >= 1
        && secrets.observe(List.of(ABC)).problems().containsKey(ABC.id()));
    // the failure is recorded by then: the list's answer came back
    Poll.until(WAIT, "the refusal recorded", () -> fake.requestCount(SECRET_LIST) >= 2);

    Rejection problem = secrets.observe(List.of(ABC)).problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, problem.reason());
    assertTrue(problem.message().contains("http status 403 (Forbidden)"),
        "the problem should carry the api server's answer, found: " + problem.message());
  }
}
