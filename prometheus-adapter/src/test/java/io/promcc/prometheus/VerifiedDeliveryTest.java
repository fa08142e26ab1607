package io.promcc.prometheus;

import io.promcc.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.Verification;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class VerifiedDeliveryTest {
  private static final TestCertificates.Bundle A = TestCertificates.client("a");
  private static final TestCertificates.Bundle A2 = TestCertificates.client("a");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00.250Z"));
  private final List<Duration> sleeps = new ArrayList<>();
  private final FakeConfigStore store = new FakeConfigStore();
  private final FakePrometheusControl prometheus = new FakePrometheusControl(clock,
      store::readOwned).rejectWhen(files -> Optional.ofNullable(files.get(TestStates.CONFIG))
          .filter(f -> f.text().contains("bogus"))
          .map(f -> "parsing YAML file prometheus.yml: field bogus not found in type "
              + "config.plain"));

  private VerifiedDelivery delivery() {
    return new VerifiedDelivery(store, prometheus,
        new LocalValidation(Path.of("unused-output"), Optional.empty()),
        Duration.ofMinutes(1), Duration.ofMinutes(1), clock, d -> {
          sleeps.add(d);
          clock.advance(d);
        });
  }

  private static DesiredState state(String config, TestCertificates.Bundle bundle) {
    SortedMap<String, DesiredFile> files = new TreeMap<>(TestStates.certificateFiles("a", bundle));
    return TestStates.of(config + TestStates.tlsConfig("a", "    "), files);
  }

  private static String jobs(String... names) {
    return TestStates.staticJobs(names);
  }

  @Test
  void firstApplyWritesCertificatesFirstThenReloadsAndVerifies() {
    clock.advance(Duration.ofSeconds(5));
    DesiredState state = state(jobs("x"), A);

    DeliveryResult result = delivery().apply(state);

    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem", "prometheus.yml"),
        result.written());
    assertTrue(result.reloaded());
    assertEquals(1, prometheus.reloads());
    assertEquals(state.files(), prometheus.loadedFiles());
    assertEquals(state.hash(), store.lastVerified().orElseThrow().stateHash());
  }

  @Test
  void secondApplyOfTheSameStateWritesAndReloadsNothing() {
    DesiredState state = state(jobs("x"), A);
    VerifiedDelivery delivery = delivery();
    delivery.apply(state);
    int writes = store.writes().size();

    DeliveryResult second = delivery.apply(state);

    assertTrue(second.unchanged());
    assertEquals(1, prometheus.reloads());
    assertEquals(writes, store.writes().size());
  }

  @Test
  void aRestartedControllerDoesNotReloadAnUnchangedState() {
    DesiredState state = state(jobs("x"), A);
    delivery().apply(state);
    clock.advance(Duration.ofMinutes(3));

    DeliveryResult afterRestart = delivery().apply(state);

    assertTrue(afterRestart.unchanged());
    assertEquals(1, prometheus.reloads());
  }

  @Test
  void aRestartedPrometheusThatLoadedTheVerifiedFilesNeedsNoReload() {
    DesiredState state = state(jobs("x"), A);
    delivery().apply(state);
    clock.advance(Duration.ofMinutes(3));
    prometheus.restart();

    assertTrue(delivery().apply(state).unchanged());
    assertEquals(1, prometheus.reloads());
  }

  @Test
  void aFailedReloadBySomeoneElseIsRepairedByReloading() {
    DesiredState state = state(jobs("x"), A);
    VerifiedDelivery delivery = delivery();
    delivery.apply(state);
    clock.advance(Duration.ofMinutes(1));
    prometheus.rejectWhen(files -> Optional.of("broken by someone"));
    assertThrows(RuntimeException.class, prometheus::reload);
    prometheus.rejectWhen(files -> Optional.empty());

    DeliveryResult result = delivery.apply(state);

    assertTrue(result.reloaded());
    assertEquals(List.of(), result.written());
    assertTrue(prometheus.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void changedConfigIsWrittenAndReloadedOnce() {
    VerifiedDelivery delivery = delivery();
    delivery.apply(state(jobs("x"), A));
    clock.advance(Duration.ofSeconds(30));

    DeliveryResult result = delivery.apply(state(jobs("x", "y"), A));

    assertEquals(List.of("prometheus.yml"), result.written());
    assertTrue(result.reloaded());
    assertEquals(2, prometheus.reloads());
    assertTrue(prometheus.loadedConfig().contains("job_name: y"));
  }

  @Test
  void renewedCertificateIsWrittenWithoutReload() {
    VerifiedDelivery delivery = delivery();
    delivery.apply(state(jobs("x"), A));
    clock.advance(Duration.ofSeconds(30));
    DesiredState renewed = state(jobs("x"), A2);

    DeliveryResult result = delivery.apply(renewed);

    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"), result.written());
    assertFalse(result.reloaded());
    assertEquals(1, prometheus.reloads());
    assertEquals(renewed.hash(), store.lastVerified().orElseThrow().stateHash());
    assertTrue(delivery.apply(renewed).unchanged());
  }

  @Test
  void waitsForTheNextSecondWhenThePreviousLoadWasInThisSecond() {
    DesiredState state = state(jobs("x"), A);

    delivery().apply(state);

    // the fake loaded at 12:00:00 (start), so the reload must happen at 12:00:01 or later
    assertEquals(List.of(Duration.ofMillis(750)), sleeps);
    assertEquals(Instant.parse("2026-11-25T12:00:01Z"),
        store.lastVerified().orElseThrow().loadedAt());
  }

  @Test
  void doesNotWaitWhenThePreviousLoadIsOlder() {
    clock.advance(Duration.ofSeconds(2));

    delivery().apply(state(jobs("x"), A));

    assertEquals(List.of(), sleeps);
  }

  @Test
  void rejectedConfigIsRolledBackReloadedAndReportedWithPrometheusMessage() {
    VerifiedDelivery delivery = delivery();
    DesiredState good = state(jobs("x"), A);
    delivery.apply(good);
    clock.advance(Duration.ofSeconds(30));
    DesiredState bad = state(jobs("x", "y") + "bogus: 1\n", A2);

    ConfigRejectedException e = assertThrows(ConfigRejectedException.class,
        () -> delivery.apply(bad));

    assertEquals("parsing YAML file prometheus.yml: field bogus not found in type config.plain",
        e.prometheusMessage());
    assertTrue(e.rolledBack());
    assertEquals(bad.hash(), e.rejectedHash());
    assertTrue(e.getMessage().startsWith("prometheus rejected config \""
        + bad.hash().substring(0, 12) + "\": parsing YAML file"), e.getMessage());
    assertEquals(good.files(), store.readOwned());
    assertEquals(good.files(), prometheus.loadedFiles());
    assertEquals(3, prometheus.reloads());
    assertTrue(prometheus.runtimeInfo().reloadConfigSuccess());
    assertEquals(good.hash(), store.lastVerified().orElseThrow().stateHash());
    assertTrue(delivery.apply(good).unchanged());
  }

  @Test
  void aRejectedStateIsNotRetriedUntilItChanges() {
    VerifiedDelivery delivery = delivery();
    delivery.apply(state(jobs("x"), A));
    DesiredState bad = state(jobs("x") + "bogus: 1\n", A);
    assertThrows(ConfigRejectedException.class, () -> delivery.apply(bad));
    int reloads = prometheus.reloads();
    int writes = store.writes().size();

    ConfigRejectedException again = assertThrows(ConfigRejectedException.class,
        () -> delivery.apply(bad));

    assertTrue(again.getMessage().endsWith("rejected before, so not tried again until the "
        + "desired state changes"), again.getMessage());
    assertEquals(reloads, prometheus.reloads());
    assertEquals(writes, store.writes().size());
    assertTrue(delivery.apply(state(jobs("x", "z"), A)).reloaded());
  }

  @Test
  void aRejectionWithNothingVerifiedLeavesTheFilesAndSaysSo() {
    DesiredState bad = state(jobs("x") + "bogus: 1\n", A);

    ConfigRejectedException e = assertThrows(ConfigRejectedException.class,
        () -> delivery().apply(bad));

    assertFalse(e.rolledBack());
    assertTrue(e.getMessage().endsWith("there are no verified files to restore, so the rejected "
        + "files stay on disk"), e.getMessage());
    assertTrue(store.lastVerified().isEmpty());
  }

  @Test
  void invalidCertificateWritesNothingAndDoesNotReload() {
    VerifiedDelivery delivery = delivery();
    delivery.apply(state(jobs("x"), A));
    TestCertificates.Bundle mismatched = new TestCertificates.Bundle(A.caPem(), A.certificatePem(),
        A2.pkcs8KeyPem(), A2.traditionalKeyPem(), A2.keys());
    int writes = store.writes().size();

    ValidationException e = assertThrows(ValidationException.class,
        () -> delivery.apply(state(jobs("x", "y"), mismatched)));

    assertEquals(List.of("private key \"certs/a-key.pem\" does not match the certificate in "
        + "\"certs/a-crt.pem\""), e.problems());
    assertEquals(writes, store.writes().size());
    assertEquals(1, prometheus.reloads());
  }

  @Test
  void anUnreachablePrometheusFailsTheApplyAndTheNextApplyFinishesTheJob() {
    VerifiedDelivery delivery = delivery();
    delivery.apply(state(jobs("x"), A));
    prometheus.setUp(false);
    DesiredState next = state(jobs("x", "y"), A);

    assertThrows(PrometheusUnavailableException.class, () -> delivery.apply(next));
    assertEquals(next.files(), store.readOwned());

    prometheus.setUp(true);
    clock.advance(Duration.ofSeconds(10));
    DeliveryResult result = delivery.apply(next);

    assertTrue(result.reloaded());
    assertEquals(List.of(), result.written());
    assertEquals(next.files(), prometheus.loadedFiles());
    assertEquals(next.hash(), store.lastVerified().orElseThrow().stateHash());
  }

  @Test
  void prometheusThatLoadedTheFilesAfterTheyWereWrittenIsNotReloaded() {
    VerifiedDelivery delivery = delivery();
    prometheus.setUp(false);
    DesiredState state = state(jobs("x"), A);
    assertThrows(PrometheusUnavailableException.class, () -> delivery.apply(state));
    clock.advance(Duration.ofSeconds(5));
    prometheus.restart();
    prometheus.setUp(true);

    DeliveryResult result = delivery.apply(state);

    assertFalse(result.reloaded(), result.toString());
    assertEquals(0, prometheus.reloads());
    assertEquals(state.hash(), store.lastVerified().orElseThrow().stateHash());
  }

  @Test
  void asksForTheBaselineWhileTheFilesAreWritten() {
    CountDownLatch asked = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    CountingControl observed = new CountingControl(prometheus);
    observed.beforeRuntimeInfo(asked::countDown);
    ConfigStore waiting = new ConfigStore() {
      @Override
      public void write(DesiredState desired, FileDiff diff) {
        try {
          overlapped.set(asked.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        store.write(desired, diff);
      }

      @Override
      public SortedMap<String, DesiredFile> readOwned() {
        return store.readOwned();
      }

      @Override
      public Optional<Verification> lastVerified() {
        return store.lastVerified();
      }

      @Override
      public void markVerified(Verification verification) {
        store.markVerified(verification);
      }

      @Override
      public boolean restoreLastVerified() {
        return store.restoreLastVerified();
      }
    };
    VerifiedDelivery delivery = new VerifiedDelivery(waiting, observed,
        new LocalValidation(Path.of("unused-output"), Optional.empty()),
        Duration.ofMinutes(1), Duration.ofMinutes(1), clock, clock::advance);

    DeliveryResult result = delivery.apply(state(jobs("x"), A));

    assertTrue(overlapped.get(), "runtimeinfo was not asked while the files were written");
    assertTrue(result.reloaded());
    assertEquals(1, observed.reloads());
  }

  @Test
  void aPrometheusTooBusyToAnswerRightAfterTheReloadIsAskedAgain() {
    CountingControl busyOnce = new CountingControl(prometheus);
    AtomicBoolean timedOut = new AtomicBoolean();
    busyOnce.beforeRuntimeInfo(() -> {
      if (busyOnce.reloads() > 0 && timedOut.compareAndSet(false, true)) {
        throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to prometheus "
            + "failed: no answer within PT1M");
      }
    });
    VerifiedDelivery delivery = new VerifiedDelivery(store, busyOnce,
        new LocalValidation(Path.of("unused-output"), Optional.empty()),
        Duration.ofMinutes(1), Duration.ofMinutes(1), clock, d -> {
          sleeps.add(d);
          clock.advance(d);
        });
    DesiredState state = state(jobs("x"), A);

    DeliveryResult result = delivery.apply(state);

    assertTrue(timedOut.get());
    assertTrue(result.reloaded());
    assertEquals(1, busyOnce.reloads());
    assertEquals(state.hash(), store.lastVerified().orElseThrow().stateHash());
  }

  @Test
  void aPrometheusThatNeverAnswersAfterTheReloadFailsAtTheVerifyTimeoutWithoutRollback() {
    DesiredState good = state(jobs("x"), A);
    delivery().apply(good);
    CountingControl silent = new CountingControl(prometheus);
    silent.beforeRuntimeInfo(() -> {
      if (silent.reloads() > 0) {
        throw new PrometheusUnavailableException("no answer within PT1M");
      }
    });
    VerifiedDelivery delivery = new VerifiedDelivery(store, silent,
        new LocalValidation(Path.of("unused-output"), Optional.empty()),
        Duration.ofMinutes(1), Duration.ofMinutes(1), clock, clock::advance);
    DesiredState next = state(jobs("x", "y"), A);

    assertThrows(PrometheusUnavailableException.class, () -> delivery.apply(next));

    assertEquals(next.files(), store.readOwned()); // not rolled back: nothing was rejected
    assertEquals(good.hash(), store.lastVerified().orElseThrow().stateHash());
  }

  @Test
  void reportsWhatItDidAndHowLong() {
    clock.advance(Duration.ofSeconds(5));
    DesiredState state = state(jobs("x"), A);
    store.write(state, io.promcc.core.plan.FileDiff.between(state, Map.of()));

    DeliveryResult result = delivery().apply(state(jobs("y"), A));

    assertEquals(List.of("prometheus.yml"), result.written());
    assertEquals(List.of(), result.deleted());
    assertEquals(Duration.ZERO, result.duration());
  }
}
