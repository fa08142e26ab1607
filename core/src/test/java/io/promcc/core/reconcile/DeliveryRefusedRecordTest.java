package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record verifications for a while (its manifest would be over the
 * bound it reads back), not once: the loads it refuses are kept in memory, and the deliveries
 * go on meanwhile. Injected clocks, no sleeping.
 */
class DeliveryRefusedRecordTest {
  private final Fixture f = new Fixture().with("a");

  /** A store that refuses every record of a verification while {@link #refusing}. */
  private final class Refusing extends ForwardingStore {
    boolean refusing;
    int refusals;

    Refusing() {
      super(f.store);
    }

    @Override
    public void markVerified(Verification verification) {
      if (refusing) {
        refusals++;
        throw new ConfigStoreException("not recording the verification: with it the ownership "
            + "manifest \"/out/.promcc-manifest\" is larger than 256 MiB (268435456 bytes), "
            + "found 268436000 bytes, the most the store reads back; nothing was changed");
      }
      super.markVerified(verification);
    }
  }

  private static String said(List<ReconcileResult> results) {
    return results.stream().map(r -> r.outcome() + " (in sync " + r.configInSync() + "): "
        + r.message()).toList().toString();
  }

  /**
   * X verified; the store starts refusing records; cluster b's config Y loads, its record
   * refused. Every later reconcile failed on that same record before it could write anything:
   * cluster c was never delivered until the controller restarted. The delivery goes on, the
   * refusal is named in each result, and once the store takes records again the load is
   * recorded without a restart and without another reload.
   */
  @Test
  void aLoadTheStoreRefusesToRecordDoesNotHoldBackLaterDeliveries() {
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));

    f.with("c");
    for (int i = 0; i < 2; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }
    assertTrue(f.prometheusRunsJobsOf("c"), "c is never delivered while the store refuses "
        + "to record b's load: " + said(results));
    ReconcileResult last = results.get(results.size() - 1);
    assertEquals(Outcome.FAILED, last.outcome(), said(results));
    assertTrue(last.message().contains("larger than 256 MiB"), said(results));
    assertTrue(last.configInSync(), said(results));

    store.refusing = false; // room again
    int reloads = f.prometheus.reloads();
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertEquals(Outcome.UNCHANGED, results.get(results.size() - 1).outcome(), said(results));
    assertEquals(last.configHash().orElseThrow(),
        f.store.record().verified().orElseThrow().configHash(), said(results));
    assertEquals(reloads, f.prometheus.reloads(), "c's config loaded already: " + said(results));
  }

  /**
   * While the store refuses, Y (loaded, unrecorded) is on disk and X is the store's verified
   * config. Prometheus goes away as cluster c arrives: the config change waits, and Y, which
   * Prometheus loaded, is not taken for a config it never verified and restored over.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotOverwrittenWhilePrometheusIsAway() {
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());

    f.prometheus.setUp(false);
    f.with("c");
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was overwritten: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));

    f.prometheus.setUp(true);
    store.refusing = false;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertEquals(Outcome.RELOADED, results.get(2).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
  }

  /** X verified; the store starts refusing records; cluster b's config Y loads, unrecorded. */
  private Reconciler aLoadTheStoreRefusesToRecord(Reconciler reconciler, Refusing store,
      List<ReconcileResult> results) {
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    results.add(reconciler.reconcile());
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));
    return reconciler;
  }

  /**
   * Y loaded, its record refused. A rule file breaks and someone else's reload fails: the
   * reload of Y is refused for a cause outside promcc's files. Y was taken for a config
   * Prometheus never loaded: pinned as rejected and the older X restored over it, as if Y were
   * the cause. Prometheus loaded Y, as the store would say had it taken the record: not pinned,
   * not restored over, tried again at the next reconcile.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotPinnedWhenAnOutsideCauseFailsItsReload() {
    f.rejectBogusOrBrokenRuleFile();
    Refusing store = new Refusing();
    List<ReconcileResult> results = new ArrayList<>();
    Reconciler reconciler = aLoadTheStoreRefusesToRecord(f.builder().store(store).build(), store,
        results);

    f.ruleFileBroken = true;
    assertThrows(ReloadRejectedException.class, f.prometheus::reload); // someone else's
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());

    assertEquals(Optional.empty(), f.store.record().rejected(), "Y, which prometheus loaded, "
        + "is pinned as rejected: " + said(results));
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was restored over: "
        + said(results));
    assertEquals(Outcome.REJECTED, results.get(1).outcome(), said(results));
    assertTrue(results.get(1).message().contains("the cause is outside promcc's files"),
        said(results));

    f.ruleFileBroken = false;
    store.refusing = false;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertEquals(Outcome.RELOADED, results.get(2).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("b"), said(results));
  }

  /**
   * Y loaded, its record refused; someone else's reload fails, so Y is reloaded, but Prometheus
   * goes away before the reload reaches it and stays down. The older X was restored over Y, a
   * config Prometheus loaded, for its next start; Y stays, as it would had the store taken the
   * record.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotRestoredOverWhenItsReloadNeverReachesPrometheus() {
    f.rejectBogusOrBrokenRuleFile();
    Refusing store = new Refusing();
    var goneBeforeTheReload = new ForwardingControl(f.prometheus) {
      boolean armed;

      @Override
      public ReloadAck reload() {
        if (armed) {
          f.prometheus.setUp(false); // its node went away; not the config's doing
          throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        return super.reload();
      }
    };
    List<ReconcileResult> results = new ArrayList<>();
    Reconciler reconciler = aLoadTheStoreRefusesToRecord(
        f.builder().store(store).prometheus(goneBeforeTheReload).build(), store, results);

    f.ruleFileBroken = true;
    assertThrows(ReloadRejectedException.class, f.prometheus::reload); // someone else's
    f.ruleFileBroken = false;
    goneBeforeTheReload.armed = true;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());

    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was restored over: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));
  }

  /**
   * As above, with Prometheus away for more than one reconcile: the first wrote cluster c's
   * certificates (the config change waits), so the files on disk were no longer those of Y's
   * load, which was forgotten; the second took Y for a config Prometheus never verified and
   * restored X over it. The certificates written beside Y's config keep its load.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotOverwrittenWhilePrometheusStaysAway() {
    Refusing store = new Refusing();
    List<ReconcileResult> results = new ArrayList<>();
    Reconciler reconciler = aLoadTheStoreRefusesToRecord(f.builder().store(store).build(), store,
        results);

    f.prometheus.setUp(false);
    f.with("c");
    for (int i = 0; i < 2; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was overwritten: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(2).outcome(), said(results));
    assertTrue(results.get(2).message().contains("larger than 256 MiB"), said(results));

    f.prometheus.setUp(true);
    store.refusing = false;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertEquals(Outcome.RELOADED, results.get(3).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
  }

  /**
   * X verified; the store refuses records as cluster a's certificate is renewed. The renewal
   * landed, but its record's refusal left the delivery: the result listed no file written and
   * said the config was not in sync, though Prometheus runs X and reads the renewed files. It
   * names the files, the refusal, and that the next reconcile records it.
   */
  @Test
  void aRenewalTheStoreRefusesToRecordIsReportedWithItsFiles() {
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    f.clock.advance(Duration.ofMinutes(1));
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());

    ReconcileResult renewed = results.get(0);
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text(), said(results));
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        renewed.written(), said(results));
    assertEquals(Outcome.FAILED, renewed.outcome(), said(results));
    assertTrue(renewed.configInSync(), said(results));
    assertTrue(renewed.message().contains("larger than 256 MiB")
        && renewed.message().endsWith("; the next reconcile records it"), said(results));

    store.refusing = false;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertEquals(Outcome.UNCHANGED, results.get(1).outcome(), said(results));
    assertEquals(results.get(1).stateHash().orElseThrow(),
        f.store.record().verified().orElseThrow().stateHash(), said(results));
  }

  /**
   * As above, and the controller restarts before the store takes records again: nothing in
   * memory says the renewal loaded, Prometheus runs X, and the files on disk are X's with the
   * renewed certificate. The refused record of that left the delivery: the result said the
   * config was not in sync.
   */
  @Test
  void aRenewalTheStoreRefusesToRecordAfterARestartIsReportedInSync() {
    Refusing store = new Refusing();
    assertEquals(Outcome.RELOADED, f.builder().store(store).build().reconcile().outcome());
    store.refusing = true;
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    f.clock.advance(Duration.ofMinutes(1));
    List<ReconcileResult> results = new ArrayList<>();
    results.add(f.builder().store(store).build().reconcile());

    f.clock.advance(Duration.ofMinutes(1));
    results.add(f.builder().store(store).build().reconcile()); // restarted

    ReconcileResult restarted = results.get(1);
    assertEquals(Outcome.FAILED, restarted.outcome(), said(results));
    assertTrue(restarted.configInSync(), said(results));
    assertTrue(restarted.message().endsWith("; the next reconcile records it"), said(results));
    assertEquals(List.of(), restarted.written(), said(results));
  }

  /**
   * Y loaded, its record refused; someone else's reload fails, and cluster b's certificate is
   * renewed: the renewal is written and Y reloaded, but the reload never reaches a Prometheus
   * that went away. The rollback's restore took Y for the store's verified config: the store's
   * files, X, were restored over Y, a config Prometheus loaded.
   */
  @Test
  void aRenewedLoadTheStoreRefusesToRecordIsNotRestoredOverWhenPrometheusGoes() {
    f.rejectBogusOrBrokenRuleFile();
    Refusing store = new Refusing();
    var goneBeforeTheReload = new ForwardingControl(f.prometheus) {
      boolean armed;

      @Override
      public ReloadAck reload() {
        if (armed) {
          f.prometheus.setUp(false); // its node went away; not the config's doing
          throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        return super.reload();
      }
    };
    List<ReconcileResult> results = new ArrayList<>();
    Reconciler reconciler = aLoadTheStoreRefusesToRecord(
        f.builder().store(store).prometheus(goneBeforeTheReload).build(), store, results);

    f.ruleFileBroken = true;
    assertThrows(ReloadRejectedException.class, f.prometheus::reload); // someone else's
    f.ruleFileBroken = false;
    f.certificates.put(Fixture.id("b"), TestCertificates.other());
    goneBeforeTheReload.armed = true;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());

    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was restored over: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));
  }

  /** A control whose reload, once armed, never reaches a Prometheus that goes away. */
  private ForwardingControl goneBeforeTheReload(boolean[] armed) {
    return new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        if (armed[0]) {
          f.prometheus.setUp(false); // its node went away; not the config's doing
          throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        return super.reload();
      }
    };
  }

  /**
   * X verified; the store refuses records as cluster b's config Y is written, and its reload
   * never reaches a Prometheus that went away: X's files are restored for its next start, but
   * the store's refusal of that record left the delivery, which ended failed with no file
   * listed, though Y was written and X restored over it.
   */
  @Test
  void aRestoreAfterAnUnjudgedReloadTheStoreRefusesToRecordListsItsFiles() {
    Refusing store = new Refusing();
    boolean[] armed = {false};
    Reconciler reconciler = f.builder().store(store).prometheus(goneBeforeTheReload(armed))
        .build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    armed[0] = true;
    f.with("b");
    f.clock.advance(Duration.ofMinutes(1));
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());

    ReconcileResult restored = results.get(0);
    assertTrue(!f.hasJobsOf("b"), "X restored: " + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, restored.outcome(), said(results));
    assertTrue(restored.written().contains(Fixture.CONFIG), restored.written() + " "
        + said(results));
    assertTrue(restored.message().contains("restored the last verified config")
        && restored.message().contains("larger than 256 MiB"), said(results));
  }

  /**
   * Y loaded, its record refused; cluster c's config is rejected, and the rollback restores
   * and reloads the store's X over the files of Y's load. The result still said of Y's load
   * "the next reconcile records it", which it does not: its files are gone.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotPromisedARecordOnceARollbackReplacedItsFiles() {
    Refusing store = new Refusing();
    List<ReconcileResult> results = new ArrayList<>();
    Reconciler reconciler = aLoadTheStoreRefusesToRecord(f.builder().store(store).build(), store,
        results);

    f.breakBaseConfig();
    f.with("c");
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());

    ReconcileResult rolledBack = results.get(1);
    assertEquals(Outcome.REJECTED, rolledBack.outcome(), said(results));
    assertTrue(!f.hasJobsOf("b"), "X restored: " + said(results));
    assertTrue(rolledBack.message().contains("earlier load of config"), said(results));
    assertTrue(!rolledBack.message().contains("; the next reconcile records it"),
        "Y's files were replaced, yet its record is promised: " + said(results));
  }

  /**
   * X verified; cluster b's config Z rejected and pinned, X restored. The store refuses records
   * as cluster a's certificate is renewed under the pin: the renewal landed, but the refusal
   * left the delivery, which listed no file written.
   */
  @Test
  void aRenewalUnderAPinTheStoreRefusesToRecordIsReportedWithItsFiles() {
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.breakBaseConfig();
    f.with("b");
    f.clock.advance(Duration.ofMinutes(1));
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertTrue(f.store.record().rejected().isPresent(), said(results));

    store.refusing = true;
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());

    ReconcileResult renewed = results.get(1);
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text(), said(results));
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        renewed.written(), said(results));
    assertTrue(renewed.message().contains("larger than 256 MiB"), said(results));
    assertTrue(f.store.record().rejected().isPresent(), said(results));
  }

  /**
   * X verified; cluster b's config Z rejected and pinned, X restored and reloaded. A rule file
   * breaks and someone else's reload fails; the reconcile under the pin restores and reloads X,
   * which Prometheus refuses as well: an outside cause. The store's refusal to record the
   * restored files left the delivery, which ended failed with the store's words only, not
   * Prometheus'.
   */
  @Test
  void aRefusedReloadUnderAPinWhoseRecordTheStoreRefusesIsReportedWithPrometheusWords() {
    f.rejectBogusOrBrokenRuleFile();
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.breakBaseConfig();
    f.with("b");
    f.clock.advance(Duration.ofMinutes(1));
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertTrue(f.store.record().rejected().isPresent(), said(results));

    f.ruleFileBroken = true;
    assertThrows(ReloadRejectedException.class, f.prometheus::reload); // someone else's
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());

    ReconcileResult refused = results.get(1);
    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertTrue(refused.message().contains("loading groups failed")
        && refused.message().contains("larger than 256 MiB"), said(results));
  }
}
