package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a delivery's files to the store and records Prometheus' loads of them, for {@link
 * Delivery}; a load whose record failed is kept for the next delivery. Not thread-safe: one
 * reconciler thread.
 */
final class StoreRecorder {
  private final ConfigStore store;
  private final Rollback rollback;
  /**
   * A load Prometheus was seen to make in this process whose record failed (the store failed
   * after the reload): recorded by the next delivery before anything is decided from the
   * store's record, while the config files on disk are still the loaded ones, so a config that
   * loaded is not taken for one Prometheus never verified (and restored over). Not kept across
   * restarts: there the store's record of the reload asked for it ({@link AskedReload}) tells
   * whether the config loaded, else it is reloaded.
   */
  private Verification unrecorded;
  /**
   * The pin of another config that a load of Prometheus' outlived, whose lift the store refused
   * ({@link #recordLoad(Verification, Optional)}, {@link #recordUnrecorded}, {@link
   * #liftOutlived}): lifted by the next delivery, and left out of the record deliveries decide
   * from meanwhile, so it holds that config back no more than a lifted pin would. Not kept
   * across restarts (the store refuses to keep anything): the pin is then back in force until
   * a delivery of a config it does not pin lifts it, which a config that runs verified does
   * without a load (see {@link #liftOutlived}); that config, desired again before, is held
   * back.
   */
  private RejectedConfig outlivedPin;
  /**
   * How many pins the store had recorded in this run ({@link PinInForce#recorded}) when {@link
   * #outlivedPin} was kept: once it recorded another, the pin it keeps is of a config rejected
   * since, which holds, even if it equals {@link #outlivedPin} (the same config rejected again
   * in the same second of Prometheus' clock).
   */
  private long pinsAtOutlived;
  /**
   * The pin the store kept when the record of {@link #unrecorded} was first refused: the load
   * outlived it, and no pin recorded after it (a config rejected since, whose pin must hold it
   * back). Null if that pin could not be read: every pin the store kept then is taken as
   * outlived.
   */
  private Optional<RejectedConfig> pinAtLoad;
  /**
   * How many pins the store had recorded in this run ({@link PinInForce#recorded}) when the
   * record of {@link #unrecorded} was first refused: once it recorded another, the pin it keeps
   * is of a config rejected since, which holds, even if it equals {@link #pinAtLoad} (that pin
   * was lifted, and the same config rejected again in the same second of Prometheus' clock).
   */
  private long pinsAtLoad;
  /** The pins recorded in this run, counted. */
  private final PinInForce pins;

  StoreRecorder(ConfigStore store, Rollback rollback, PinInForce pins) {
    this.store = store;
    this.rollback = rollback;
    this.pins = pins;
  }

  /**
   * Records Prometheus' load of the config files on disk; if the store fails, the load stays
   * {@link #unrecorded} for the next delivery.
   *
   * @throws ConfigStoreException if the store failed
   */
  void recordLoad(Verification loaded) {
    boolean again = loaded == unrecorded;
    unrecorded = loaded;
    try {
      store.mark(new DeliveryMark.Verified(loaded));
    } catch (ConfigStoreException e) {
      if (!again) {
        pinAtLoad = storePin();
        pinsAtLoad = pins.recorded();
      }
      throw e;
    }
    unrecorded = null;
  }

  /** The pin the store keeps; null if its record cannot be read. */
  private Optional<RejectedConfig> storePin() {
    try {
      return store.record().rejected();
    } catch (ConfigStoreException e) {
      return null;
    }
  }

  /**
   * Whether {@code pin}, which the store keeps, was there when {@link #unrecorded} loaded: no
   * pin was recorded since, and it is the one the store kept then.
   */
  private boolean outlivedByUnrecorded(RejectedConfig pin) {
    return pins.recorded() == pinsAtLoad
        && (pinAtLoad == null || pinAtLoad.equals(Optional.of(pin)));
  }

  /**
   * Records Prometheus' load {@code loaded}, as {@link #recordLoad(Verification)} does, and
   * lifts {@code pin}, a pin the load outlived. The load happened whether the store records it
   * or not, so a store that refuses the record is still asked to lift the pin: kept beside the
   * load, it would hold that config back when desired again once the load is no longer
   * recorded (a restore or a new config replaced its files, or the controller restarted). A
   * pin the store refuses to lift is {@link #outlivedPin}: the next delivery lifts it.
   *
   * @return what the store refused, both the record and the lift if it refused both; the
   *     pin's refusal worded "lifting the pin of config ..., which the load outlived, failed:
   *     ..."
   */
  StoreRefusals recordLoad(Verification loaded, Optional<RejectedConfig> pin) {
    Optional<ConfigStoreException> record = Optional.empty();
    try {
      recordLoad(loaded);
    } catch (ConfigStoreException refused) {
      record = Optional.of(refused);
    }
    return new StoreRefusals(record, lift(pin, "the load"));
  }

