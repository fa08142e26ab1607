package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The set-up shared by the tests of a store that refuses to record verifications for a while:
 * the refusing store, a Prometheus that goes away before a reload, the results of each
 * reconcile so far, and the steps the scenarios share. X is the first config, verified; Y is
 * cluster b's config, loaded while the store refuses its record; Z is a config rejected and
 * pinned.
 */
final class RefusedRecords {
  private final Fixture f;
  final Refusing store;
  final List<ReconcileResult> results = new ArrayList<>();

  RefusedRecords(Fixture f) {
    this.f = f;
    this.store = new Refusing(f);
  }

  /** A store that refuses every record of a verification while {@link #refusing}. */
  static final class Refusing extends ForwardingStore {
    boolean refusing;

    private Refusing(Fixture f) {
      super(f.store);
    }

    @Override
    public void mark(DeliveryMark mark) {
      if (refusing && mark instanceof DeliveryMark.Verified) {
        throw new ConfigStoreException("not recording the verification: with it the ownership "
            + "manifest \"/out/.promcc-manifest\" is larger than 256 MiB (268435456 bytes), "
            + "found 268436000 bytes, the most the store reads back; nothing was changed");
      }
      super.mark(mark);
    }
  }

  /** A control whose reload, once {@link #armed}, never reaches a Prometheus that goes away. */
  static final class GoneBeforeTheReload extends ForwardingControl {
    private final Fixture f;
    boolean armed;

    GoneBeforeTheReload(Fixture f) {
      super(f.prometheus);
      this.f = f;
    }

    @Override
    public ReloadAck reload() {
      if (armed) {
        f.prometheus.setUp(false); // its node went away; not the config's doing
        throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: connection refused", null);
      }
      return super.reload();
    }
  }

  static String said(List<ReconcileResult> results) {
    return results.stream().map(r -> r.outcome() + " (in sync " + r.configInSync() + "): "
        + r.message()).toList().toString();
  }

  /** A reconciler over the refusing store, with X verified by its first reconcile. */
  Reconciler xVerified(Reconciler.Builder builder) {
    Reconciler reconciler = builder.store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    return reconciler;
  }

  /** A reconciler over the refusing store, with X verified by its first reconcile. */
  Reconciler xVerified() {
    return xVerified(f.builder());
  }

  /** X verified; the store starts refusing records; cluster b's config Y loads, unrecorded. */
  Reconciler aLoadTheStoreRefusesToRecord(Reconciler.Builder builder) {
    Reconciler reconciler = xVerified(builder);
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    results.add(reconciler.reconcile());
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));
    return reconciler;
  }

  /** As {@link #aLoadTheStoreRefusesToRecord(Reconciler.Builder)}, over Prometheus itself. */
  Reconciler aLoadTheStoreRefusesToRecord() {
    return aLoadTheStoreRefusesToRecord(f.builder());
  }

  /** X verified; cluster b's config Z rejected and pinned, X restored and reloaded. */
  Reconciler zRejectedAndPinned() {
    Reconciler reconciler = xVerified();
    f.breakBaseConfig();
    f.with("b");
    next(reconciler);
    assertTrue(f.store.record().rejected().isPresent(), said(results));
    return reconciler;
  }

  /** A rule file breaks and someone else's reload fails; the rule file stays broken. */
  void someoneElsesReloadFails() {
    f.ruleFileBroken = true;
    assertThrows(ReloadRejectedException.class, f.prometheus::reload); // someone else's
  }

  /** The certificate of the cluster with this id is renewed. */
  void renew(String id) {
    f.certificates.put(Fixture.id(id), TestCertificates.other());
  }

  /** A minute later, the reconciler reconciles; its result is kept in {@link #results}. */
  ReconcileResult next(Reconciler reconciler) {
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult result = reconciler.reconcile();
    results.add(result);
    return result;
  }
}
