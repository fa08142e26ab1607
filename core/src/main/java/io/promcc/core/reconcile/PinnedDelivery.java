package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.Preview.UnderPin;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Delivery of a desired config that is pinned (rejected before, or not ready in time), for
 * {@link Delivery}: the config on disk is kept and only renewed certificates are written; a
 * rollback that did not finish is finished, and a first config Prometheus loaded after all is
 * verified. Not thread-safe: one reconciler thread.
 */
final class PinnedDelivery {
  private final ConfigStore store;
  private final Optional<PrometheusControl> prometheus;
  private final FileValidator validator;
  private final PrometheusProbe probe;
  private final Rollback rollback;
  private final StoreRecorder recorder;

  PinnedDelivery(ConfigStore store, Optional<PrometheusControl> prometheus,
      FileValidator validator, PrometheusProbe probe, Rollback rollback,
      StoreRecorder recorder) {
    this.store = store;
    this.prometheus = prometheus;
    this.validator = validator;
    this.probe = probe;
    this.rollback = rollback;
    this.recorder = recorder;
  }

  /**
   * The desired config was pinned before (rejected, or not ready in time) and has not changed:
   * keep the config on disk, and write only renewed certificates of the files it names. A first
   * config pinned because Prometheus was not ready in time, which Prometheus then loaded after
   * all, is verified.
   */
  Delivered certificatesUnderPin(DesiredState desired,
      SortedMap<String, DesiredFile> onDisk, Optional<Verification> verified,
      RejectedConfig pin, PhaseTimer timer) {
    // a config pinned not ready was not refused: Prometheus went away with it
    String said = "config " + shortHash(pin.configHash()) + (pin.reason().equals(
        RejectedConfig.NOT_READY) ? " was pinned as not ready (" + pin.message() + "), so it is "
        + "not reloaded again" : " was rejected before (" + pin.message() + "), so it is not "
        + "tried again") + " until the desired config changes";
    Written written = new Written();
    Optional<DesiredState> keeps = kept(desired, onDisk);
    UnderPin under = underPin(keeps, verified, pin);
    if (keeps.isEmpty()) {
      if (under.restore().isPresent()) {
        // removed behind the store's back: a Prometheus that restarts would find no config
        return rollback.restoreAndReload(verified.get(), pin.configHash(),
            said + "; " + under.restore().get(), false, written, timer);
      }
      return new Delivered(Outcome.REJECTED, said, List.of(), List.of(), false, false);
    }
    DesiredState kept = keeps.get();
    FileDiff diff = timer.call(Phase.DIFF, () -> FileDiff.between(kept, onDisk));
    timer.run(Phase.VALIDATE, () -> validator.check(kept, diff.writes()));
    recorder.write(kept, diff, written, timer);
    Optional<String> refused = Optional.empty();
    if (!diff.isEmpty() && verified.isPresent()
        && verified.get().configHash().equals(kept.configHash())) {
      try {
        // not through the recorder: a load it keeps to record lifts the pin in the view
        store.mark(new DeliveryMark.Verified(verified.get().withStateHash(kept.hash())));
      } catch (ConfigStoreException e) {
        // a failure of the store, not of a config: reported with the renewal that landed and
        // what follows, which still asks Prometheus (a failed load is reloaded, as after a
        // renewal outside a pin); the pin stays, and the store's record is brought up to date
        // by a later record of the verified config (a rollback's, or once the desired config
        // is it again)
        refused = Optional.of("the renewed certificates were written, but recording them with "
            + "the last verified config " + shortHash(verified.get().configHash())
            + " failed: " + e.getMessage());
      }
    }
    Optional<Instant> loadedAt = under.verifyAfter().isPresent()
        ? under.verifies(probe.runtimeInfoOnce(timer)) : Optional.empty();
    if (loadedAt.isPresent()) {
      String loaded = "config " + shortHash(pin.configHash()) + ", pinned as not ready ("
          + pin.message() + "), was loaded after all: prometheus reports a successful load at "
          + loadedAt.get() + ", after " + pin.baseline().orElseThrow() + " when its files were "
          + "complete, and they are on disk";
      // unpinned first: the other way round, a failure in between would leave the verified
      // config pinned, and such a pin is never lifted. A pin the store refused to record is
      // dropped in memory, the store asked only if it keeps a pin
      try {
        rollback.unpin(Optional.of(pin));
      } catch (ConfigStoreException e) {
        return loadedButStoreFailed(
            StoreRefusals.retried(loaded + ", but dropping its pin", e, "drops"), written);
      }
      try {
        recorder.recordLoad(new Verification(kept.hash(), kept.configHash(), loadedAt.get()));
      } catch (ConfigStoreException e) {
        return loadedButStoreFailed(
            StoreRefusals.retried(loaded + ", but recording that", e, "records"), written);
      }
      return new Delivered(diff.isEmpty() ? Outcome.UNCHANGED : Outcome.WRITTEN, loaded
          + "; verified and no longer pinned", written.paths, written.deleted, true, false);
    }
    Optional<String> restore = under.restoreOnFailedLoad()
        ? under.restores(probe.runtimeInfoOnce(timer)) : under.restore();
    if (restore.isPresent()) {
      Delivered restored = rollback.restoreAndReload(verified.get(), pin.configHash(),
          said + "; " + restore.get(), false, written, timer);
      // a rollback ends rejected: the refusal is named, the outcome kept
      return refused.map(restored::withStoreRefusal).orElse(restored);
    }
    return new Delivered(refused.isEmpty() ? Outcome.REJECTED : Outcome.FAILED,
        said + refused.map(r -> "; " + r).orElse(""), written.paths, written.deleted, false,
        false);
  }

