package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;
import static io.promcc.core.reconcile.PrometheusProbe.runsVerified;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Sleeper;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.Preview.UnderPin;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Executor;

/**
 * The delivery policy: makes a desired state the files on disk and the config Prometheus runs,
 * and proves it. Never compares the controller's clock with Prometheus': Prometheus' times are
 * compared only with each other.
 *
 * <ul>
 *   <li><b>Nothing to do</b>: files equal the desired state, the store's verification is for
 *       this config, and Prometheus reports a successful load not older than that verification.
 *       Decided from disk and Prometheus' answer, so it holds across restarts of either.
 *   <li><b>Certificates only</b>: written without a reload (Prometheus re-reads TLS files), so
 *       renewals land while Prometheus is down; runtime info is then asked once, without
 *       waiting: a Prometheus that does not run the verified config (a failed load of someone
 *       else's) gets it reloaded, as in the nothing-to-do check.
 *   <li><b>Config change</b>: Prometheus' runtime info (the baseline a reload must beat) is read
 *       in the background while new certificates are written. If Prometheus is down and a
 *       verified config exists, the config change waits (certificates have landed); if nothing
 *       was ever verified, everything is written (Prometheus may be waiting for this very config)
 *       and Prometheus is awaited. Then the config files and deletions, the reload, and the
 *       verification: an HTTP reload's 200 is the verdict (Prometheus answers only after the
 *       load finished) and nothing more is asked; the verification's {@code loadedAt} is the
 *       baseline's {@code lastConfigTime}, a bound the load is at or after. A signal reload
 *       counts once runtime info shows a newer successful load. A load that fails later (someone
 *       else's reload) is caught by the next reconcile's "nothing to do" check. The reload is
 *       recorded in the store before it is asked ({@link AskedReload}): a controller stopped
 *       before it saw the end finds after its restart a successful load later than the
 *       baseline, with those files still on disk, and records it instead of reloading.
 *   <li><b>Rejection</b>: Prometheus answers the reload with an error, or goes away during it
 *       and is not ready within the ready timeout. The last verified config is restored (never
 *       an older certificate over a newer one) and reloaded, and the rejected config is pinned:
 *       not written again until the desired config changes, across controller restarts (the pin
 *       is stored with the verification; one the store refuses to record holds for the rest of
 *       the run). Certificate renewals still land while it is pinned, and a rollback that did
 *       not finish (its restore or its reload failed) is finished by a later reconcile under the
 *       pin. A first config (nothing verified) pinned because Prometheus was
 *       not ready in time is verified under the pin once Prometheus reports a successful load
 *       after the pin's baseline with the pinned files on disk: it loaded after all.
 *   <li><b>Outside cause</b>: Prometheus refuses the restored verified config too (a broken
 *       rule file): nothing is pinned, and while the same config is desired a reconcile reloads
 *       the verified files on disk, writing only certificates, and writes the desired config
 *       once they load ({@link OutsideCause}): Prometheus applies the scrape configs of a config
 *       it refuses for such a file, so trying the desired config at every reconcile switched
 *       its jobs between the two. A refused reload of the verified files is made again only
 *       once Prometheus reports another load or {@link OutsideCause#RELOAD_AGAIN_AFTER} passed:
 *       each reload restarts Prometheus' service discovery.
 * </ul>
 *
 * <p>Not thread-safe: one reconciler thread.
 */
final class Delivery {
  private final ConfigStore store;
  private final Optional<PrometheusControl> prometheus;
  private final FileValidator validator;
  private final PrometheusProbe probe;
  private final PinInForce pins;
  private final Rollback rollback;
  private final StoreRecorder recorder;
  private final PinnedDelivery pinned;
  private final ConfigChange change;
  private final OutsideCause outside;

  Delivery(ConfigStore store, Optional<PrometheusControl> prometheus, FileValidator validator,
      Duration readyTimeout, Duration verifyTimeout, Clock clock, Sleeper sleeper,
      Executor background) {
    this.store = store;
    this.prometheus = prometheus;
    this.validator = validator;
    this.probe = new PrometheusProbe(prometheus, readyTimeout);
    ReloadVerifier verifier = new ReloadVerifier(readyTimeout, verifyTimeout, clock, sleeper);
    this.pins = new PinInForce(store);
    this.outside = new OutsideCause(store, verifier, clock);
    this.rollback = new Rollback(store, pins, prometheus, verifier, outside);
    this.recorder = new StoreRecorder(store, rollback, pins);
    this.pinned = new PinnedDelivery(store, prometheus, validator, probe, rollback, recorder);
    this.change = new ConfigChange(prometheus, readyTimeout, background, probe, verifier,
        rollback, recorder, new AskedReload(store));
  }

