package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.Poll;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Secret whose {@code data} Go's base64 refuses makes the Secrets' list unreadable and fails
 * their watch, as client-go refuses it: that is a failure of the source, never a Secret gone.
 * Once synced, every cached certificate, the unreadable Secret's last good one included, is
 * still served, degraded with the failure; before the first sync every cluster is not ready,
 * none missing. The failure names the key and where, never the value.
 */
class UnreadableSecretSourceTest extends SecretCertificateSourceFixture {
  private static final GuestCluster OTHER =
      GuestCluster.of("other", "aws", "https://master.other");
  /** "PRIVATE" in base64 with its padding made a character of neither alphabet. */
  private static final String NOT_BASE64 = "UFJJVkFURQ!!";

  private JsonObject withUnreadableKey(JsonObject secret) {
    secret.getAsJsonObject("data").addProperty("key", NOT_BASE64);
    return secret;
  }

  private static void assertNamesTheKeyNotTheValue(String message) {
    assertTrue(message.contains("(illegal base64 data at input byte 10) at path $.")
        && message.contains("data.key"), message);
    assertFalse(message.contains(NOT_BASE64) || message.contains("UFJJ"), message);
  }

  @Test
  void aSecretMadeUnreadableThroughTheWatchLeavesEveryCachedCertificateServed() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    assertEquals(Map.of(), source.observe(List.of(ABC, OTHER)).problems());

    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(
        fake.store().get(ApiResource.SECRETS, "default", "abc12-prometheus")));

    Poll.until(WAIT, "failure named", () ->
        source.observe(List.of(ABC, OTHER)).problems().size() == 2);
    CertificateObservation seen = source.observe(List.of(ABC, OTHER));
    assertEquals(issued.certificatePem(), seen.bundles().get(ABC.id()).certificatePem());
    assertEquals(issued.certificatePem(), seen.bundles().get(OTHER.id()).certificatePem());
    for (Rejection problem : seen.problems().values()) {
      assertEquals(SecretCertificateSource.SOURCE_NOT_READY, problem.reason());
      assertNamesTheKeyNotTheValue(problem.message());
    }

    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    Poll.until(WAIT, "recovered", () ->
        source.observe(List.of(ABC, OTHER)).problems().isEmpty());
  }

  @Test
  void aSecretUnreadableInTheFirstListMakesEveryClusterNotReadyNoneMissing() {
    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(fake.store().create(
        ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12", "prometheus",
            fullData()))));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();

    Poll.until(WAIT, "failure named", () -> source.toString().contains("failing"));
    assertFalse(source.hasSynced());
    for (GuestCluster cluster : List.of(ABC, OTHER)) {
      CertificateUnavailableException unavailable = unavailable(cluster);
      assertEquals(SecretCertificateSource.SOURCE_NOT_READY, unavailable.reason());
      assertNamesTheKeyNotTheValue(unavailable.getMessage());
    }

    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    Poll.until(WAIT, "synced", source::hasSynced);
    assertEquals(issued.certificatePem(), source.certificateFor(OTHER).certificatePem());
  }

  private CertificateUnavailableException unavailable(GuestCluster cluster) {
    try {
      source.certificateFor(cluster);
    } catch (CertificateUnavailableException e) {
      return e;
    }
    throw new AssertionError("a certificate for " + cluster.id().value());
  }
}
