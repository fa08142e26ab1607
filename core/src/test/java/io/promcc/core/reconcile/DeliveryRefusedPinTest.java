package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record the pin of a config Prometheus rejected (a full disk under
 * the manifest's journal): the pin is kept in memory for the rest of the run, the last
 * verified config restored and reloaded, and each reconcile names the refusal until the store
 * takes the pin. X is the first config, verified; Z, cluster b's with a base config Prometheus
 * refuses, is rejected; Y, cluster b's, loads. Injected clocks, no sleeping.
 */
class DeliveryRefusedPinTest {
  private static final String BASE = "global:\n  scrape_interval: 1m\n";
  private static final String FULL = "cannot append to \".promcc-manifest.journal\": No space "
      + "left on device";

  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final RefusesPins store = new RefusesPins(f);
  private final List<ReconcileResult> results = r.results;

  /**
   * A store that refuses to record a pin while {@link #pins}, and to lift one while {@link
   * #lifts}.
   */
  static final class RefusesPins extends ForwardingStore {
    boolean pins;
    boolean lifts;

    RefusesPins(Fixture f) {
      super(f.store);
    }

    @Override
    public void mark(DeliveryMark mark) {
      if (mark instanceof DeliveryMark.Rejected rejected
          && (rejected.rejected().isPresent() ? pins : lifts)) {
        throw new ConfigStoreException(FULL);
      }
      super.mark(mark);
    }
  }

  /** X verified by the reconciler's first reconcile. */
  private Reconciler xVerified() {
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, r.next(reconciler).outcome(), said(results));
    return reconciler;
  }

  /**
   * Z desired again after its rejection, whose pin the store refused: nothing was restored,
   * the rejected files stayed, and every reconcile reloaded Z again (Prometheus 2.53 may apply
   * part of it). Now X is restored and reloaded, Z is not reloaded while the store refuses its
   * pin, each result names the refusal, and the store records the pin once it can.
   */
  @Test
  void aPinTheStoreRefusesIsKeptForTheRunAndRecordedOnceTheStoreTakesIt() {
    Reconciler reconciler = xVerified();
    store.pins = true;
    f.breakBaseConfig();
    f.with("b");
    ReconcileResult rejected = r.next(reconciler);
    String z = rejected.configHash().orElseThrow();

    assertEquals(Outcome.REJECTED, rejected.outcome(), said(results));
    assertTrue(!f.hasJobsOf("b") && !f.prometheusRunsJobsOf("b")
        && f.prometheusRunsJobsOf("a"), "X restored and reloaded: " + said(results));
    assertTrue(rejected.message().contains("; pinning it failed: " + FULL + "; it stays "
        + "pinned in this run, and the next reconcile records the pin"), said(results));

    int reloads = f.prometheus.reloads();
    ReconcileResult under = r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), "Z reloaded again: " + said(results));
    assertEquals(Outcome.REJECTED, under.outcome(), said(results));
    assertTrue(under.message().startsWith("config " + z.substring(0, 12)
        + " was rejected before"), said(results));
    assertTrue(under.message().endsWith("; recording the pin of config " + z.substring(0, 12)
        + " failed: " + FULL + "; the next reconcile records it"), said(results));
    assertEquals(Optional.empty(), f.store.record().rejected(), said(results));

    store.pins = false;
    ReconcileResult recorded = r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), said(results));
    assertEquals(z, f.store.record().rejected().orElseThrow().configHash(), said(results));
    assertTrue(!recorded.message().contains("recording the pin"), said(results));
    assertEquals(Outcome.REJECTED, recorded.outcome(), said(results));
  }

  /**
   * Z pinned; Y loads while the store refuses to lift Z's pin (it holds nothing back then);
   * Z, desired again, is rejected and the store refuses its new pin as well: the pin the store
   * kept, which Y outlived, must not let Z be reloaded at every reconcile.
   */
  @Test
  void aRefusedPinIsInForceOverAnOutlivedPinTheStoreKeeps() {
    Reconciler reconciler = xVerified();
    f.breakBaseConfig();
    f.with("b");
    assertEquals(Outcome.REJECTED, r.next(reconciler).outcome(), said(results));
    f.baseConfig = BASE;
    store.lifts = true;
    r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));

    store.pins = true;
    f.breakBaseConfig();
    ReconcileResult rejected = r.next(reconciler);
    assertTrue(rejected.message().startsWith("prometheus rejected config"), said(results));
    assertTrue(!f.configOnDisk().contains("bogus") && f.hasJobsOf("b"),
        "Y restored: " + said(results));

    int reloads = f.prometheus.reloads();
    r.next(reconciler);
    r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), "Z reloaded again: " + said(results));
    assertTrue(results.get(results.size() - 1).message().contains("; recording the pin of "
        + "config af7177c6050e failed: " + FULL), said(results));
    assertTrue(!results.get(results.size() - 1).message().contains("lifting the pin"),
        "the store's older pin of Z, which the new one replaces, is not lifted: "
        + said(results));

    store.pins = false;
    store.lifts = false;
    ReconcileResult recorded = r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), said(results));
    assertTrue(!recorded.message().contains("recording the pin")
        && !recorded.message().contains("lifting the pin"), said(results));
    assertEquals(rejected.configHash(),
        f.store.record().rejected().map(RejectedConfig::configHash), said(results));
  }

  /**
   * A rule file breaks as cluster b's config is desired: Prometheus refuses it, and X too once
   * restored (an outside cause), so the new config is unpinned, while the store refuses every
   * pin and lift (a full disk). The pin kept in memory stayed in force, as the store refused
   * to lift a pin it never recorded: with the rule file fixed, cluster b's config was held
   * back, where it is written and reloaded.
   */
  @Test
  void aPinKeptForTheRunIsDroppedWhenTheCauseIsOutsidePromccsFiles() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = xVerified();
    store.pins = true;
    store.lifts = true;
    f.ruleFileBroken = true;
    f.with("b");
    ReconcileResult refused = r.next(reconciler);
    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertTrue(refused.message().contains("refused the last verified config too"),
        said(results));

    f.ruleFileFixed();
    ReconcileResult next = r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "b's config held back: " + said(results));
    assertTrue(next.configInSync(), said(results));
  }

  /**
   * As above, the store refusing pins alone: the pin it refused, dropped in memory in the same
   * reconcile (an outside cause), was said to stay pinned in this run and to be recorded by
   * the next reconcile, which records nothing and waits for the verified config, as the result
   * said after. The store's refusal is named, and the config is said to be not pinned alone;
   * the next reconcile names no pin.
   */
  @Test
  void aRefusedPinDroppedForAnOutsideCauseIsNotSaidToStayPinned() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = xVerified();
    store.pins = true;
    f.ruleFileBroken = true;
    f.with("b");
    ReconcileResult refused = r.next(reconciler);
    ReconcileResult again = r.next(reconciler);

    String z = refused.configHash().orElseThrow().substring(0, 12);
    String broken = "loading groups failed: rules.yml: yaml: line 3: mapping values are not "
        + "allowed in this context";
    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertEquals("prometheus rejected config " + z + ": " + broken + "; pinning it failed: "
        + FULL + "; restored the last verified files, but prometheus refused the last "
        + "verified config too, so the cause is outside promcc's files (another file "
        + "prometheus reads, such as a rule file): prometheus rejected the configuration: "
        + broken + "; not pinned: it waits until prometheus loads the last verified config "
        + "again, which is reloaded again in 5 minutes, or at once when prometheus reports "
        + "another load", refused.message());
    // the next reconcile records no pin: the config waits for the verified config, whose
    // refusal stands (DeliveryOutsideCauseTest)
    assertEquals(Outcome.REJECTED, again.outcome(), said(results));
    assertTrue(again.message().startsWith("config " + z + ", refused with the last verified "
        + "config ") && !again.message().contains("pinn")
        && !again.message().contains(" pin"), again.message());
  }

  /**
   * Z pinned; Y loads while the store refuses to lift Z's pin; a rule file breaks, someone
   * else's reload fails, and cluster a's certificate is renewed: the reload of Y that follows
   * is refused. The refused lift of Z's pin, asked at the start of the reconcile and again
   * with the renewal's record, was named twice.
   */
  @Test
  void aRefusedLiftIsNamedOnceAfterARenewalsRejectedReload() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = xVerified();
    f.breakBaseConfig();
    f.with("b");
    r.next(reconciler);
    f.baseConfig = BASE;
    store.lifts = true;
    r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));

    r.someoneElsesReloadFails();
    r.renew("a");
    ReconcileResult refused = r.next(reconciler);
    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertEquals(1, refused.message().split("lifting the pin of config", -1).length - 1,
        said(results));
  }

  /**
   * Z pinned, X desired again, and the store refuses to lift Z's pin as cluster a's
   * certificate is renewed after someone else's failed reload: the lift, first asked with the
   * renewal's record, is named with the refused reload of X that follows.
   */
  @Test
  void aRefusedLiftFirstAskedByARenewalIsNamedAfterItsRejectedReload() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = xVerified();
    f.breakBaseConfig();
    f.with("b");
    r.next(reconciler);
    f.baseConfig = BASE;
    f.clusters.remove(Fixture.id("b"));
    store.lifts = true;

    r.someoneElsesReloadFails();
    r.renew("a");
    ReconcileResult refused = r.next(reconciler);
    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertTrue(refused.message().endsWith("; lifting the pin of config af7177c6050e, which the "
        + "load outlived, failed: " + FULL + "; the next reconcile lifts it"), said(results));
  }

  /**
   * Z rejected, its pin refused and kept for the run; Y, desired next, loads: the pin it
   * outlived is lifted, and Z, desired again, is written and reloaded.
   */
  @Test
  void aRefusedPinKeptForTheRunIsLiftedByALoadItOutlived() {
    Reconciler reconciler = xVerified();
    store.pins = true;
    f.breakBaseConfig();
    f.with("b");
    assertEquals(Outcome.REJECTED, r.next(reconciler).outcome(), said(results));

    f.baseConfig = BASE;
    ReconcileResult y = r.next(reconciler);
    assertEquals(Outcome.RELOADED, y.outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("b"), said(results));

    f.breakBaseConfig();
    int reloads = f.prometheus.reloads();
    ReconcileResult z = r.next(reconciler);
    assertTrue(f.prometheus.reloads() > reloads, "Z held back: " + said(results));
    assertTrue(z.message().startsWith("prometheus rejected config"), said(results));
  }

  /**
   * Z rejected, its pin refused and kept for the run; W, clusters b and c under the same base
   * config, is rejected too, and the store refuses its pin as well: W's pin replaces Z's. The
   * result said the next reconcile records Z's pin, which it offered first, where the next
   * reconcile records W's.
   */
  @Test
  void aRefusedPinReplacedByAnotherIsNotSaidToBeRecordedNext() {
    Reconciler reconciler = xVerified();
    store.pins = true;
    f.breakBaseConfig();
    f.with("b");
    String z = r.next(reconciler).configHash().orElseThrow().substring(0, 12);

    f.with("c");
    ReconcileResult w = r.next(reconciler);
    assertTrue(w.message().startsWith("prometheus rejected config"), said(results));
    assertTrue(!w.message().contains("recording the pin of config " + z), said(results));
    assertEquals(1, w.message().split("pinning it failed", -1).length - 1, said(results));
  }

  /**
   * Z rejected, its pin refused and kept for the run, while the store refuses every pin and
   * lift; X, desired again, runs verified: Z's pin, which the store never held, is dropped in
   * memory. The result failed on a refused lift that "the next reconcile lifts", where there
   * was nothing in the store to lift and the next reconcile said nothing of it.
   */
  @Test
  void aPinTheStoreNeverHeldIsDroppedWithoutAskingTheStoreToLiftIt() {
    Reconciler reconciler = xVerified();
    store.pins = true;
    store.lifts = true;
    f.breakBaseConfig();
    f.with("b");
    assertEquals(Outcome.REJECTED, r.next(reconciler).outcome(), said(results));

    f.baseConfig = BASE;
    f.clusters.remove(Fixture.id("b"));
    ReconcileResult x = r.next(reconciler);
    assertTrue(x.configInSync(), said(results));
    assertTrue(!x.message().contains("lifting the pin"), said(results));

    f.breakBaseConfig();
    f.with("b");
    int reloads = f.prometheus.reloads();
    r.next(reconciler);
    assertTrue(f.prometheus.reloads() > reloads, "Z held back: " + said(results));
  }

  /**
   * Z pinned; Y loads while the store refuses to lift Z's pin; W, clusters a to c under the
   * base config Prometheus refuses, is rejected, and the store refuses its pin too: W's pin is
   * kept in memory, the store keeps Z's. Cluster c's config loads and lifts both, the store
   * refusing: the result named W's pin, which was dropped in memory, where the store still
   * keeps Z's, the one the next reconcile lifts.
   */
  @Test
  void aRefusedLiftNamesThePinTheStoreKeeps() {
    Reconciler reconciler = xVerified();
    f.breakBaseConfig();
    f.with("b");
    String z = r.next(reconciler).configHash().orElseThrow().substring(0, 12);
    f.baseConfig = BASE;
    store.lifts = true;
    r.next(reconciler);
    store.pins = true;
    f.breakBaseConfig();
    f.with("c");
    String w = r.next(reconciler).configHash().orElseThrow().substring(0, 12);
    assertEquals(z, f.store.record().rejected().orElseThrow().configHash().substring(0, 12),
        said(results));

    f.baseConfig = BASE;
    ReconcileResult loaded = r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
    assertTrue(loaded.message().contains("lifting the pin of config " + z + ", which the load "
        + "outlived, failed: " + FULL + "; the next reconcile lifts it"), said(results));
    assertTrue(!loaded.message().contains("pin of config " + w), said(results));
  }

  /**
   * A rule file breaks as cluster b's config is desired: Prometheus refuses it, and X too once
   * restored (an outside cause), so the new config is unpinned, while the store records pins
   * but refuses to drop them (a full disk as the pin's drop is appended). The pin stayed in the
   * store and in force: cluster b's config was held back once the rule file was fixed, also
   * once the store worked again. Now it is out of force for the run, named until the store
   * drops it.
   */
  @Test
  void aPinTheStoreRefusesToDropForAnOutsideCauseHoldsNothingBackOnceTheFileIsFixed() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = xVerified();
    store.lifts = true;
    f.ruleFileBroken = true;
    f.with("b");
    ReconcileResult refused = r.next(reconciler);
    assertEquals(Outcome.REJECTED, refused.outcome(), said(results));
    assertTrue(refused.message().contains("; not pinned: it waits until prometheus loads the "
        + "last verified config again, which is reloaded again in 5 minutes, or at once when "
        + "prometheus reports another load; "
        + "dropping its pin failed: " + FULL + "; the next reconcile drops it"), said(results));

    f.ruleFileFixed();
    ReconcileResult loaded = r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "b's config held back: " + said(results));
    assertTrue(loaded.configInSync(), said(results));
    assertEquals(Outcome.FAILED, loaded.outcome(), said(results));
    assertEquals(1, loaded.message().split("dropping the pin of config", -1).length - 1,
        said(results));

    store.lifts = false;
    ReconcileResult dropped = r.next(reconciler);
    assertEquals(Outcome.UNCHANGED, dropped.outcome(), said(results));
    assertEquals(Optional.empty(), f.store.record().rejected(), said(results));
  }
}
