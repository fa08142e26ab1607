package io.promcc.core.reconcile;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Sleeper;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *       else's reload) is caught by the next reconcile's "nothing to do" check.
 *   <li><b>Rejection</b>: Prometheus answers the reload with an error, or goes away during it
 *       and is not ready within the ready timeout. The last verified config is restored (never
 *       an older certificate over a newer one) and reloaded, and the rejected config is pinned:
 *       not written again until the desired config changes, across controller restarts (the pin
 *       is stored with the verification). Certificate renewals still land while it is pinned, and
 *       a rollback that did not finish (its restore or its reload failed) is finished by a later
 *       reconcile under the pin. A first config (nothing verified) pinned because Prometheus was
 *       not ready in time is verified under the pin once Prometheus reports a successful load
 *       after the pin's baseline with the pinned files on disk: it loaded after all.
 * </ul>
 *
 * <p>Not thread-safe: one reconciler thread.
 */
final class Delivery {
  private static final Duration FIRST_POLL = Duration.ofMillis(20);
  private static final Duration MAX_POLL = Duration.ofSeconds(1);

  private final ConfigStore store;
  private final Optional<PrometheusControl> prometheus;
  private final FileValidator validator;
  private final Duration readyTimeout;
  private final Duration verifyTimeout;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Executor background;
  /**
   * The pinned config whose rollback reload did not finish in this process (it got no answer):
   * nothing showed the verified config loading after the pinned one was refused, so a refusal
   * of the verified one under the pin says the cause is outside promcc's files, as during a
   * rollback. Not kept across restarts: the pin then stays, as before the repair existed.
   */
  private String unconfirmedRollback;
  /**
   * The pinned config whose rollback finished in this process: a later reload of the verified
   * config under the same pin (after a failed load from outside) is no second rollback of it.
   */
  private String finishedRollback;
  /**
   * A load Prometheus was seen to make in this process whose record failed (the store failed
   * after the reload): recorded by the next delivery before anything is decided from the
   * store's record, while the config files on disk are still the loaded ones, so a config that
   * loaded is not taken for one Prometheus never verified (and restored over). Not kept across
   * restarts: nothing then says the config loaded, and it is reloaded.
   */
  private Verification unrecorded;

  Delivery(ConfigStore store, Optional<PrometheusControl> prometheus, FileValidator validator,
      Duration readyTimeout, Duration verifyTimeout, Clock clock, Sleeper sleeper,
      Executor background) {
    this.store = store;
    this.prometheus = prometheus;
    this.validator = validator;
    this.readyTimeout = readyTimeout;
    this.verifyTimeout = verifyTimeout;
    this.clock = clock;
    this.sleeper = sleeper;
    this.background = background;
  }