  /**
   * Delivers {@code desired} over the owned files {@code onDisk}.
   *
   * @throws io.promcc.core.model.ValidationException if a changed file fails validation; nothing
   *     was written
   * @throws io.promcc.core.port.UnownedFilesException if a desired path holds a file the store
   *     does not own; nothing was written
   * @throws ConfigStoreException if writing failed before any file was written or deleted
   * @throws PartlyWritten if writing failed after some were: it names them
   */
  Delivered deliver(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      PhaseTimer timer) {
    // first: a pin the store refused to record is recorded (it replaces in the store one a
    // load outlived, lifted below), or one it refused to drop dropped
    Object offered = pins.refused();
    Optional<String> pinRefused = pins.settle();
    Written written = new Written();
    Delivered delivered;
    try {
      delivered = deliverRecorded(desired, onDisk, written, timer);
    } catch (ConfigStoreException e) {
      // what it wrote before the failure is on disk: the failed result names it
      if (written.paths.isEmpty() && written.deleted.isEmpty()) {
        throw e;
      }
      throw new PartlyWritten(e, written);
    }
    return pins.stillRefused(offered, pinRefused).map(delivered::withStoreRefusal)
        .orElse(delivered);
  }

  /** {@link #deliver}, once the pin the store refused to record was offered to it again. */
  private Delivered deliverRecorded(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      Written written, PhaseTimer timer) {
    StoreRefusals refused = recorder.recordUnrecorded(onDisk);
    DeliveryRecord stored = pins.inForce(store.record());
    if (refused.isEmpty()) {
      return deliver(desired, onDisk, stored, stored, written, timer);
    }
    // the store refuses to record a load of the files on disk: decided from as if recorded
    // (as a preview sees it), so that config is not taken for one Prometheus never verified
    // and restored over, and deliveries go on; a rollback restores what the store kept, and a
    // record the store takes later lifts the pin it kept, which the view dropped
    // (or refuses to lift the pin of another config a load outlived: decided from as if
    // lifted, so that config, desired again, is not held back)
    Delivered delivered = deliver(desired, onDisk,
        pins.inForce(recorder.recordAsSeen(onDisk)), stored, written, timer);
    return recorder.withRefusals(delivered, refused);
  }

  /**
   * Delivers {@code desired} as {@code record} says; {@code stored} is the store's own record:
   * its verification is what a rollback restores, and its pin what a load's record lifts (a
   * view in which the store's refused record is taken has no pin).
   */
  private Delivered deliver(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      DeliveryRecord record, DeliveryRecord stored, Written written, PhaseTimer timer) {
    Optional<Verification> verified = record.verified();
    Optional<Verification> restorable = stored.verified();
    Optional<RejectedConfig> pin = record.rejected();
    Optional<RejectedConfig> storedPin = stored.rejected();
    if (holds(pin, desired)) {
      return pinned.certificatesUnderPin(desired, onDisk, verified, pin.get(), timer);
    }
    FileDiff diff = timer.call(Phase.DIFF, () -> FileDiff.between(desired, onDisk));
    timer.run(Phase.VALIDATE, () -> validator.check(desired, diff.writes()));
    if (prometheus.isEmpty()) {
      recorder.write(desired, diff, written, timer);
      try {
        rollback.unpin(pin);
      } catch (ConfigStoreException e) {
        // reported with the files written; the pin holds nothing back without a Prometheus
        return Delivered.of(Outcome.FAILED, StoreRefusals.retried("dropping the pin of config "
            + shortHash(pin.get().configHash()) + ", which nothing judges without a "
            + "prometheus,", e, "drops"), written, true);
      }
      return Delivered.of(diff.isEmpty() ? Outcome.UNCHANGED : Outcome.WRITTEN, "", written, true);
    }
    // a rollback whose reload did not finish: Prometheus may run the config that was pinned
    // (one pinned not ready may have loaded after all), whatever it reports, so the verified
    // config is reloaded even when the desired config went back to it
    boolean configVerified = verified.isPresent() && !diff.configChanged()
        && verified.get().configHash().equals(desired.configHash())
        && rollback.unconfirmedRollback == null;
    if (configVerified && !diff.isEmpty()) {
      recorder.write(desired, diff, written, timer);
      Verification renewed = verified.get().withStateHash(desired.hash());
      // through the recorder: refused, the load of the files now on disk stays to be recorded
      StoreRefusals refused = recorder.recordLoad(renewed, storedPin);
      Optional<RuntimeInfo> info = probe.runtimeInfoOnce(timer);
      if (info.isPresent() && !runsVerified(renewed, info.get())) {
        // a failed load (someone else's reload): the verified files are reloaded, as by the
        // nothing-to-do check below
        // a rollback restores the store's verified files: the renewal's record may have been
        // refused, and the store may hold another config (a load it refused to record)
        Delivered reloaded = change.writeAndReload(desired, new FileDiff(List.of(), List.of(),
            false), onDisk, Optional.of(renewed), restorable, Optional.empty(), written, timer);
        // a reload that loaded (in sync) recorded its own load, or named its refusal; the lift
        // of the pin is named while the store keeps it, unless the view left the pin out: its
        // lift was refused at the start of this delivery, which names it
        StoreRefusals standing = new StoreRefusals(
            refused.record().filter(r -> !reloaded.inSync()),
            refused.pin().filter(p -> pin.isPresent() && recorder.keepsOutlivedPin()));
        return renewalSaid(renewed, standing).map(reloaded::withStoreRefusal).orElse(reloaded);
      }
      Optional<String> refusal = renewalSaid(renewed, refused);
      // a Prometheus that cannot be asked is not known to run it
      return Delivered.of(refusal.isEmpty() ? Outcome.WRITTEN : Outcome.FAILED,
          refusal.orElse(""), written, info.isPresent());
    }
    if (configVerified) {
      RuntimeInfo info;
      try {
        info = timer.call(Phase.VERIFY, () -> probe.readyRuntimeInfo(prometheus.get()));
      } catch (PrometheusUnavailableException | PrometheusApiException e) {
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, e.getMessage(), written, false);
      }
      if (runsVerified(verified.get(), info)) {
        // a pin the store keeps beside a load it refused is lifted once it records the load;
        // one it refuses to lift, maybe refused before a restart, holds nothing back
        Optional<String> refusal = verified.get().stateHash().equals(desired.hash())
            ? recorder.liftOutlived(pin)
            : recordRenewal(verified.get().withStateHash(desired.hash()), storedPin);
        return Delivered.of(refusal.isEmpty() ? Outcome.UNCHANGED : Outcome.FAILED,
            refusal.orElse(""), written, true);
      }
      // Prometheus reports a failed load (someone else's reload, or it restarted and failed):
      // reload the verified files, unless their last reload was refused and nothing changed
      Optional<Delivered> refused = outside.refusedAsDesiredStands(verified.get(), info,
          written);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    List<VerifiedReload> reloadedVerified = List.of();
    if (outside.holds(desired, verified, onDisk) && rollback.unconfirmedRollback == null) {
      Optional<Delivered> waits = outside.reloadVerified(prometheus.get(), desired,
          verified.get(), timer);
      if (waits.isPresent()) {
        FileDiff certificates = diff.certificatePart(desired);
        recorder.writeCertificates(desired, onDisk, certificates, written, timer);
        Optional<String> refused = outside.recordCertificates(verified.get(), desired, onDisk,
            certificates);
        return Delivered.of(refused.isEmpty() ? waits.get().outcome() : Outcome.FAILED,
            waits.get().message() + refused.map(r -> "; " + r).orElse(""), written, false)
            .afterVerifiedReloads(waits.get().verifiedReloads());
      }
      reloadedVerified = outside.reloaded(); // it loaded: the desired config goes ahead
    }
    return change.writeAndReload(desired, diff, onDisk, verified, restorable, storedPin,
        written, timer).afterVerifiedReloads(reloadedVerified);
  }