  /** A load verified under the pin that the store failed to note: in sync, failed. */
  private static Delivered loadedButStoreFailed(String said, Written written) {
    return new Delivered(Outcome.FAILED, said, written.paths, written.deleted, true, false);
  }

  /**
   * The files a reconcile under the pin keeps: those on disk, each certificate or key file
   * renewed where the desired state has one of the same kind at its path. Empty if the main
   * config is missing (nothing is written then).
   */
  static Optional<DesiredState> kept(DesiredState desired,
      SortedMap<String, DesiredFile> onDisk) {
    if (!onDisk.containsKey(desired.configPath())
        || onDisk.get(desired.configPath()).kind() != FileKind.MAIN_CONFIG) {
      return Optional.empty();
    }
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    onDisk.forEach((path, file) -> files.put(path, file.kind().isConfig() ? file
        : Optional.ofNullable(desired.files().get(path)).filter(d -> d.kind() == file.kind())
            .orElse(file)));
    return Optional.of(new DesiredState(files, desired.configPath(), desired.clusters(),
        desired.rejections()));
  }

  /**
   * What a reconcile under {@code pin} does besides writing the renewed certificates of {@code
   * kept} ({@link #kept}), decided as {@link #certificatesUnderPin} decides it.
   */
  UnderPin underPin(Optional<DesiredState> kept, Optional<Verification> verified,
      RejectedConfig pin) {
    // a rollback to the verified config can be finished under the pin
    boolean repairable = verified.isPresent() && prometheus.isPresent()
        && !verified.get().configHash().equals(pin.configHash());
    Optional<String> unseen = repairable ? rollbackUnseen(verified.get(), pin) : Optional.empty();
    if (!repairable) {
      // a first config pinned because Prometheus was not ready in time was loaded after all if,
      // with the config files on disk being the pinned ones, Prometheus reports a successful
      // load later than the pin's baseline, Prometheus' own time read once those files were
      // complete. Under the pin no config file is written, and once the desired config changed
      // and another config's files were written, the pinned files do not come back while the
      // pin holds: such a load read the pinned files. Not for a refusal (a verdict on the
      // config), nor for a pin without a baseline
      boolean loadable = verified.isEmpty() && pin.reason().equals(RejectedConfig.NOT_READY)
          && kept.filter(k -> k.configHash().equals(pin.configHash())).isPresent();
      return new UnderPin(pin, Optional.empty(), false,
          loadable ? pin.baseline() : Optional.empty(),
          loadable && pin.baseline().isEmpty(), Optional.empty());
    }
    if (kept.isEmpty()) {
      return new UnderPin(pin, Optional.of("the main config was missing"), false,
          Optional.empty(), false, unseen);
    }
    if (!kept.get().configHash().equals(verified.get().configHash())) {
      // the rollback did not finish (restoring failed, maybe part-way): a Prometheus that
      // restarts would read files it never verified
      return new UnderPin(pin, Optional.of("the config on disk was not the last verified one"),
          false, Optional.empty(), false, unseen);
    }
    if (Objects.equals(pin.configHash(), rollback.unconfirmedRollback)) {
      // the rollback's reload did not finish: Prometheus may run the pinned config (one
      // pinned not ready may have loaded after all), whatever it reports now
      return new UnderPin(pin, Optional.of("the rollback's reload had not finished"), false,
          Optional.empty(), false, unseen);
    }
    // Prometheus reports a failed load (2.53 applies what it can of a config that fails to
    // apply)
    return new UnderPin(pin, Optional.empty(), true, Optional.empty(), false, unseen);
  }

  /**
   * For {@code pin}, while the other config {@code verified} is verified: why Prometheus may run
   * the pinned config all the same ({@link UnderPin#rollbackUnseen()}), or empty if it is not
   * pinned not ready or a load of the verified config at or after the pin's baseline is
   * recorded: the rollback's reload was seen, so Prometheus read the restored files after the
   * pinned ones.
   */
  private static Optional<String> rollbackUnseen(Verification verified, RejectedConfig pin) {
    if (!pin.reason().equals(RejectedConfig.NOT_READY)) {
      return Optional.empty();
    }
    if (pin.baseline().isEmpty()) {
      return Optional.of("the pin, recorded by an earlier promcc, has no baseline to tell a "
          + "load of the restored last verified config from an earlier one");
    }
    Instant baseline = pin.baseline().get();
    return verified.loadedAt().isBefore(baseline)
        ? Optional.of("no load of the last verified config after the pin's baseline "
            + baseline + " is recorded")
        : Optional.empty();
  }
}
