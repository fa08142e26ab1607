package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Secret that cannot be read (a {@code data} value Go's base64 refuses, a field of the wrong
 * type), listed or watched, fails its own cluster only, as its certificate source failing
 * ({@value SecretCertificateSource#SOURCE_NOT_READY}, never missing), named by the Secret and
 * why, never by a value; the other Secrets are taken and the watch goes on, where client-go
 * refuses the whole list and breaks the watch. A readable version heals it.
 */
class UnreadableSecretSourceTest extends SecretCertificateSourceFixture {
  private static final GuestCluster OTHER =
      GuestCluster.of("other", "aws", "https://master.other");
  private static final GuestCluster THIRD =
      GuestCluster.of("third", "aws", "https://master.third");
  /** "PRIVATE" in base64 with its padding made a character of neither alphabet. */
  private static final String NOT_BASE64 = "UFJJVkFURQ!!";
  private static final Predicate<FakeRequest> LISTS =
      request -> request.isFor(ApiResource.SECRETS) && !request.isWatch();

  private final LogCapture log = LogCapture.of(UnreadableObjects.class);

  @AfterEach
  void closeLog() {
    log.close();
  }

  /** Cluster abc12's Secret readable at the sync, then made unreadable and named so. */
  private void syncedThenAbcUnreadable() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(
        fake.store().get(ApiResource.SECRETS, "default", "abc12-prometheus")));
    Poll.until(WAIT, "failure named", () ->
        source.observe(List.of(ABC)).problems().containsKey(ABC.id()));
  }

  private JsonObject withUnreadableKey(JsonObject secret) {
    secret.getAsJsonObject("data").addProperty("key", NOT_BASE64);
    return secret;
  }

  private static void assertNamesTheSecretNotTheValue(String message) {
    assertTrue(message.startsWith("secret \"default/abc12-prometheus\" cannot be read (")
        && message.contains("(illegal base64 data at input byte 10) at path $.data.key"),
        message);
    assertFalse(message.contains(NOT_BASE64) || message.contains("UFJJ"), message);
  }

  private long warningsNamingAbc() {
    return log.lines().stream()
        .filter(line -> line.startsWith("WARNING secret \"default/abc12-prometheus\""))
        .count();
  }

  @Test
  void aSecretUnreadableInAListFailsItsOwnClusterOnlyTheOthersAreTaken() {
    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(fake.store().create(
        ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12", "prometheus",
            fullData()))));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();

    CertificateObservation seen = source.observe(List.of(ABC, OTHER, THIRD));
    assertEquals(issued.certificatePem(), seen.bundles().get(OTHER.id()).certificatePem());
    assertNull(seen.problems().get(OTHER.id()));
    assertNull(seen.bundles().get(ABC.id()));
    Rejection abc = seen.problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, abc.reason());
    assertNamesTheSecretNotTheValue(abc.message());
    assertEquals(SecretCertificateSource.SECRET_MISSING,
        seen.problems().get(THIRD.id()).reason());
    assertEquals(1, warningsNamingAbc(), () -> log.lines().toString());

    // listed again, for the same reason: not logged again
    long lists = fake.requestCount(LISTS);
    fake.faults().expireWatches();
    Poll.until(WAIT, "listed again", () -> fake.requestCount(LISTS) > lists);
    Poll.until(WAIT, "watched again", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY,
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason());
    assertEquals(1, warningsNamingAbc(), () -> log.lines().toString());

    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    Poll.until(WAIT, "healed", () -> source.observe(List.of(ABC, OTHER)).problems().isEmpty());
    assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
  }

  @Test
  void aSecretMadeUnreadableThroughAWatchFailsItsOwnClusterOnlyAndTheWatchGoesOn() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    assertEquals(Map.of(), source.observe(List.of(ABC, OTHER)).problems());
    long lists = fake.requestCount(LISTS);

    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(
        fake.store().get(ApiResource.SECRETS, "default", "abc12-prometheus")));
    Poll.until(WAIT, "failure named", () ->
        !source.observe(List.of(ABC, OTHER)).problems().isEmpty());

    CertificateObservation seen = source.observe(List.of(ABC, OTHER));
    assertEquals(issued.certificatePem(), seen.bundles().get(ABC.id()).certificatePem());
    assertEquals(issued.certificatePem(), seen.bundles().get(OTHER.id()).certificatePem());
    assertEquals(List.of(ABC.id()), List.copyOf(seen.problems().keySet()));
    Rejection abc = seen.problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, abc.reason());
    assertNamesTheSecretNotTheValue(abc.message());
    assertTrue(abc.message().endsWith("; serving the certificate of cluster \"abc12\" from its"
        + " last readable secret"), abc.message());
    assertFalse(source.toString().contains("failing"), source.toString());

    // the watch goes on: a Secret made since comes through it, with no list
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "third-prometheus", "third", "prometheus", fullData()));
    Poll.until(WAIT, "third watched", () ->
        source.observe(List.of(THIRD)).bundles().containsKey(THIRD.id()));
    assertEquals(lists, fake.requestCount(LISTS));

    // a field of the wrong type: another reason, said too
    JsonObject wrongType = fake.store().get(ApiResource.SECRETS, "default", "abc12-prometheus");
    wrongType.getAsJsonObject("data").remove("key");
    wrongType.addProperty("type", 5);
    fake.store().update(ApiResource.SECRETS, "default", wrongType);
    Poll.until(WAIT, "wrong type named", () -> source.observe(List.of(ABC)).problems()
        .get(ABC.id()).message().contains("at path $.type"));
    assertEquals(2, warningsNamingAbc(), () -> log.lines().toString());

    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    Poll.until(WAIT, "healed", () -> source.observe(List.of(ABC, OTHER)).problems().isEmpty());
    assertEquals(lists, fake.requestCount(LISTS));
  }

  @Test
  void aListKeepsTheLastReadableVersionOfASecretThatCannotBeRead() {
    syncedThenAbcUnreadable();

    long lists = fake.requestCount(LISTS);
    fake.faults().expireWatches();
    Poll.until(WAIT, "listed again", () -> fake.requestCount(LISTS) > lists);
    Poll.until(WAIT, "watched again", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);
    // the cache takes events in order: one watched after the list is there once the list is
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "third-prometheus", "third", "prometheus", fullData()));
    Poll.until(WAIT, "third watched", () ->
        source.observe(List.of(THIRD)).bundles().containsKey(THIRD.id()));

    CertificateObservation seen = source.observe(List.of(ABC));
    assertEquals(issued.certificatePem(), seen.bundles().get(ABC.id()).certificatePem());
    Rejection abc = seen.problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, abc.reason());
    assertNamesTheSecretNotTheValue(abc.message());
    assertTrue(abc.message().endsWith("; serving the certificate of cluster \"abc12\" from its"
        + " last readable secret"), abc.message());
  }

  @Test
  void aSecretThatCameUnreadableThroughAWatchAndIsDeletedIsMissing() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    long lists = fake.requestCount(LISTS);

    // unreadable from its first event on: the cache never holds a version of it
    fake.store().create(ApiResource.SECRETS, null, withUnreadableKey(JsonParser.parseString(
        JSON.serialize(secret("default", "abc12-prometheus", "abc12", "prometheus", fullData())))
        .getAsJsonObject()));
    Poll.until(WAIT, "failure named", () -> SecretCertificateSource.SOURCE_NOT_READY.equals(
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason()));
    fake.store().delete(ApiResource.SECRETS, "default", "abc12-prometheus");

    Poll.until(WAIT, "missing", () -> SecretCertificateSource.SECRET_MISSING.equals(
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason()));
    assertEquals(lists, fake.requestCount(LISTS));
  }

  @Test
  void aSecretDeletedWhileItCannotBeReadIsLoggedDeletedNotReadAgain() {
    syncedThenAbcUnreadable();

    fake.store().delete(ApiResource.SECRETS, "default", "abc12-prometheus");
    Poll.until(WAIT, "missing", () -> SecretCertificateSource.SECRET_MISSING.equals(
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason()));

    // the cache held its last readable version: the deletion ends it, which is no reading
    assertEquals(List.of("INFO secret \"default/abc12-prometheus\" is deleted"),
        log.lines().stream().filter(line -> line.startsWith("INFO ")).toList(),
        () -> log.lines().toString());
  }

  @Test
  void aReadableVersionInAListHealsTheCluster() {
    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(fake.store().create(
        ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12", "prometheus",
            fullData()))));
    startSynced();
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY,
        source.observe(List.of(ABC)).problems().get(ABC.id()).reason());

    // no watch: the readable version comes through a list alone, one asked for after it
    fake.faults().fail(Faults.ALWAYS, 500,
        request -> request.isWatch() && request.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();
    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    long lists = fake.requestCount(LISTS);
    Poll.until(WAIT, "listed again", () -> fake.requestCount(LISTS) > lists);
    fake.faults().clear();

    Poll.until(WAIT, "healed", () -> source.observe(List.of(ABC)).problems().isEmpty());
    assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
  }

  @Test
  void aSecretWhoseLabelsCannotBeReadNoLongerHoldsTheOthersOnceDeletedWithNoList() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    long lists = fake.requestCount(LISTS);
    JsonObject unlabelled = JsonParser.parseString(JSON.serialize(
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData())))
        .getAsJsonObject();
    unlabelled.getAsJsonObject("metadata").getAsJsonObject("labels").addProperty("size", 5);
    fake.store().create(ApiResource.SECRETS, null, unlabelled);
    Poll.until(WAIT, "third not ready", () -> SecretCertificateSource.SOURCE_NOT_READY.equals(
        source.observe(List.of(THIRD)).problems().get(THIRD.id()).reason()));

    fake.store().delete(ApiResource.SECRETS, "default", "abc12-prometheus");
    Poll.until(WAIT, "third missing", () -> SecretCertificateSource.SECRET_MISSING.equals(
        source.observe(List.of(THIRD)).problems().get(THIRD.id()).reason()));
    CertificateObservation seen = source.observe(List.of(ABC, OTHER));
    assertEquals(SecretCertificateSource.SECRET_MISSING,
        seen.problems().get(ABC.id()).reason());
    assertNull(seen.problems().get(OTHER.id()));
    assertEquals(lists, fake.requestCount(LISTS));
  }

  /**
   * A listed object without a name is no Secret it can be told to be: the list fails as a whole,
   * every cluster keeps its last certificate (degraded), none is missing, until a list that can
   * be read, as client-go refuses it; nothing of it is kept past that list.
   */
  @Test
  void aListedObjectWithoutANameFailsTheListUntilOneCanBeRead() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    fake.faults().addToLists("{\"metadata\":{\"namespace\":\"default\","
        + "\"labels\":{\"size\":5}},\"data\":{\"key\":\"" + NOT_BASE64 + "\"}}", LISTS);
    fake.faults().expireWatches();
    Poll.until(WAIT, "list failed", () ->
        source.observe(List.of(ABC)).problems().containsKey(ABC.id()));

    CertificateObservation seen = source.observe(List.of(ABC, THIRD));
    assertEquals(issued.certificatePem(), seen.bundles().get(ABC.id()).certificatePem());
    Rejection abc = seen.problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, abc.reason(), abc::message);
    assertTrue(abc.message().contains("the secret at item 1 of the list cannot be read (it has"
        + " no name)") && abc.message().endsWith(" from the last secrets listed"),
        abc.message());
    assertFalse(abc.message().contains(NOT_BASE64), abc.message());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY,
        seen.problems().get(THIRD.id()).reason());

    fake.faults().clear();
    Poll.until(WAIT, "third missing", () -> SecretCertificateSource.SECRET_MISSING.equals(
        source.observe(List.of(THIRD)).problems().get(THIRD.id()).reason()));
    assertEquals(Map.of(), source.observe(List.of(ABC)).problems());
    assertEquals(0, log.lines().size(), () -> log.lines().toString());
  }

  /**
   * What is known of a Secret that cannot be read outlasts a list that fails as a whole (a
   * nameless object in it): the list after, with the Secret as unreadable as before, logs it
   * no second time; a list that can be read and no longer has it ends it (its cluster's Secret
   * is missing), though no watch saw it deleted.
   */
  @Test
  void anUnreadableSecretOutlastsAFailedListAndEndsWithAListWithoutIt() {
    fake.store().update(ApiResource.SECRETS, "default", withUnreadableKey(fake.store().create(
        ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12", "prometheus",
            fullData()))));
    startSynced();
    assertEquals(1, warningsNamingAbc(), () -> log.lines().toString());
    String nameless = "{\"metadata\":{\"namespace\":\"default\"}}";
    for (int round = 0; round < 2; round++) {
      Poll.until(WAIT, "watched", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);
      fake.faults().addToLists(nameless, LISTS);
      fake.faults().expireWatches();
      Poll.until(WAIT, "list failed", () -> source.observe(List.of(ABC)).problems()
          .get(ABC.id()).message().contains("(it has no name)"));
      if (round == 1) {
        // no watch is open while the lists fail: only a list can tell it is gone
        fake.store().delete(ApiResource.SECRETS, "default", "abc12-prometheus");
      }
      fake.faults().clear();
      Poll.until(WAIT, "listed", () -> !source.observe(List.of(ABC)).problems().get(ABC.id())
          .message().contains("(it has no name)"));
      Rejection abc = source.observe(List.of(ABC)).problems().get(ABC.id());
      if (round == 0) {
        assertEquals(SecretCertificateSource.SOURCE_NOT_READY, abc.reason(), abc::message);
        assertNamesTheSecretNotTheValue(abc.message());
      } else {
        assertEquals(SecretCertificateSource.SECRET_MISSING, abc.reason(), abc::message);
      }
      assertEquals(1, warningsNamingAbc(), () -> log.lines().toString());
    }
    assertTrue(log.lines().contains(
        "INFO secret \"default/abc12-prometheus\" is no longer listed unreadable"),
        () -> log.lines().toString());
  }

  /**
   * A watched Secret without a name, readable otherwise, is no Secret the cache can keep: the
   * watch breaks and the list after it is read, where the cache took it under a key of no
   * Secret and served its certificate to the cluster its labels name.
   */
  @Test
  void aWatchedSecretWithoutANameBreaksTheWatch() {
    startSynced();
    JsonObject unnamed = JsonParser.parseString(JSON.serialize(
        secret("default", "third-prometheus", "third", "prometheus", fullData())))
        .getAsJsonObject();
    unnamed.getAsJsonObject("metadata").remove("name");
    unnamed.getAsJsonObject("metadata").addProperty("resourceVersion",
        Long.toString(fake.store().resourceVersion()));
    fake.faults().sendOnNewWatches(1, "ADDED", unnamed.toString(),
        request -> request.isFor(ApiResource.SECRETS));
    long lists = fake.requestCount(LISTS);
    fake.faults().closeWatches();

    Poll.until(WAIT, "listed again or served", () -> fake.requestCount(LISTS) > lists
        || source.observe(List.of(THIRD)).bundles().containsKey(THIRD.id()));
    Poll.until(WAIT, "watched again", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);
    CertificateObservation seen = source.observe(List.of(THIRD));
    assertNull(seen.bundles().get(THIRD.id()));
    assertEquals(SecretCertificateSource.SECRET_MISSING,
        seen.problems().get(THIRD.id()).reason());
  }

  @Test
  void aSecretWhoseLabelsCannotBeReadMakesNoClusterMissing() {
    JsonObject unlabelled = fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    unlabelled.getAsJsonObject("metadata").getAsJsonObject("labels").addProperty("size", 5);
    fake.store().update(ApiResource.SECRETS, "default", unlabelled);
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();

    CertificateObservation seen = source.observe(List.of(ABC, OTHER, THIRD));
    assertEquals(List.of(OTHER.id()), List.copyOf(seen.bundles().keySet()));
    assertNull(seen.problems().get(OTHER.id()));
    for (GuestCluster cluster : List.of(ABC, THIRD)) {
      Rejection problem = seen.problems().get(cluster.id());
      assertEquals(SecretCertificateSource.SOURCE_NOT_READY, problem.reason());
      assertTrue(problem.message().startsWith("secret \"default/abc12-prometheus\" cannot be"
          + " read (") && problem.message().contains("at path $.metadata.labels.size"),
          problem.message());
    }
  }
}
