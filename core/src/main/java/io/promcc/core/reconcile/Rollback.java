package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ReloadVerifier.NotReadyAfterChange;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The pin of a rejected config and the rollback to the last verified config, for {@link
 * Delivery}: its files restored and reloaded, and what this process remembers of rollbacks
 * beside the store's record. Not thread-safe: one reconciler thread.
 */
final class Rollback {
  private final ConfigStore store;
  private final Optional<PrometheusControl> prometheus;
  private final ReloadVerifier verifier;
  /**
   * The pinned config whose rollback reload did not finish in this process (it got no answer):
   * nothing showed the verified config loading after the pinned one was refused, so a refusal
   * of the verified one under the pin says the cause is outside promcc's files, as during a
   * rollback. Not kept across restarts: the pin then stays, as before the repair existed.
   * Package-private: {@link Delivery} and {@link PinnedDelivery} read it, and Delivery clears
   * it once Prometheus runs the desired config.
   */
  String unconfirmedRollback;
  /**
   * The pinned config whose rollback finished in this process: a later reload of the verified
   * config under the same pin (after a failed load from outside) is no second rollback of it.
   */
  private String finishedRollback;
  /** The pin in force: the store's, or what this run keeps of a pin the store refused. */
  private final PinInForce pins;
  /** Told of a config refused with the verified one, which then waits for it to load. */
  private final OutsideCause outside;

  Rollback(ConfigStore store, PinInForce pins, Optional<PrometheusControl> prometheus,
      ReloadVerifier verifier, OutsideCause outside) {
    this.store = store;
    this.outside = outside;
    this.pins = pins;
    this.prometheus = prometheus;
    this.verifier = verifier;
  }

  /**
   * Records {@code rejection} as the pin (none: unpinned). A rollback that finished belongs to
   * the pin it finished under: a new pin, even of the same config again, starts unfinished.
   */
  void pin(Optional<RejectedConfig> rejection) {
    finishedRollback = null;
    pins.record(rejection);
  }

  /**
   * The desired config is not the pinned one: the input changed, so the pin is obsolete. A pin
   * the store refused to record is lifted whatever the store says ({@link
   * PinInForce#dropUnrecorded}); the store's own pin, while one it refused to record is in
   * force, is lifted in the store alone.
   */
  void unpin(Optional<RejectedConfig> pin) {
    if (pin.isEmpty()) {
      return;
    }
    if (pins.unrecorded().isEmpty()) {
      pin(Optional.empty());
    } else if (pins.unrecorded().equals(pin)) {
      finishedRollback = null;
      pins.dropUnrecorded();
    } else {
      pins.liftStoresOwn();
    }
  }

  /** Whether a pin the store refused to record is in force. */
  boolean hasUnrecordedPin() {
    return pins.unrecorded().isPresent();
  }

  /**
   * Unpins the config pinned by the rollback: a pin the store refused to record is dropped in
   * memory alone, as the store never held it.
   */
  private void dropPinned() {
    if (pins.unrecorded().isEmpty()) {
      pin(Optional.empty());
    } else {
      finishedRollback = null;
      pins.forgetUnrecorded();
    }
  }

