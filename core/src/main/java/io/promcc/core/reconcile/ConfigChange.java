package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;
import static io.promcc.core.reconcile.PrometheusProbe.await;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Quoting;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAsked;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ReloadVerifier.NeverSentAndDown;
import io.promcc.core.reconcile.ReloadVerifier.NotReadyAfterChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The write and reload of a changed config, for {@link Delivery}: new certificates are written
 * while Prometheus' runtime info (the baseline a reload must beat) is read in the background,
 * then the config files and deletions, the reload and its verification. A Prometheus that is
 * down holds the config change back when a verified config exists; one that never comes up
 * with a config it never verified, or whose reload never reaches it, gets the last verified
 * files back for its next start; a refused reload is rolled back and pinned. Not thread-safe:
 * one reconciler thread.
 */
final class ConfigChange {
  private final Optional<PrometheusControl> prometheus;
  private final Duration readyTimeout;
  private final Executor background;
  private final PrometheusProbe probe;
  private final ReloadVerifier verifier;
  private final Rollback rollback;
  private final StoreRecorder recorder;
  private final AskedReload asked;

  ConfigChange(Optional<PrometheusControl> prometheus, Duration readyTimeout,
      Executor background, PrometheusProbe probe, ReloadVerifier verifier, Rollback rollback,
      StoreRecorder recorder, AskedReload asked) {
    this.prometheus = prometheus;
    this.readyTimeout = readyTimeout;
    this.background = background;
    this.probe = probe;
    this.verifier = verifier;
    this.rollback = rollback;
    this.recorder = recorder;
    this.asked = asked;
  }