  /**
   * Lifts {@code pin}, which Prometheus' load of the verified config it runs outlived, as a
   * load's record does ({@link #recordLoad(Verification, Optional)}): a pin the store refuses
   * to lift is {@link #outlivedPin}, lifted by the next delivery, so it holds nothing back
   * meanwhile, also when this process did not see the refusal that kept it (it was refused
   * before a restart).
   *
   * @return the store's refusal, worded for a result ("lifting the pin of config ..., which
   *     prometheus' earlier load outlived, failed: ...; the next reconcile lifts it"); empty if
   *     lifted or there was none
   */
  Optional<String> liftOutlived(Optional<RejectedConfig> pin) {
    return lift(pin, "prometheus' earlier load").map(StoreRefusals::pinSaid);
  }

  /**
   * Lifts {@code pin}, which {@code load} outlived; a pin the store refuses to lift is {@link
   * #outlivedPin}, and the refusal is returned, named with the pin the store keeps (the one
   * the next delivery lifts: a pin it refused to record is dropped in memory, and the store's
   * own, which it replaced, may be of another config).
   */
  private Optional<ConfigStoreException> lift(Optional<RejectedConfig> pin, String load) {
    try {
      rollback.unpin(pin);
    } catch (ConfigStoreException e) {
      keepOutlived(keptInStore(pin.get()));
      return Optional.of(pinRefusal(outlivedPin, load, e));
    }
    return Optional.empty();
  }

  /**
   * The pin the store keeps after it refused to lift {@code pin}: {@code pin}, unless that was
   * a pin it refused to record, which replaced the store's own in this run; {@code pin} if the
   * record cannot be read.
   */
  private RejectedConfig keptInStore(RejectedConfig pin) {
    try {
      return store.record().rejected().orElse(pin);
    } catch (ConfigStoreException e) {
      return pin;
    }
  }

  /** The store's refusal {@code e} to lift {@code pin}, which {@code load} outlived, named. */
  private static ConfigStoreException pinRefusal(RejectedConfig pin, String load,
      ConfigStoreException e) {
    return new ConfigStoreException("lifting the pin of config " + shortHash(pin.configHash())
        + ", which " + load + " outlived, failed: " + e.getMessage(), e);
  }

  /**
   * Records the load whose record failed in an earlier delivery, if the owned files on disk
   * are still those of the load, and lifts a pin of another config, as that delivery would
   * have. If any changed since (a certificate edited or removed by hand while Prometheus
   * loaded, which the store refuses to record), the load is forgotten: the delivery puts the
   * files back and proves the config again, as after a restart, instead of every reconcile
   * failing on the same record before it can write anything.
   *
   * @return what the store refused: the record, named with the load, if it fails again (the
   *     load then stays unrecorded and {@link #recordAsSeen} still sees it, so a store that
   *     refuses records for a while, its manifest over its bound or a full disk, holds back no
   *     delivery), and the lift of a pin the load outlived, which is asked also when the record
   *     is refused (the load happened): kept, that pin would be back in force after a restart
   */
  StoreRefusals recordUnrecorded(SortedMap<String, DesiredFile> onDisk) {
    if (unrecorded == null) {
      return new StoreRefusals(Optional.empty(), liftOutlivedPin());
    }
    Verification loaded = unrecorded;
    if (!DesiredState.hashOf(onDisk).equals(loaded.stateHash())) {
      unrecorded = null; // changed behind the controller's back: the load says nothing of it
      return new StoreRefusals(Optional.empty(), liftOutlivedPin());
    }
    try {
      recordLoad(loaded);
    } catch (ConfigStoreException e) {
      return new StoreRefusals(Optional.of(new ConfigStoreException("recording prometheus' "
          + "earlier load of config " + shortHash(loaded.configHash()) + " failed: "
          + e.getMessage(), e)), liftOutlivedPin());
    }
    // a pin recorded after the load (a config rejected since) is no pin the load outlived
    keepOutlived(store.record().rejected().filter(this::outlivedByUnrecorded).orElse(null));
    return new StoreRefusals(Optional.empty(), liftOutlivedPin());
  }

  /**
   * Lifts {@link #outlivedPin} if the store still keeps it; a store that refuses is named, and
   * the pin stays outlived for the next delivery.
   */
  private Optional<ConfigStoreException> liftOutlivedPin() {
    if (!keepsOutlivedPin()) {
      return Optional.empty();
    }
    Optional<ConfigStoreException> refused =
        lift(Optional.of(outlivedPin), "prometheus' earlier load");
    if (refused.isEmpty()) {
      outlivedPin = null;
    }
    return refused;
  }

  /** Keeps {@code pin} (null: none) as {@link #outlivedPin}, recorded before now. */
  private void keepOutlived(RejectedConfig pin) {
    outlivedPin = pin;
    pinsAtOutlived = pins.recorded();
  }

  /**
   * Whether {@code kept}, the pin the store keeps, is {@link #outlivedPin}: no pin was recorded
   * since, and it equals that one.
   */
  private boolean isOutlivedPin(Optional<RejectedConfig> kept) {
    return outlivedPin != null && pins.recorded() == pinsAtOutlived
        && kept.equals(Optional.of(outlivedPin));
  }

