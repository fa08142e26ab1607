package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record verifications for a while, as a certificate is renewed, a
 * rollback replaces a refused load's files, or a rejected config is pinned. Loads it refuses
 * while Prometheus is away or a reload fails are in {@link DeliveryRefusedRecordTest}.
 * Injected clocks, no sleeping.
 */
class DeliveryRefusedRecordRenewalsTest {
  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final RefusedRecords.Refusing store = r.store;
  private final List<ReconcileResult> results = r.results;

  /**
   * X verified; the store refuses records as cluster a's certificate is renewed. The renewal
   * landed, but its record's refusal left the delivery: the result listed no file written and
   * said the config was not in sync, though Prometheus runs X and reads the renewed files. It
   * names the files, the refusal, and that the next reconcile records it.
   */
  @Test
  void aRenewalTheStoreRefusesToRecordIsReportedWithItsFiles() {
    Reconciler reconciler = r.xVerified();
    store.refusing = true;
    r.renew("a");
    ReconcileResult renewed = r.next(reconciler);

    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text(), said(results));
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        renewed.written(), said(results));
    assertEquals(Outcome.FAILED, renewed.outcome(), said(results));
    assertTrue(renewed.configInSync(), said(results));
    assertTrue(renewed.message().contains("larger than 256 MiB")
        && renewed.message().endsWith("; the next reconcile records it"), said(results));

    store.refusing = false;
    r.next(reconciler);
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
    r.xVerified();
    store.refusing = true;
    r.renew("a");
    r.next(f.builder().store(store).build());

    ReconcileResult restarted = r.next(f.builder().store(store).build()); // restarted
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
    var goneBeforeTheReload = new RefusedRecords.GoneBeforeTheReload(f);
    Reconciler reconciler =
        r.aLoadTheStoreRefusesToRecord(f.builder().prometheus(goneBeforeTheReload));

    r.someoneElsesReloadFails();
    f.ruleFileBroken = false;
    r.renew("b");
    goneBeforeTheReload.armed = true;
    r.next(reconciler);

    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was restored over: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));
  }

  /**
   * Y loaded, its record refused; cluster c's config is rejected, and the rollback restores
   * and reloads the store's X over the files of Y's load. The result still said of Y's load
   * "the next reconcile records it", which it does not: its files are gone.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotPromisedARecordOnceARollbackReplacedItsFiles() {
    Reconciler reconciler = r.aLoadTheStoreRefusesToRecord();

    f.breakBaseConfig();
    f.with("c");
    ReconcileResult rolledBack = r.next(reconciler);

    assertEquals(Outcome.REJECTED, rolledBack.outcome(), said(results));
    assertTrue(!f.hasJobsOf("b"), "X restored: " + said(results));
    assertTrue(rolledBack.message().contains("earlier load of config"), said(results));
    assertTrue(!rolledBack.message().contains("; the next reconcile records it"),
        "Y's files were replaced, yet its record is promised: " + said(results));
  }

  /**
   * X verified; a rule file breaks and someone else's reload fails as cluster a's certificate
   * is renewed while the store refuses records: the renewal lands, its record is refused, and
   * the reload of X that follows is refused too (an outside cause). The result named
   * Prometheus' refusal alone, not the store's of the renewal's record.
   */
  @Test
  void aRenewalWhoseRecordIsRefusedBeforeARejectedReloadNamesTheRefusal() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = r.xVerified();

    r.someoneElsesReloadFails();
    store.refusing = true;
    r.renew("a");
    ReconcileResult renewed = r.next(reconciler);

    assertEquals(Outcome.REJECTED, renewed.outcome(), said(results));
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        renewed.written(), said(results));
    assertTrue(renewed.message().contains("loading groups failed"), said(results));
    assertTrue(renewed.message().contains("; recording prometheus' load of config "
        + renewed.configHash().orElseThrow().substring(0, 12) + " with the files on disk "
        + "failed: not recording the verification: with it the ownership manifest"),
        said(results));
  }

  /**
   * As above, the rule file fixed, and the reload of X gets no answer (a request timeout):
   * no new load is seen, and the result named Prometheus' silence alone.
   */
  @Test
  void aRenewalWhoseRecordIsRefusedBeforeAnUnansweredReloadNamesTheRefusal() {
    f.rejectBogusOrBrokenRuleFile();
    var unanswered = new ForwardingControl(f.prometheus) {
      boolean armed;

      @Override
      public ReloadAck reload() {
        if (armed) {
          throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" got no answer within PT30S");
        }
        return super.reload();
      }
    };
    Reconciler reconciler = r.xVerified(f.builder().prometheus(unanswered));

    r.someoneElsesReloadFails();
    f.ruleFileBroken = false;
    store.refusing = true;
    unanswered.armed = true;
    r.renew("a");
    ReconcileResult renewed = r.next(reconciler);

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, renewed.outcome(), said(results));
    assertTrue(renewed.message().contains("got no answer"), said(results));
    assertTrue(renewed.message().contains("; recording prometheus' load of config "
        + renewed.configHash().orElseThrow().substring(0, 12) + " with the files on disk "
        + "failed: not recording the verification: with it the ownership manifest"),
        said(results));
  }

  /**
   * X verified; cluster b's config Z rejected and pinned, X restored. The store refuses records
   * as cluster a's certificate is renewed under the pin: the renewal landed, but the refusal
   * left the delivery, which listed no file written.
   */
  @Test
  void aRenewalUnderAPinTheStoreRefusesToRecordIsReportedWithItsFiles() {
    Reconciler reconciler = r.zRejectedAndPinned();

    store.refusing = true;
    r.renew("a");
    ReconcileResult renewed = r.next(reconciler);

    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text(), said(results));
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        renewed.written(), said(results));
    assertTrue(renewed.message().contains("larger than 256 MiB"), said(results));
    assertTrue(f.store.record().rejected().isPresent(), said(results));
  }

  /**
   * X verified; cluster b's config Z rejected and pinned, X restored and reloaded. Someone
   * else's reload fails (a rule file, fixed since) as cluster a's certificate is renewed under
   * the pin while the store refuses records: the refusal of the renewal's record ended the
   * reconcile before it asked Prometheus, which was left on its failed load, where a renewal
   * the store refuses outside a pin is followed by the reload of the verified config.
   */
  @Test
  void aRenewalUnderAPinTheStoreRefusesToRecordStillReloadsAfterAFailedLoad() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = r.zRejectedAndPinned();

    r.someoneElsesReloadFails();
    f.ruleFileBroken = false;
    store.refusing = true;
    r.renew("a");
    int reloads = f.prometheus.reloads();
    ReconcileResult renewed = r.next(reconciler);

    assertEquals(reloads + 1, f.prometheus.reloads(), said(results));
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), said(results));
    assertEquals(Outcome.REJECTED, renewed.outcome(), said(results));
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        renewed.written(), said(results));
    assertTrue(renewed.message().contains("restored and reloaded the last verified config")
        && renewed.message().contains("; the renewed certificates were written, but recording "
        + "them with the last verified config"), said(results));
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
    Reconciler reconciler = r.zRejectedAndPinned();

    r.someoneElsesReloadFails();
    store.refusing = true;
    ReconcileResult refused = r.next(reconciler);

    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertTrue(refused.message().contains("loading groups failed")
        && refused.message().contains("larger than 256 MiB"), said(results));
  }
}