  /**
   * Writes and reloads; {@code verified} is what Prometheus was seen to load, {@code
   * restorable} the verification a rollback restores (the same unless the store refused to
   * record a load).
   */
  Delivered writeAndReload(DesiredState desired, FileDiff diff,
      SortedMap<String, DesiredFile> onDisk, Optional<Verification> verified,
      Optional<Verification> restorable, Optional<RejectedConfig> pin, Written written,
      PhaseTimer timer) {
    PrometheusControl control = prometheus.orElseThrow();
    AtomicBoolean notReadyInTime = new AtomicBoolean();
    // a FutureTask: cancelled below, it is dropped if queued and interrupted if running, so a
    // delivery that fails before waiting for it leaves no ready wait behind for later ones
    FutureTask<RuntimeInfo> baseline =
        new FutureTask<>(() -> probe.readyRuntimeInfo(control, notReadyInTime));
    // timed, as the wait for it below: an executor may run it at once, on this thread
    timer.run(Phase.VERIFY, () -> background.execute(baseline));
    FileDiff certificates = diff.certificatePart(desired);
    FileDiff rest = diff.configPart(desired);
    try {
      recorder.writeCertificates(desired, onDisk, certificates, written, timer);
    } catch (RuntimeException | Error e) {
      baseline.cancel(true);
      throw e;
    }
    RuntimeInfo before;
    try {
      // what of Prometheus' answer the certificate write did not overlap
      before = timer.call(Phase.VERIFY, () -> await(baseline));
      recorder.write(desired, rest, written, timer);
    } catch (PrometheusUnavailableException | PrometheusApiException down) {
      // nothing listens, or it answered "not ready" for the whole ready timeout: it may be
      // crash-looping on the config on disk
      boolean gone = notReadyInTime.get()
          || down instanceof PrometheusUnavailableException refused && refused.notSent();
      boolean unverifiedOnDisk = verified.isPresent() && gone
          && !DesiredState.configHashOf(onDisk).equals(verified.get().configHash());
      if (verified.isPresent() && !unverifiedOnDisk) {
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, "the config change waits for "
            + "prometheus: " + down.getMessage(), written, false);
      }
      if (verified.isEmpty()) {
        // nothing verified yet: Prometheus may be waiting for this very config to start
        recorder.write(desired, rest, written, timer);
      }
      // else the config on disk is one Prometheus never verified (a controller stopped or
      // killed during its reload) and Prometheus may be crash-looping on it. The messages: a
      // config change that waits says so; one that wrote all its files says that
      String waits = verified.isEmpty() ? "files written; " : "the config change waits for "
          + "prometheus: ";
      try {
        if (notReadyInTime.get() && verified.isPresent()) {
          throw (PrometheusUnavailableException) down; // waited the ready timeout already
        }
        // no reload yet: the wait is for what Prometheus has loaded, not for a reload's answer
        timer.run(Phase.VERIFY, () -> control.awaitReady(readyTimeout));
      } catch (PrometheusApiException refused) {
        // it answers but will not say it is ready (it refuses the credentials), or the request
        // was never sent (the credentials file cannot be read): nothing says the files on disk
        // keep it down
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, waits + refused.getMessage(),
            written, false);
      } catch (PrometheusUnavailableException stillDown) {
        if (verified.isEmpty() && !notReadyInTime.get() && !asked.askedFor(desired)
            && nothingListens(control, timer)) {
          // it never answered, and never loaded a config promcc wrote (no reload of this one
          // was asked while it answered): it may exit at start on this one (a key its release
          // refuses), which only its own log names
          return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, waits + stillDown.getMessage()
              + neverLoaded(desired), written, false);
        }
        if (verified.isEmpty() || Thread.currentThread().isInterrupted()) {
          return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, waits + stillDown.getMessage(),
              written, false);
        }
        // restored for its next start; not pinned: nothing says the config was the cause
        return rollback.restoreUnjudged(restorable,
            "prometheus did not come up with a config on disk it "
            + "never verified: " + down.getMessage() + (stillDown == down ? "" : "; not ready "
            + "within " + readyTimeout + ": " + stillDown.getMessage()), written, timer);
      }
      try {
        before = timer.call(Phase.VERIFY, control::runtimeInfo);
      } catch (PrometheusUnavailableException | PrometheusApiException busy) {
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, waits + "prometheus is ready, but "
            + busy.getMessage(), written, false);
      }
      if (verified.isPresent()) {
        recorder.write(desired, rest, written, timer);
      }
    }
    if (!rest.isEmpty()) {
      // a signal's load, or the load of a request that got no answer, is proved by a load
      // newer than the baseline; one between the baseline above and the end of the config write
      // (a restart, someone else's reload, an earlier signal still pending) read the old files:
      // the baseline is read again now that they are complete
      try {
        before = timer.call(Phase.VERIFY, control::runtimeInfo);
      } catch (PrometheusUnavailableException | PrometheusApiException e) {
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, "files written, not reloaded: "
            + e.getMessage(), written, false);
      }
    }
    Optional<ReloadAsked> loadedMeanwhile = rest.isEmpty()
        ? asked.loadedBy(desired, onDisk, before) : Optional.empty();
    if (loadedMeanwhile.isPresent()) {
      return recordLoadedMeanwhile(desired, loadedMeanwhile.get(), pin, written);
    }
    asked.asking(desired, before);
    return reloadDesired(desired, verified, restorable, pin, before, written, timer)
        .afterDesiredReload();
  }

  /**
   * Whether nothing listens at Prometheus' address once a wait for it ended (a refused
   * connection: the request was never sent). One that answers, if only "not ready" (it replays
   * its write-ahead log), started on the config on disk; a wait cut short by a stop says
   * neither, and nothing is asked.
   */
  private static boolean nothingListens(PrometheusControl control, PhaseTimer timer) {
    if (Thread.currentThread().isInterrupted()) {
      return false;
    }
    try {
      timer.call(Phase.VERIFY, control::runtimeInfo);
      return false;
    } catch (PrometheusUnavailableException unanswered) {
      return unanswered.notSent();
    } catch (PrometheusApiException answered) {
      return false;
    }
  }

  /** What a wait for a Prometheus that never loaded a config promcc wrote adds to its end. */
  private static String neverLoaded(DesiredState desired) {
    return "; the config promcc wrote (" + Quoting.quote(desired.configPath())
        + " in its output folder) has never been loaded: prometheus may refuse it at start "
        + "and exit (its log says why); check it with `promtool check config` of the "
        + "prometheus release in use";
  }

  /**
   * Records Prometheus' load of {@code desired}'s config files, which a reload asked for
   * ({@code loaded}) made after its baseline (the controller stopped before it saw the load's
   * end), and lifts {@code pin}, as {@link #reloadDesired} does after a reload: the config is
   * not reloaded again.
   */
  private Delivered recordLoadedMeanwhile(DesiredState desired, ReloadAsked loaded,
      Optional<RejectedConfig> pin, Written written) {
    rollback.unconfirmedRollback = null; // prometheus runs the desired config
    String config = shortHash(desired.configHash());
    Optional<String> refused = recorder.recordLoad(new Verification(desired.hash(),
        desired.configHash(), loaded.baseline()), pin).said("recording that");
    if (refused.isPresent()) {
      return Delivered.of(Outcome.FAILED, "prometheus loaded config " + config + " after "
          + "the reload asked for it, but " + refused.get(), written, true);
    }
    return Delivered.of(written.paths.isEmpty() && written.deleted.isEmpty()
        ? Outcome.UNCHANGED : Outcome.WRITTEN, "prometheus loaded config " + config
        + " after the reload asked for it (a load later than " + loaded.baseline()
        + " on its clock): recorded, not reloaded again", written, true);
  }

  /**
   * Reloads the desired config; {@code verified} is what Prometheus was seen to load, {@code
   * restorable} what a rollback restores. A config Prometheus loaded whose record the store
   * refused ({@code verified}, not {@code restorable}) is judged as it would be had the store
   * taken the record: a refusal of it is an outside cause, and nothing is restored over it.
   */
  private Delivered reloadDesired(DesiredState desired, Optional<Verification> verified,
      Optional<Verification> restorable, Optional<RejectedConfig> pin, RuntimeInfo before,
      Written written, PhaseTimer timer) {
    Optional<Verification> loaded = verified.filter(v -> v.configHash().equals(
        desired.configHash()) && !restorable.map(Verification::configHash).equals(
        Optional.of(v.configHash())));
    Optional<Verification> judged = loaded.or(() -> restorable);
    Instant loadedAt;
    try {
      loadedAt = verifier.reloadAndVerify(prometheus.orElseThrow(), before, timer, false);
    } catch (ReloadRejectedException rejected) {
      return rollback.rollBackReported(desired, judged,
          new RejectedConfig(desired.configHash(), RejectedConfig.REJECTED,
          rejected.prometheusMessage(),
          Optional.of(before.lastConfigTime())), written, timer);
    } catch (NotReadyAfterChange gone) {
      // the baseline, read once the files were complete: a load after it read them
      return rollback.rollBackReported(desired, judged,
          new RejectedConfig(desired.configHash(), RejectedConfig.NOT_READY, gone.getMessage(),
          Optional.of(before.lastConfigTime())), written, timer);
    } catch (NeverSentAndDown down) {
      String said = "the reload of config " + shortHash(desired.configHash())
          + " never reached prometheus: " + down.getMessage();
      if (loaded.isPresent()) {
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, said + "; prometheus loaded the "
            + "files on disk before, so they stay for its next start", written, false);
      }
      return rollback.restoreUnjudged(restorable, said, written, timer);
    } catch (PrometheusUnavailableException | PrometheusApiException e) {
      // nothing was rejected; the files stay and the next reconcile reloads them
      return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, "files written, load not verified: "
          + e.getMessage(), written, false);
    }
    rollback.unconfirmedRollback = null; // prometheus runs the desired config now
    Optional<String> refused = recorder.recordLoad(new Verification(desired.hash(),
        desired.configHash(), loadedAt), pin).said("recording that");
    if (refused.isPresent()) {
      // the config loaded, only its record or the lift of the pin it outlived failed: a
      // failure of the store, reported with the reload and in sync, not a failed config
      // (nothing pinned, nothing restored)
      return Delivered.of(Outcome.FAILED, "prometheus loaded config "
          + shortHash(desired.configHash()) + ", but " + refused.get(), written, true);
    }
    return Delivered.of(Outcome.RELOADED, "", written, true);
  }
}