  /**
   * Puts the last verified files back after a reload that never reached a Prometheus that stays
   * down: if it starts again (or crash-loops on the new files, which it would read at start), it
   * starts with a config it loaded before. Nothing is pinned, since Prometheus never judged the
   * new config: the next reconcile writes it again once Prometheus is back.
   */
  Delivered restoreUnjudged(Optional<Verification> verified, String said,
      Written written, PhaseTimer timer) {
    if (verified.isEmpty()) {
      return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, said + "; there are no verified "
          + "files to restore, so the new files stay", written, false);
    }
    SortedMap<String, DesiredFile> restored;
    try {
      restored = restoreLastVerified(written, timer);
    } catch (ConfigStoreException e) {
      return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, said + "; restoring the last "
          + "verified files failed: " + e.getMessage(), written, false);
    }
    String done = said + "; restored the last verified config "
        + shortHash(verified.get().configHash()) + " for its next start";
    String again = "; the new config was not judged, so it is written again once prometheus is "
        + "back";
    try {
      store.mark(new DeliveryMark.Verified(
          verified.get().withStateHash(DesiredState.hashOf(restored))));
    } catch (ConfigStoreException e) {
      // the files were restored all the same: reported with them, as a rollback's record is
      return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, done + ", but recording its "
          + "verification failed: " + e.getMessage() + again, written, false);
    }
    return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, done + again, written, false);
  }

  /**
   * Puts the last verified files back; what it put back or removed is written too, also when
   * it fails after changing files (part-way, or recording its outcome on a full disk): a
   * repair that follows finds nothing left to change, so nothing else would list them.
   *
   * @return the owned files after the restore
   * @throws ConfigStoreException if the restore failed
   */
  private SortedMap<String, DesiredFile> restoreLastVerified(Written written,
      PhaseTimer timer) {
    SortedMap<String, DesiredFile> before = timer.call(Phase.WRITE, store::readOwned);
    try {
      timer.run(Phase.WRITE, store::restoreLastVerified);
    } catch (ConfigStoreException failed) {
      try {
        written.addRestored(before, store.readOwned());
      } catch (ConfigStoreException unreadable) {
        failed.addSuppressed(unreadable); // what changed is not known: listed as nothing
      }
      throw failed;
    }
    SortedMap<String, DesiredFile> restored = store.readOwned();
    written.addRestored(before, restored);
    return restored;
  }

  /**
   * {@link #rollBack}; a store failure on the way is reported with the rejection (the refused
   * reload of the desired config happened and is counted as such).
   */
  Delivered rollBackReported(DesiredState desired, Optional<Verification> verified,
      RejectedConfig rejection, Written written, PhaseTimer timer) {
    try {
      return rollBack(desired, verified, rejection, written, timer);
    } catch (ConfigStoreException e) {
      return new Delivered(Outcome.REJECTED, "prometheus rejected config "
          + shortHash(desired.configHash()) + ": " + rejection.message() + "; then the store "
          + "failed: " + e.getMessage(), written.paths, written.deleted, false, false);
    }
  }

  private Delivered rollBack(DesiredState desired, Optional<Verification> verified,
      RejectedConfig rejection, Written written, PhaseTimer timer) {
    if (verified.isPresent() && verified.get().configHash().equals(rejection.configHash())) {
      // Prometheus loaded this very config before: what fails now is outside the controller's
      // files (a rule file, say). Pinning it would stop every later check of Prometheus until
      // the desired config changes; a later reconcile asks and reloads again instead, once
      // something changed (OutsideCause)
      if (RejectedConfig.REJECTED.equals(rejection.reason())) {
        rejection.baseline().ifPresent(before -> outside.refusedAsDesired(
            rejection.configHash(), before, "prometheus rejected the configuration: "
            + rejection.message()));
      }
      return new Delivered(Outcome.REJECTED, "prometheus failed to load the last verified "
          + "config " + shortHash(rejection.configHash()) + " again: " + rejection.message()
          + "; it loaded before, so the cause is outside promcc's files (another file "
          + "prometheus reads, such as a rule file); not pinned: it is reloaded again in "
          + OutsideCause.RELOAD_AGAIN_AFTER.toMinutes() + " minutes, or at once when "
          + "prometheus reports another load", written.paths, written.deleted, false, false);
    }
    // pinned first: even if restoring fails, the rejected config is not written again; a pin
    // the store refuses is kept in memory for the run, and the rollback goes on
    String said = "prometheus rejected config " + shortHash(desired.configHash()) + ": "
        + rejection.message();
    String kept = "";
    try {
      pin(Optional.of(rejection));
    } catch (ConfigStoreException e) {
      pins.refusedToRecord(rejection);
      said += "; pinning it failed: " + e.getMessage();
      kept = "; it stays pinned in this run, and the next reconcile records the pin";
    }
    if (verified.isEmpty()) {
      return new Delivered(Outcome.REJECTED, said + kept + "; there are no verified files to "
          + "restore, so the rejected files stay on disk", written.paths, written.deleted,
          false, false);
    }
    return restoreAndReload(verified.get(), rejection.configHash(), said, kept, true, written,
        timer);
  }

  /**
   * Puts the last verified files back and reloads them; {@code said} is what happened to the
   * rejected config. A reconcile under the pin does this again if a restore or its reload failed.
   *
   * @param rollingBack whether the rejected config was refused just now; if the verified one is
   *     refused as well, the cause is outside promcc's files and the new config is unpinned. A
   *     reconcile under the pin keeps the pin if the verified config was seen loading after the
   *     pinned one was refused (a refusal now is a later, outside failure), and unpins as a
   *     rollback does if not ({@link #unconfirmedRollback})
   */
  Delivered restoreAndReload(Verification verified, String pinned, String said,
      boolean rollingBack, Written written, PhaseTimer timer) {
    return restoreAndReload(verified, pinned, said, "", rollingBack, written, timer);
  }

  /**
   * {@link #restoreAndReload(Verification, String, String, boolean, Written, PhaseTimer)};
   * {@code rejected} is what happened to the rejected config, and {@code kept} what the
   * rollback says of its pin the store refused to record, said after it while that pin stands:
   * not once it is dropped in memory for an outside cause.
   */
  private Delivered restoreAndReload(Verification verified, String pinned, String rejected,
      String kept, boolean rollingBack, Written written, PhaseTimer timer) {
    String said = rejected + kept;
    if (rollingBack) {
      unconfirmedRollback = pinned; // until its reload is seen; first: the store may fail below
    }
    SortedMap<String, DesiredFile> restored;
    try {
      restored = restoreLastVerified(written, timer);
    } catch (ConfigStoreException e) {
      return new Delivered(Outcome.REJECTED, said + "; restoring the last verified files failed: "
          + e.getMessage(), written.paths, written.deleted, false, false);
    }
    String restoredHash = DesiredState.hashOf(restored);
    Instant loadedAt;
    RuntimeInfo before = null;
    try {
      PrometheusControl control = prometheus.orElseThrow();
      before = timer.call(Phase.VERIFY, control::runtimeInfo);
      loadedAt = verifier.reloadAndVerify(control, before, timer, true);
    } catch (ReloadRejectedException e) {
      if (!rollingBack && !Objects.equals(pinned, unconfirmedRollback)) {
        String refusal = recordRestored(verified.withStateHash(restoredHash));
        return new Delivered(Outcome.REJECTED, said + "; prometheus refused the last verified "
            + "config " + shortHash(verified.configHash()) + " as well, which it loaded when the "
            + "pinned one was refused, so the cause is outside promcc's files (another file "
            + "prometheus reads, such as a rule file): " + e.getMessage() + "; the pin stays"
            + refusal, written.paths, written.deleted, false, false)
            .afterVerifiedReloads(List.of(VerifiedReload.REFUSED));
      }
      // refused as well: what fails is outside the controller's files (a rule file, say), as
      // when the verified config itself is refused again above; a pin would hold the new
      // config back after that file is fixed, until the desired config changed for another
      // reason. Prometheus keeps running what it loaded last. Unpinned first: the store may
      // fail below
      String refusal = "";
      try {
        dropPinned();
      } catch (ConfigStoreException refused) {
        pins.refusedToDrop(pinned); // out of force: the next delivery drops it
        refusal = "; " + StoreRefusals.retried("dropping its pin", refused, "drops");
      }
      unconfirmedRollback = null;
      // it waits until the verified config loads (before is set: the reload was refused)
      outside.refusedWithTheVerified(pinned, verified.configHash(), before.lastConfigTime(),
          e.getMessage());
      refusal += recordRestored(verified.withStateHash(restoredHash));
      // a pin the store refused to record was dropped in memory: not said to stay
      return new Delivered(Outcome.REJECTED, rejected + "; restored the last verified files, "
          + "but prometheus refused the last verified config too, so the cause is outside "
          + "promcc's "
          + "files (another file prometheus reads, such as a rule file): " + e.getMessage()
          + "; not pinned: it waits until prometheus loads the last verified config again, "
          + "which is reloaded again in " + OutsideCause.RELOAD_AGAIN_AFTER.toMinutes()
          + " minutes, or at once when prometheus reports another load" + refusal,
          written.paths, written.deleted, false, false)
          .afterVerifiedReloads(List.of(VerifiedReload.REFUSED));
    } catch (RuntimeException e) {
      // Prometheus still runs the verified config or will load it when it comes back: keep the
      // restored files as the rollback set (the rollback stays unconfirmed)
      String refusal = recordRestored(verified.withStateHash(restoredHash));
      return new Delivered(Outcome.REJECTED, said + "; restored the last verified files, but "
          + "reloading them failed: " + e.getMessage() + refusal, written.paths,
          written.deleted, false, false).afterVerifiedReloads(reloadFailed(before, e));
    }
    unconfirmedRollback = null;
    boolean rolledBack = rollingBack || !Objects.equals(pinned, finishedRollback);
    finishedRollback = pinned;
    String done = said + "; restored and reloaded the last verified config "
        + shortHash(verified.configHash());
    try {
      // outside the reload's try: a store failure here is no failed reload
      store.mark(new DeliveryMark.Verified(
          new Verification(restoredHash, verified.configHash(), loadedAt)));
    } catch (ConfigStoreException e) {
      return new Delivered(Outcome.REJECTED, done + ", but recording its verification failed: "
          + e.getMessage(), written.paths, written.deleted, false, rolledBack)
          .afterVerifiedReloads(List.of(VerifiedReload.LOADED));
    }
    return new Delivered(Outcome.REJECTED, done, written.paths, written.deleted, false,
        rolledBack).afterVerifiedReloads(List.of(VerifiedReload.LOADED));
  }

  /**
   * The reload of the verified config that {@code failed} ended, as {@link VerifiedReload}
   * says: none if Prometheus' runtime info, read first, was not had ({@code before} null).
   */
  static List<VerifiedReload> reloadFailed(RuntimeInfo before, RuntimeException failed) {
    if (before == null) {
      return List.of();
    }
    return List.of(failed instanceof NotReadyAfterChange ? VerifiedReload.REFUSED
        : VerifiedReload.UNANSWERED);
  }

  /**
   * Records {@code restored}, the verified config with the restored files; a store that refuses
   * is named, as {@code "; recording the restored files failed: ..."}, with what Prometheus
   * did, instead of leaving the delivery without it. Empty if recorded.
   */
  private String recordRestored(Verification restored) {
    try {
      store.mark(new DeliveryMark.Verified(restored));
      return "";
    } catch (ConfigStoreException e) {
      return "; recording the restored files failed: " + e.getMessage();
    }
  }
}