  /** What a delivery did; {@code desiredReloadAsked} as in {@link ReconcileResult}. */
  record Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
      boolean inSync, boolean rolledBack, boolean desiredReloadAsked) {
    Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
        boolean inSync, boolean rolledBack) {
      this(outcome, message, written, deleted, inSync, rolledBack, false);
    }

    static Delivered of(Outcome outcome, String message, Written written, boolean inSync) {
      return new Delivered(outcome, message, written.paths, written.deleted, inSync, false);
    }

    /** The same, after a reload of the desired config was asked for. */
    Delivered afterDesiredReload() {
      return new Delivered(outcome, message, written, deleted, inSync, rolledBack, true);
    }
  }

  /** Paths written and deleted so far in this delivery. */
  private static final class Written {
    final List<String> paths = new ArrayList<>();
    final List<String> deleted = new ArrayList<>();

    void add(FileDiff diff) {
      paths.addAll(diff.writes());
      deleted.addAll(diff.deletes());
    }

    /** What a restore changed, from the owned files before and after it. */
    void addRestored(SortedMap<String, DesiredFile> before, SortedMap<String, DesiredFile> after) {
      after.forEach((path, file) -> {
        if (!file.equals(before.get(path))) {
          paths.add(path);
        }
      });
      before.keySet().forEach(path -> {
        if (!after.containsKey(path)) {
          deleted.add(path);
        }
      });
    }
  }

  /**
   * Delivers {@code desired} over the owned files {@code onDisk}.
   *
   * @throws io.promcc.core.model.ValidationException if a changed file fails validation; nothing
   *     was written
   * @throws io.promcc.core.port.UnownedFilesException if a desired path holds a file the store
   *     does not own; nothing was written
   * @throws ConfigStoreException if writing failed
   */
  Delivered deliver(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      PhaseTimer timer) {
    recordUnrecorded(onDisk);
    DeliveryRecord record = store.record();
    Optional<Verification> verified = record.verified();
    Optional<RejectedConfig> pin = record.rejected();
    // without a Prometheus nothing judges a config: a pin from a run with one is dropped below
    if (pin.isPresent() && pin.get().configHash().equals(desired.configHash())
        && prometheus.isPresent()) {
      return certificatesUnderPin(desired, onDisk, verified, pin.get(), timer);
    }
    FileDiff diff = timer.call(Phase.DIFF, () -> FileDiff.between(desired, onDisk));
    timer.run(Phase.VALIDATE, () -> validator.check(desired, diff.writes()));
    Written written = new Written();
    if (prometheus.isEmpty()) {
      write(desired, diff, written, timer);
      unpin(pin);
      return Delivered.of(diff.isEmpty() ? Outcome.UNCHANGED : Outcome.WRITTEN, "", written, true);
    }
    // a rollback whose reload did not finish: Prometheus may run the config that was pinned
    // (one pinned not ready may have loaded after all), whatever it reports, so the verified
    // config is reloaded even when the desired config went back to it
    boolean configVerified = verified.isPresent() && !diff.configChanged()
        && verified.get().configHash().equals(desired.configHash())
        && unconfirmedRollback == null;
    if (configVerified && !diff.isEmpty()) {
      write(desired, diff, written, timer);
      Verification renewed = verified.get().withStateHash(desired.hash());
      store.markVerified(renewed);
      unpin(pin);
      Optional<RuntimeInfo> info = runtimeInfoOnce(timer);
      if (info.isPresent() && !runsVerified(renewed, info.get())) {
        // a failed load (someone else's reload): the verified files are reloaded, as by the
        // nothing-to-do check below
        return writeAndReload(desired, new FileDiff(List.of(), List.of(), false), onDisk,
            Optional.of(renewed), Optional.empty(), written, timer);
      }
      // a Prometheus that cannot be asked is not known to run it
      return Delivered.of(Outcome.WRITTEN, "", written, info.isPresent());
    }
    if (configVerified) {
      RuntimeInfo info;
      try {
        info = timer.call(Phase.VERIFY, () -> readyRuntimeInfo(prometheus.get()));
      } catch (PrometheusUnavailableException | PrometheusApiException e) {
        return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, e.getMessage(), written, false);
      }
      if (runsVerified(verified.get(), info)) {
        if (!verified.get().stateHash().equals(desired.hash())) {
          store.markVerified(verified.get().withStateHash(desired.hash()));
        }
        unpin(pin);
        return Delivered.of(Outcome.UNCHANGED, "", written, true);
      }
      // Prometheus reports a failed load (someone else's reload, or it restarted and failed):
      // reload the verified files
    }
    return writeAndReload(desired, diff, onDisk, verified, pin, written, timer);
  }

  /**
   * Records {@code rejection} as the pin (none: unpinned). A rollback that finished belongs to
   * the pin it finished under: a new pin, even of the same config again, starts unfinished.
   */
  private void pin(Optional<RejectedConfig> rejection) {
    finishedRollback = null;
    store.markRejected(rejection);
  }

  /** The desired config is not the pinned one: the input changed, so the pin is obsolete. */
  private void unpin(Optional<RejectedConfig> pin) {
    if (pin.isPresent()) {
      pin(Optional.empty());
    }
  }

  private Delivered writeAndReload(DesiredState desired, FileDiff diff,
      SortedMap<String, DesiredFile> onDisk, Optional<Verification> verified,
      Optional<RejectedConfig> pin, Written written, PhaseTimer timer) {
    PrometheusControl control = prometheus.orElseThrow();
    AtomicBoolean notReadyInTime = new AtomicBoolean();
    // a FutureTask: cancelled below, it is dropped if queued and interrupted if running, so a
    // delivery that fails before waiting for it leaves no ready wait behind for later ones
    FutureTask<RuntimeInfo> baseline =
        new FutureTask<>(() -> readyRuntimeInfo(control, notReadyInTime));
    // timed, as the wait for it below: an executor may run it at once, on this thread
    timer.run(Phase.VERIFY, () -> background.execute(baseline));
    FileDiff certificates = diff.certificatePart(desired);
    FileDiff rest = diff.configPart(desired);
    try {
      write(desired, certificates, written, timer);
    } catch (RuntimeException | Error e) {
      baseline.cancel(true);
      throw e;
    }
    RuntimeInfo before;
    try {
      // what of Prometheus' answer the certificate write did not overlap
      before = timer.call(Phase.VERIFY, () -> await(baseline));
      write(desired, rest, written, timer);
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
        write(desired, rest, written, timer);
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
      } catch (PrometheusUnavailableException stillDown) {
        if (verified.isEmpty() || Thread.currentThread().isInterrupted()) {
          return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, waits + stillDown.getMessage(),
              written, false);
        }
        // restored for its next start; not pinned: nothing says the config was the cause
        return restoreUnjudged(verified, "prometheus did not come up with a config on disk it "
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
        write(desired, rest, written, timer);
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
    return reloadDesired(desired, verified, pin, before, written, timer).afterDesiredReload();
  }

  private Delivered reloadDesired(DesiredState desired, Optional<Verification> verified,
      Optional<RejectedConfig> pin, RuntimeInfo before, Written written, PhaseTimer timer) {
    Instant loadedAt;
    try {
      loadedAt = reloadAndVerify(prometheus.orElseThrow(), before, timer, false);
    } catch (ReloadRejectedException rejected) {
      return rollBackReported(desired, verified, new RejectedConfig(desired.configHash(),
          RejectedConfig.REJECTED, rejected.prometheusMessage(),
          Optional.of(before.lastConfigTime())), written, timer);
    } catch (NotReadyAfterChange gone) {
      // the baseline, read once the files were complete: a load after it read them
      return rollBackReported(desired, verified, new RejectedConfig(desired.configHash(),
          RejectedConfig.NOT_READY, gone.getMessage(), Optional.of(before.lastConfigTime())),
          written, timer);
    } catch (NeverSentAndDown down) {
      return restoreUnjudged(verified, "the reload of config " + shortHash(desired.configHash())
          + " never reached prometheus: " + down.getMessage(), written, timer);
    } catch (PrometheusUnavailableException | PrometheusApiException e) {
      // nothing was rejected; the files stay and the next reconcile reloads them
      return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, "files written, load not verified: "
          + e.getMessage(), written, false);
    }
    unconfirmedRollback = null; // prometheus runs the desired config now
    try {
      recordLoad(new Verification(desired.hash(), desired.configHash(), loadedAt));
      unpin(pin);
    } catch (ConfigStoreException e) {
      // the config loaded, only its record failed: a failure of the store, reported with the
      // reload and in sync, not a failed config (nothing pinned, nothing restored)
      return new Delivered(Outcome.FAILED, "prometheus loaded config "
          + shortHash(desired.configHash()) + ", but recording that failed: " + e.getMessage()
          + "; the next reconcile records it", written.paths, written.deleted, true, false);
    }
    return Delivered.of(Outcome.RELOADED, "", written, true);
  }

  /**
   * Records Prometheus' load of the config files on disk; if the store fails, the load stays
   * {@link #unrecorded} for the next delivery.
   *
   * @throws ConfigStoreException if the store failed
   */
  private void recordLoad(Verification loaded) {
    unrecorded = loaded;
    store.markVerified(loaded);
    unrecorded = null;
  }

  /**
   * Records the load whose record failed in an earlier delivery, if the owned files on disk
   * are still those of the load, and lifts a pin of another config, as that delivery would
   * have. If any changed since (a certificate edited or removed by hand while Prometheus
   * loaded, which the store refuses to record), the load is forgotten: the delivery puts the
   * files back and proves the config again, as after a restart, instead of every reconcile
   * failing on the same record before it can write anything.
   *
   * @throws ConfigStoreException if the store fails again; the load stays unrecorded
   */
  private void recordUnrecorded(SortedMap<String, DesiredFile> onDisk) {
    if (unrecorded == null) {
      return;
    }
    Verification loaded = unrecorded;
    if (!DesiredState.hashOf(onDisk).equals(loaded.stateHash())) {
      unrecorded = null; // changed behind the controller's back: the load says nothing of it
      return;
    }
    try {
      recordLoad(loaded);
    } catch (ConfigStoreException e) {
      throw new ConfigStoreException("recording prometheus' earlier load of config "
          + shortHash(loaded.configHash()) + " failed: " + e.getMessage(), e);
    }
    unpin(store.record().rejected());
  }

  /**
   * Runtime info; if Prometheus answers that it is not ready yet (starting: replaying its WAL can
   * take minutes), waits for it up to the ready timeout first. One that cannot be reached at all
   * fails at once.
   */
  private RuntimeInfo readyRuntimeInfo(PrometheusControl control) {
    return readyRuntimeInfo(control, new AtomicBoolean());
  }

  /**
   * As {@link #readyRuntimeInfo(PrometheusControl)}; sets {@code waited} if Prometheus was not
   * ready within the ready timeout.
   */
  private RuntimeInfo readyRuntimeInfo(PrometheusControl control, AtomicBoolean waited) {
    try {
      return control.runtimeInfo();
    } catch (PrometheusApiException notReady) {
      if (notReady.statusCode() != 503) {
        throw notReady;
      }
      try {
        control.awaitReady(readyTimeout);
      } catch (PrometheusUnavailableException notReadyInTime) {
        waited.set(true);
        throw notReadyInTime;
      }
      return control.runtimeInfo();
    }
  }

  /** Prometheus went away during a reload and was not ready again within the ready timeout. */
  private static final class NotReadyAfterChange extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReadyAfterChange(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * The reload never reached Prometheus, which was down and not ready within the ready timeout:
   * it went away for a reason of its own and never judged the new config.
   */
  private static final class NeverSentAndDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeverSentAndDown(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * Puts the last verified files back after a reload that never reached a Prometheus that stays
   * down: if it starts again (or crash-loops on the new files, which it would read at start), it
   * starts with a config it loaded before. Nothing is pinned, since Prometheus never judged the
   * new config: the next reconcile writes it again once Prometheus is back.
   */
  private Delivered restoreUnjudged(Optional<Verification> verified, String said,
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
    store.markVerified(verified.get().withStateHash(DesiredState.hashOf(restored)));
    return Delivered.of(Outcome.PROMETHEUS_UNAVAILABLE, said + "; restored the last verified "
        + "config " + shortHash(verified.get().configHash()) + " for its next start; the new "
        + "config was not judged, so it is written again once prometheus is back", written,
        false);
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
   * Reloads and proves the load. An HTTP reload's 200 is the verdict on its own: Prometheus
   * answers it only after the load finished (an error otherwise), so nothing more is asked.
   * A signal gets no answer: runtime info is polled until it shows a load newer than {@code
   * before}, compared only with Prometheus' own earlier runtime info.
   *
   * @return a bound of Prometheus' {@code lastConfigTime} for this load, read from its own
   *     answers: the load happened at or after it (after an HTTP 200, the baseline's {@code
   *     lastConfigTime}, read before the reload; after a signal, the newer load seen)
   * @throws ReloadRejectedException if Prometheus refused the config
   * @throws NotReadyAfterChange if Prometheus went away during the reload and did not come back
   *     ready within the ready timeout (it may be crash-looping on the new config)
   * @throws PrometheusUnavailableException if it did not answer in time; nothing was rejected
   * @param restoring whether the files are the last verified ones, put back after Prometheus
   *     refused the new config
   */
  private Instant reloadAndVerify(PrometheusControl control, RuntimeInfo before,
      PhaseTimer timer, boolean restoring) {
    for (boolean resent = false; ; resent = true) {
      ReloadAck ack;
      try {
        ack = timer.call(Phase.RELOAD, control::reload);
      } catch (PrometheusUnavailableException dropped) {
        if (Thread.currentThread().isInterrupted()) {
          throw dropped; // the controller is stopping: no verdict on the config, the files stay
        }
        try {
          timer.run(Phase.RELOAD, () -> control.awaitReady(readyTimeout));
        } catch (PrometheusUnavailableException notBack) {
          if (Thread.currentThread().isInterrupted()) {
            throw notBack;
          }
          if (dropped.notSent() && !restoring) {
            throw new NeverSentAndDown("it was down (" + dropped.getMessage() + ") and not "
                + "ready within " + readyTimeout + ": " + notBack.getMessage(), notBack);
          }
          throw new NotReadyAfterChange("prometheus went away during the reload and was not "
              + "ready within " + readyTimeout + " after the config changed: "
              + notBack.getMessage(), notBack);
        }
        if (!dropped.notSent()) {
          // no verdict yet: the load the request started may still run (a config that takes
          // longer to load than the reload timeout), or Prometheus restarted and loaded the
          // files. It is watched as a signal's is (runtime info asked again while Prometheus is
          // too busy to answer), never asked for again: a second request would wait for this
          // load and then load everything once more. A failed load reported already before it
          // is no verdict on the new config; for a restore it is (the new config was just
          // refused: the restored one is refused too)
          return verify(control, ReloadAck.SIGNALLED, before, timer,
              "the reload request that got no answer", restoring);
        }
        RuntimeInfo now = timer.call(Phase.VERIFY, control::runtimeInfo);
        if (now.reloadConfigSuccess() && now.lastConfigTime().isAfter(before.lastConfigTime())) {
          // it restarted and loaded the files, which were complete before the reload
          return now.lastConfigTime();
        }
        if (!now.reloadConfigSuccess() && before.reloadConfigSuccess()) {
          throw new ReloadRejectedException("prometheus came back after the reload with "
              + "reloadConfigSuccess=false; its log has the details");
        }
        if (resent) {
          throw dropped; // twice it did not reach Prometheus: the next reconcile tries again
        }
        before = now; // it never reached Prometheus, which is ready now: sent once more
        continue;
      }
      return verify(control, ack, before, timer, "the reload signal", true);
    }
  }

  /**
   * The load {@code sent} asked for, proved from Prometheus' runtime info against {@code before}
   * (its own, read before it was sent); a {@link ReloadAck#LOADED} answer proves it at once.
   *
   * @param staleFailureRejects whether a failed load that {@code before} reported already, and
   *     still reported at the deadline, is a verdict on this config (after a signal: Prometheus
   *     gives no other); else Prometheus counts as unavailable
   */
  private Instant verify(PrometheusControl control, ReloadAck ack, RuntimeInfo before,
      PhaseTimer timer, String sent, boolean staleFailureRejects) {
    if (ack == ReloadAck.LOADED) {
      // the answer came after the load finished: the load is at or after the baseline's time.
      // Asking runtime info again would wait for Prometheus to restart every discoverer, and a
      // failed load by anyone later is caught by the next reconcile's "nothing to do" check.
      return before.lastConfigTime();
    }
    Instant deadline = clock.instant().plus(verifyTimeout);
    Duration poll = FIRST_POLL;
    boolean lastAsk = false; // back ready after the deadline: asked once more, then given up
    while (true) { // a signal gets no answer: poll until runtime info shows the new load
      RuntimeInfo now = null;
      RuntimeException gone = null; // the load may have killed it
      try {
        now = timer.call(Phase.VERIFY, control::runtimeInfo);
      } catch (PrometheusUnavailableException unanswered) {
        if (unanswered.notSent()) {
          gone = unanswered; // refused: no process listens
        } else if (lastAsk) {
          throw stillFailing(sent, unanswered);
        } else if (!clock.instant().isBefore(deadline)) {
          // right after loading tens of thousands of jobs Prometheus can take longer than a
          // request timeout to answer; the load itself is not in doubt for that, until here
          throw unanswered;
        }
      } catch (PrometheusApiException starting) {
        if (starting.statusCode() != 503) {
          throw starting;
        }
        gone = starting; // not ready: it restarted and is starting again
      }
      if (gone != null) {
        if (lastAsk) {
          throw stillFailing(sent, gone);
        }
        awaitBack(control, sent, gone, timer);
        lastAsk = !clock.instant().isBefore(deadline);
      } else if (now != null) {
        if (now.reloadConfigSuccess() && now.lastConfigTime().isAfter(before.lastConfigTime())) {
          return now.lastConfigTime();
        }
        if (!now.reloadConfigSuccess() && before.reloadConfigSuccess()) {
          throw new ReloadRejectedException("prometheus reports reloadConfigSuccess=false after "
              + sent + "; its log has the details");
        }
        if (!clock.instant().isBefore(deadline)) {
          if (!now.reloadConfigSuccess() && staleFailureRejects) {
            throw new ReloadRejectedException("prometheus still reports reloadConfigSuccess=false "
                + verifyTimeout + " after " + sent + "; its log has the details");
          }
          throw new PrometheusUnavailableException("no new load seen within " + verifyTimeout
              + " after " + sent + " (lastConfigTime " + now.lastConfigTime() + ")");
        }
      }
      timer.run(Phase.VERIFY, pauseFor(poll));
      poll = Sleeper.doubled(poll, MAX_POLL);
    }
  }

  /**
   * Waits for a Prometheus that went away after {@code sent} to be ready again: one that does
   * not come back within the ready timeout may be crash-looping on the new config.
   *
   * @throws NotReadyAfterChange if it is not ready within the ready timeout
   */
  private void awaitBack(PrometheusControl control, String sent, RuntimeException gone,
      PhaseTimer timer) {
    try {
      timer.run(Phase.VERIFY, () -> control.awaitReady(readyTimeout));
    } catch (PrometheusUnavailableException notBack) {
      if (Thread.currentThread().isInterrupted()) {
        throw notBack;
      }
      throw new NotReadyAfterChange("prometheus went away after " + sent + " ("
          + gone.getMessage() + ") and was not ready within " + readyTimeout + ": "
          + notBack.getMessage(), notBack);
    }
  }

  /** Runtime info failed once more after the verify timeout, while Prometheus answers ready. */
  private PrometheusUnavailableException stillFailing(String sent, RuntimeException failure) {
    return new PrometheusUnavailableException("no new load seen within " + verifyTimeout
        + " after " + sent + ": prometheus answers ready, but runtime info failed: "
        + failure.getMessage(), failure);
  }

  private Runnable pauseFor(Duration poll) {
    return () -> sleeper.pause(poll, "verifying the reload");
  }

  /**
   * {@link #rollBack}; a store failure on the way is reported with the rejection (the refused
   * reload of the desired config happened and is counted as such).
   */
  private Delivered rollBackReported(DesiredState desired, Optional<Verification> verified,
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
      // the desired config changes; the next reconcile asks and reloads again instead.
      return new Delivered(Outcome.REJECTED, "prometheus failed to load the last verified "
          + "config " + shortHash(rejection.configHash()) + " again: " + rejection.message()
          + "; it loaded before, so the cause is outside promcc's files (another file "
          + "prometheus reads, such as a rule file); not pinned, tried again at the next "
          + "reconcile", written.paths, written.deleted, false, false);
    }
    // pinned first: even if restoring fails, the rejected config is not written again
    pin(Optional.of(rejection));
    String said = "prometheus rejected config " + shortHash(desired.configHash()) + ": "
        + rejection.message();
    if (verified.isEmpty()) {
      return new Delivered(Outcome.REJECTED, said + "; there are no verified files to restore, "
          + "so the rejected files stay on disk", written.paths, written.deleted, false, false);
    }
    return restoreAndReload(verified.get(), rejection.configHash(), said, true, written, timer);
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
  private Delivered restoreAndReload(Verification verified, String pinned, String said,
      boolean rollingBack, Written written, PhaseTimer timer) {
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
    try {
      PrometheusControl control = prometheus.orElseThrow();
      RuntimeInfo now = timer.call(Phase.VERIFY, control::runtimeInfo);
      loadedAt = reloadAndVerify(control, now, timer, true);
    } catch (ReloadRejectedException e) {
      if (!rollingBack && !Objects.equals(pinned, unconfirmedRollback)) {
        store.markVerified(verified.withStateHash(restoredHash));
        return new Delivered(Outcome.REJECTED, said + "; prometheus refused the last verified "
            + "config " + shortHash(verified.configHash()) + " as well, which it loaded when the "
            + "pinned one was refused, so the cause is outside promcc's files (another file "
            + "prometheus reads, such as a rule file): " + e.getMessage() + "; the pin stays",
            written.paths, written.deleted, false, false);
      }
      // refused as well: what fails is outside the controller's files (a rule file, say), as
      // when the verified config itself is refused again above; a pin would hold the new
      // config back after that file is fixed, until the desired config changed for another
      // reason. Prometheus keeps running what it loaded last. Unpinned first: the store may
      // fail below
      pin(Optional.empty());
      unconfirmedRollback = null;
      store.markVerified(verified.withStateHash(restoredHash));
      return new Delivered(Outcome.REJECTED, said + "; restored the last verified files, but "
          + "prometheus refused the last verified config too, so the cause is outside promcc's "
          + "files (another file prometheus reads, such as a rule file): " + e.getMessage()
          + "; not pinned, tried again at the next reconcile", written.paths, written.deleted,
          false, false);
    } catch (RuntimeException e) {
      // Prometheus still runs the verified config or will load it when it comes back: keep the
      // restored files as the rollback set (the rollback stays unconfirmed)
      store.markVerified(verified.withStateHash(restoredHash));
      return new Delivered(Outcome.REJECTED, said + "; restored the last verified files, but "
          + "reloading them failed: " + e.getMessage(), written.paths, written.deleted, false,
          false);
    }
    unconfirmedRollback = null;
    boolean rolledBack = rollingBack || !Objects.equals(pinned, finishedRollback);
    finishedRollback = pinned;
    String done = said + "; restored and reloaded the last verified config "
        + shortHash(verified.configHash());
    try {
      // outside the reload's try: a store failure here is no failed reload
      store.markVerified(new Verification(restoredHash, verified.configHash(), loadedAt));
    } catch (ConfigStoreException e) {
      return new Delivered(Outcome.REJECTED, done + ", but recording its verification failed: "
          + e.getMessage(), written.paths, written.deleted, false, rolledBack);
    }
    return new Delivered(Outcome.REJECTED, done, written.paths, written.deleted, false,
        rolledBack);
  }

  /**
   * The desired config was rejected before and has not changed: keep the config on disk, and
   * write only renewed certificates of the files it names. A first config pinned because
   * Prometheus was not ready in time, which Prometheus then loaded after all, is verified.
   */
  private Delivered certificatesUnderPin(DesiredState desired,
      SortedMap<String, DesiredFile> onDisk, Optional<Verification> verified,
      RejectedConfig pin, PhaseTimer timer) {
    String said = "config " + shortHash(pin.configHash()) + " was rejected before ("
        + pin.message() + "), so it is not tried again until the desired config changes";
    Written written = new Written();
    // a rollback to the verified config can be finished here (see below)
    boolean repairable = verified.isPresent() && prometheus.isPresent()
        && !verified.get().configHash().equals(pin.configHash());
    if (!onDisk.containsKey(desired.configPath())
        || onDisk.get(desired.configPath()).kind() != FileKind.MAIN_CONFIG) {
      if (repairable) {
        // removed behind the store's back: a Prometheus that restarts would find no config
        return restoreAndReload(verified.get(), pin.configHash(),
            said + "; the main config was missing", false, written, timer);
      }
      return new Delivered(Outcome.REJECTED, said, List.of(), List.of(), false, false);
    }
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    onDisk.forEach((path, file) -> files.put(path, file.kind().isConfig() ? file
        : Optional.ofNullable(desired.files().get(path)).filter(d -> d.kind() == file.kind())
            .orElse(file)));
    DesiredState kept = new DesiredState(files, desired.configPath(), desired.clusters(),
        desired.rejections());
    FileDiff diff = timer.call(Phase.DIFF, () -> FileDiff.between(kept, onDisk));
    timer.run(Phase.VALIDATE, () -> validator.check(kept, diff.writes()));
    write(kept, diff, written, timer);
    if (!diff.isEmpty() && verified.isPresent()
        && verified.get().configHash().equals(kept.configHash())) {
      store.markVerified(verified.get().withStateHash(kept.hash()));
    }
    Optional<Instant> loadedAt = verified.isEmpty() ? loadedAfterAll(pin, kept, timer)
        : Optional.empty();
    if (loadedAt.isPresent()) {
      String loaded = "config " + shortHash(pin.configHash()) + ", pinned as not ready ("
          + pin.message() + "), was loaded after all: prometheus reports a successful load at "
          + loadedAt.get() + ", after " + pin.baseline().orElseThrow() + " when its files were "
          + "complete, and they are on disk";
      try {
        // unpinned first: the other way round, a failure in between would leave the verified
        // config pinned, and such a pin is never lifted
        pin(Optional.empty());
        recordLoad(new Verification(kept.hash(), kept.configHash(), loadedAt.get()));
      } catch (ConfigStoreException e) {
        return new Delivered(Outcome.FAILED, loaded + ", but recording that failed: "
            + e.getMessage() + "; the next reconcile records it", written.paths,
            written.deleted, true, false);
      }
      return new Delivered(diff.isEmpty() ? Outcome.UNCHANGED : Outcome.WRITTEN, loaded
          + "; verified and no longer pinned", written.paths, written.deleted, true, false);
    }
    if (repairable) {
      if (!kept.configHash().equals(verified.get().configHash())) {
        // the rollback did not finish (restoring failed, maybe part-way): a Prometheus that
        // restarts would read files it never verified
        return restoreAndReload(verified.get(), pin.configHash(), said + "; the config on disk "
            + "was not the last verified one", false, written, timer);
      }
      if (Objects.equals(pin.configHash(), unconfirmedRollback)) {
        // the rollback's reload did not finish: Prometheus may run the pinned config (one
        // pinned not ready may have loaded after all), whatever it reports now
        return restoreAndReload(verified.get(), pin.configHash(), said + "; the rollback's "
            + "reload had not finished", false, written, timer);
      }
      if (failedLoad(timer)) {
        // Prometheus reports a failed load (2.53 applies what it can of a config that fails to
        // apply)
        return restoreAndReload(verified.get(), pin.configHash(), said + "; prometheus still "
            + "reported the failed load", false, written, timer);
      }
    }
    return new Delivered(Outcome.REJECTED, said, written.paths, written.deleted, false, false);
  }

  /**
   * When Prometheus loaded a config pinned because it was not ready in time, if it did: with
   * the config files on disk being the pinned ones ({@code onDisk}), Prometheus reports a
   * successful load later than the pin's baseline, Prometheus' own time read once those files
   * were complete. Under the pin no config file is written, and once the desired config
   * changed and another config's files were written, the pinned files do not come back while
   * the pin holds: such a load read the pinned files. Empty for a refusal (a verdict on the
   * config), for a pin without a baseline and while Prometheus cannot be asked.
   */
  private Optional<Instant> loadedAfterAll(RejectedConfig pin, DesiredState onDisk,
      PhaseTimer timer) {
    if (!pin.reason().equals(RejectedConfig.NOT_READY) || pin.baseline().isEmpty()
        || !onDisk.configHash().equals(pin.configHash())) {
      return Optional.empty();
    }
    return runtimeInfoOnce(timer).filter(info -> info.reloadConfigSuccess()
        && info.lastConfigTime().isAfter(pin.baseline().get())).map(RuntimeInfo::lastConfigTime);
  }

  /** Whether {@code info} reports a successful load at or after {@code verified}'s. */
  private static boolean runsVerified(Verification verified, RuntimeInfo info) {
    return info.reloadConfigSuccess() && !info.lastConfigTime().isBefore(verified.loadedAt());
  }

  /** Prometheus' runtime info: one call, no wait; empty if it cannot be asked. */
  private Optional<RuntimeInfo> runtimeInfoOnce(PhaseTimer timer) {
    try {
      return Optional.of(timer.call(Phase.VERIFY, prometheus.orElseThrow()::runtimeInfo));
    } catch (PrometheusUnavailableException | PrometheusApiException e) {
      return Optional.empty();
    }
  }

  /** Whether Prometheus reports that its last load failed; false if it cannot be asked. */
  private boolean failedLoad(PhaseTimer timer) {
    return runtimeInfoOnce(timer).filter(info -> !info.reloadConfigSuccess()).isPresent();
  }

  private void write(DesiredState desired, FileDiff diff, Written written, PhaseTimer timer) {
    if (!diff.isEmpty()) {
      timer.run(Phase.WRITE, () -> store.write(desired, diff));
      written.add(diff);
    }
  }

  /** The background runtime info's answer, or its exception as thrown there. */
  private static RuntimeInfo await(Future<RuntimeInfo> baseline) {
    try {
      return baseline.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("runtimeinfo threw a checked exception", e.getCause());
    } catch (InterruptedException e) {
      baseline.cancel(true);
      Thread.currentThread().interrupt();
      throw new PrometheusUnavailableException("interrupted while asking prometheus for its "
          + "runtime info", e);
    }
  }

  private static String shortHash(String hash) {
    return hash.substring(0, Math.min(12, hash.length()));
  }
}
