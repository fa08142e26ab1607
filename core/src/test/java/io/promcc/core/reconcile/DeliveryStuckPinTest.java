package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.StuckStates.BusyOnceAfterTheRejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pins {@link Delivery} does not get out of, or drops when it should not: a run without a
 * Prometheus, a failed load outside promcc's files, a config refused only for a broken rule
 * file, and a main config removed under the pin. Injected clocks, no sleeping.
 */
class DeliveryStuckPinTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * A config pinned in a run with a Prometheus to verify against, then a run that only writes
   * files (no Prometheus given) over the same folder: nothing there can judge or unpin the
   * config, so the pin held the desired config back for good. Without a Prometheus the desired
   * files are written, as always in that mode, and the pin is dropped.
   */
  @Test
  void aPinFromARunWithPrometheusDoesNotHoldBackARunWithoutOne() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    assertEquals(Outcome.REJECTED, f.reconciler().reconcile().outcome());
    assertTrue(f.store.record().rejected().isPresent());

    ReconcileResult filesOnly = f.builder().prometheus(Optional.empty()).build().reconcile();

    assertEquals(Outcome.WRITTEN, filesOnly.outcome(), filesOnly.message());
    assertTrue(f.configOnDisk().contains("bogus"), filesOnly.message());
    assertTrue(filesOnly.configInSync(), filesOnly.message());
    assertFalse(f.store.record().rejected().isPresent(), "the pin stays");
  }

  /**
   * As above, with a store that refuses to drop the pin: the files were written, but the
   * reconcile failed with the store's words alone and listed no file written. It lists them,
   * says what the store refused, and the next reconcile drops the pin.
   */
  @Test
  void aPinARunWithoutPrometheusCannotDropIsNamedWithTheFilesWritten() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    assertEquals(Outcome.REJECTED, f.reconciler().reconcile().outcome());
    var store = new DeliveryRecoveredStorePinTest.RefusesNext(f);
    store.unpinRefusals = 1;
    Reconciler filesOnly = f.builder().store(store).prometheus(Optional.empty()).build();

    ReconcileResult refused = filesOnly.reconcile();

    assertEquals(Outcome.FAILED, refused.outcome(), refused.message());
    assertEquals(List.of(Fixture.CONFIG), refused.written(), refused.message());
    assertTrue(refused.configInSync(), refused.message());
    assertTrue(refused.message().startsWith("dropping the pin of config "), refused.message());
    assertTrue(refused.message().endsWith(", which nothing judges without a prometheus, "
        + "failed: cannot append to \".promcc-manifest.journal\": No space left on device; "
        + "the next reconcile drops it"), refused.message());
    assertEquals(Outcome.UNCHANGED, filesOnly.reconcile().outcome());
    assertFalse(f.store.record().rejected().isPresent(), "the pin stays");
  }

  /**
   * A config is rejected, pinned and rolled back. Later a file outside promcc's (a rule file)
   * breaks, and someone else's reload fails on it: Prometheus reports reloadConfigSuccess=false.
   * Before 9c34d3e a reconcile under the pin asked nothing and reloaded nothing. Now the
   * under-pin check takes the failed load for an unfinished rollback, reloads the verified
   * config, which is refused too (the rule file), and clears the pin; the next reconcile writes
   * the rejected config over the good files again and reloads it; and so on at every reconcile.
   */
  @Test
  void aFailedLoadOutsidePromccsFilesDoesNotUnpinAndRewriteTheRejectedConfig() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    Reconciler reconciler = f.reconciler();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertTrue(f.store.record().rejected().isPresent());
    assertEquals(good, f.configOnDisk());
    String pinned = f.store.record().rejected().orElseThrow().configHash();

    // a rule file breaks; a sidecar's reload fails on it
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // prometheus keeps running what it loaded last and reports the failed load
    }
    int reloads = f.prometheus.reloads();
    int configWrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count();
    List<String> said = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }
    int rewrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count()
        - configWrites;

    assertEquals(Optional.of(pinned), f.store.record().rejected().map(r -> r.configHash()),
        "the pin of the rejected config was cleared by a failure outside promcc's files; "
            + "reloads in 3 reconciles: " + (f.prometheus.reloads() - reloads) + "; writes of "
            + Fixture.CONFIG + ": " + rewrites + "; " + said);
    assertTrue(rewrites <= 1, "the rejected config was written over the verified files "
        + rewrites + " times under the pin; " + said);
  }

  /**
   * A rule file (outside promcc's files) is broken when a new cluster b arrives: Prometheus
   * refuses the new config X for the rule file, and would refuse the verified one V too. If the
   * rollback's reload of V is judged at once, V's refusal unpins X (restoreAndReload with
   * rollingBack=true: "a pin would hold the new config back after that file is fixed"). Here the
   * runtime info before the rollback's reload gets no answer once (Prometheus busy), so X stays
   * pinned with "reloading them failed"; the next reconcile under the pin sees the failed load,
   * reloads V, which is refused for the same rule file, and keeps the pin (rollingBack=false:
   * "the verified config loaded when the pinned one was refused" -- it never did). Once the rule
   * file is fixed, V loads and X, refused only for the rule file, stays pinned until the desired
   * config changes for another reason: cluster b is never scraped.
   */
  @Test
  void aConfigRefusedOnlyForABrokenRuleFileIsNotKeptPinnedAfterTheFixBecauseOneAnswerWasSlow() {
    f.rejectBogusOrBrokenRuleFile();
    var busyOnceAfterTheRejection = new BusyOnceAfterTheRejection(f);
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));

    f.ruleFileBroken = true;
    f.with("b");
    List<String> said = new ArrayList<>();
    ReconcileResult first = reconciler.reconcile();
    said.add(first.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
        + first.message());
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult second = reconciler.reconcile();
    said.add(second.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
        + second.message());

    f.ruleFileFixed();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }

    assertTrue(f.prometheusRunsJobsOf("b"), "the config refused only for the broken rule file "
        + "stays pinned after the fix; b is not scraped; " + said);
  }

  /**
   * Under the pin, the main config file is gone from disk (removed by hand, say, while
   * debugging the rejection). docs/delivery.md, step 5: a reconcile under the pin replaces "the
   * configuration files on disk that are not the verified ones". certificatesUnderPin returns at
   * once when the main config is missing, before that check: nothing is restored while the pin
   * holds, and a Prometheus that restarts finds no config file. Without the pin the next
   * reconcile would write it again.
   */
  @Test
  void aMainConfigRemovedUnderThePinIsRestored() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertEquals(good, f.configOnDisk());

    var owned = f.store.readOwned();
    f.store.write(new io.promcc.core.model.DesiredState(owned, Fixture.CONFIG, List.of(),
        List.of()), new io.promcc.core.plan.FileDiff(List.of(), List.of(Fixture.CONFIG), true));
    List<String> said = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertTrue(f.store.readOwned().containsKey(Fixture.CONFIG), "the main config stays missing "
        + "under the pin; " + said);
  }

  /**
   * A config X is refused for its own fault ("bogus") and pinned; the runtime info before the
   * rollback's reload gets no answer once, so {@code unconfirmedRollback} remembers X. Then
   * Prometheus restarts (its Pod moved) and loads the verified files: a reconcile under the pin
   * asks runtime info and sees {@code reloadConfigSuccess=true} with the verified config on
   * disk, which is what the field says nothing showed, but the field stays. Weeks later a rule
   * file breaks and a sidecar's reload fails on it: the next reconcile under the pin reloads the
   * verified config, which is refused for the rule file, and since the stale field still names X,
   * X is unpinned; every later reconcile writes the rejected X over the good files again (the
   * harm 62e2a40 fixed for a rollback that had finished).
   */
  @Test
  void aPinIsKeptForAnOutsideFailureOncePrometheusWasSeenRunningTheVerifiedConfig() {
    var busyOnceAfterTheRejection = new BusyOnceAfterTheRejection(f);
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertEquals(good, f.configOnDisk(), rejected.message());
    String pinned = f.store.record().rejected().orElseThrow().configHash();

    // Prometheus restarts and loads the verified files; a reconcile under the pin sees that
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.restart();
    ReconcileResult seen = reconciler.reconcile();
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), seen.message());
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.message());
    said.add("after the restart: " + seen.outcome() + ": " + seen.message());

    // later a rule file breaks; a sidecar's reload fails on it
    f.clock.advance(Duration.ofMinutes(10));
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // prometheus keeps running what it loaded last and reports the failed load
    }
    int configWrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }
    int rewrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count()
        - configWrites;

    assertEquals(Optional.of(pinned), f.store.record().rejected().map(r -> r.configHash()),
        "the pin of a config refused for its own fault was cleared by a failure outside "
            + "promcc's files, though prometheus was seen running the verified config after "
            + "the refusal; writes of " + Fixture.CONFIG + " in 3 reconciles: " + rewrites
            + "; " + said);
  }
}