  /**
   * Records {@code renewed}, the verified config's load with the files on disk now, and lifts
   * {@code pin} (also if the record is refused); a store that refuses the record, or to lift
   * the pin, is a failure of the store, not of the config: the load stays to be recorded, or
   * the pin to be lifted, by the next delivery, and what the store said is returned (both, if
   * it refused both).
   */
  private Optional<String> recordRenewal(Verification renewed, Optional<RejectedConfig> pin) {
    return renewalSaid(renewed, recorder.recordLoad(renewed, pin));
  }

  /** What the store refused ({@code refused}) of the record of {@code renewed}, said. */
  private static Optional<String> renewalSaid(Verification renewed, StoreRefusals refused) {
    return refused.said("recording prometheus' load of config "
        + shortHash(renewed.configHash()) + " with the files on disk");
  }

  /**
   * Whether {@code pin} holds for {@code desired}: it pins that config, and a Prometheus is
   * there to judge it. Without one nothing judges a config: a pin from a run with one is
   * dropped by {@link #deliver}.
   */
  private boolean holds(Optional<RejectedConfig> pin, DesiredState desired) {
    return pin.isPresent() && pin.get().configHash().equals(desired.configHash())
        && prometheus.isPresent();
  }

  /**
   * What {@link #deliver} would write, and do under a pin that holds, seen without doing it:
   * the store's record is read as {@link #deliver} would find it (with a load whose record
   * failed, which it records first), nothing is written or asked.
   */
  Preview preview(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      ClusterStates states) {
    DeliveryRecord record = pins.inForce(recorder.recordAsSeen(onDisk));
    FileDiff diff;
    Optional<UnderPin> underPin = Optional.empty();
    if (holds(record.rejected(), desired)) {
      Optional<DesiredState> kept = PinnedDelivery.kept(desired, onDisk);
      diff = kept.map(k -> FileDiff.between(k, onDisk))
          .orElse(new FileDiff(List.of(), List.of(), false));
      underPin = Optional.of(pinned.underPin(kept, record.verified(),
          record.rejected().get()));
    } else {
      diff = FileDiff.between(desired, onDisk);
    }
    return new Preview(desired, diff, record, states.degraded(), states.waiting(),
        states.rejected(), underPin);
  }
}