  /**
   * Whether the store still keeps a pin a recorded load outlived (see {@link #outlivedPin});
   * forgotten once the store keeps another pin or none (a later record lifted it, a rollback
   * pinned anew). Kept if the record cannot be read: the next delivery judges it. Not while a
   * pin the store refused to record is in force ({@link Rollback#hasUnrecordedPin}).
   */
  boolean keepsOutlivedPin() {
    if (outlivedPin == null || rollback.hasUnrecordedPin()) {
      // a pin the store refused to record is in force: it replaces this one once the store
      // takes it, and lifts this one with it if a load outlives it first
      return false;
    }
    try {
      if (isOutlivedPin(store.record().rejected())) {
        return true;
      }
    } catch (ConfigStoreException e) {
      return true;
    }
    outlivedPin = null;
    return false;
  }

  /**
   * {@code delivered}, decided after the store refused what {@link #recordUnrecorded} asked
   * ({@code refused}), with each refusal that still stands named: the record of a load still
   * unrecorded, with whether the next reconcile records it (see {@link #keepsUnrecorded}), and
   * the lift of a pin the store still keeps (see {@link #keepsOutlivedPin}). A success is then
   * a failure of the store, as when a load's own record fails; any other outcome is kept (it
   * says more of Prometheus).
   */
  Delivered withRefusals(Delivered delivered, StoreRefusals refused) {
    List<String> said = new ArrayList<>();
    if (refused.record().isPresent() && hasUnrecorded()) {
      String failed = refused.record().get().getMessage();
      said.add(keepsUnrecorded() ? StoreRefusals.retried(failed, "records")
          : failed + "; its files were replaced since, so it is not recorded");
    }
    if (refused.pin().isPresent() && keepsOutlivedPin()) {
      said.add(StoreRefusals.pinSaid(refused.pin().get()));
    }
    // a failure: the record of this delivery's own load failed, said already
    return said.isEmpty() || delivered.outcome() == Outcome.FAILED ? delivered
        : delivered.withStoreRefusal(String.join("; ", said));
  }

  /** Whether a load of Prometheus' is not recorded yet (see {@link #recordUnrecorded}). */
  boolean hasUnrecorded() {
    return unrecorded != null;
  }

  /**
   * Whether the load not recorded yet is still of the owned files on disk, read now: a
   * delivery may have replaced them (a rollback's restore, a new config's write), and the load
   * is then forgotten, as the next delivery would forget it. Kept if the files cannot be read:
   * the next delivery judges it.
   */
  boolean keepsUnrecorded() {
    if (unrecorded == null) {
      return false;
    }
    try {
      if (DesiredState.hashOf(store.readOwned()).equals(unrecorded.stateHash())) {
        return true;
      }
    } catch (ConfigStoreException e) {
      return true;
    }
    unrecorded = null;
    return false;
  }

  /**
   * The store's record as the next delivery over {@code onDisk} decides from it, read without
   * recording anything: with the load whose record failed ({@link #recordUnrecorded}) recorded
   * and no pin it outlived (a pin recorded after it holds), if the files on disk are still
   * those of the load; the store's record otherwise.
   */
  DeliveryRecord recordAsSeen(SortedMap<String, DesiredFile> onDisk) {
    if (unrecorded != null && DesiredState.hashOf(onDisk).equals(unrecorded.stateHash())) {
      // a pin recorded after the load (a config rejected since) holds
      return new DeliveryRecord(Optional.of(unrecorded), store.record().rejected()
          .filter(pin -> !outlivedByUnrecorded(pin)));
    }
    DeliveryRecord stored = store.record();
    if (isOutlivedPin(stored.rejected())) {
      return new DeliveryRecord(stored.verified(), Optional.empty());
    }
    return stored;
  }

  /**
   * Writes the certificates {@code diff} of {@code desired} over the owned files {@code onDisk}
   * as {@link #write} does. A load not recorded yet of {@code onDisk} is then one of the files
   * after the write, as a renewal's record would say: the config Prometheus loaded is still on
   * disk, and the next delivery does not take it for one Prometheus never verified.
   */
  void writeCertificates(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      FileDiff diff, Written written, PhaseTimer timer) {
    write(desired, diff, written, timer);
    if (unrecorded != null && !diff.isEmpty()
        && DesiredState.hashOf(onDisk).equals(unrecorded.stateHash())) {
      SortedMap<String, DesiredFile> after = new TreeMap<>(onDisk);
      diff.writes().forEach(path -> after.put(path, desired.files().get(path)));
      diff.deletes().forEach(after::remove);
      unrecorded = unrecorded.withStateHash(DesiredState.hashOf(after));
    }
  }

  /** Writes {@code diff} of {@code desired}, if it is not empty, and adds it to {@code written}. */
  void write(DesiredState desired, FileDiff diff, Written written, PhaseTimer timer) {
    if (!diff.isEmpty()) {
      timer.run(Phase.WRITE, () -> store.write(desired, diff));
      written.add(diff);
    }
  }
}
