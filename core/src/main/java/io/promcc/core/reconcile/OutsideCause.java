package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ReloadVerifier.NeverSentAndDown;
import io.promcc.core.reconcile.ReloadVerifier.NotReadyAfterChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A desired config that waits while Prometheus refuses the last verified config for a cause
 * outside promcc's files (a broken rule file), for {@link Delivery}. Prometheus 2.53 refuses a
 * config whose rule file is broken only after applying the rest of it: its scrape configs run.
 * Writing and reloading the desired config again at every reconcile, and restoring the verified
 * one after its refusal, switched Prometheus' scrape jobs between the two at every reconcile.
 * Once a rollback found the verified config refused too, a reconcile of the same desired config
 * reloads the verified files on disk instead (one reload, which leaves Prometheus' jobs as they
 * are) and lets the desired config go ahead once Prometheus loads them: the outside file was
 * fixed. Kept for the run alone: after a restart the desired config is tried once more. Not
 * thread-safe: one reconciler thread.
 *
 * <p>How often the verified files are reloaded: each reload of Prometheus 2.53 restarts its
 * service discovery, which lists every guest API server again, even for the same config, and a
 * reload Prometheus refused for a file promcc does not own is refused again until that file is
 * fixed. So once a reload of the verified config was refused (the rollback's included), it is
 * reloaded again only when something changed that may make it load:
 *
 * <ul>
 *   <li>Prometheus reports a successful load: someone reloaded it after fixing the file (or it
 *       restarted): the desired config goes ahead at once, without reloading the verified one.
 *       Runtime info is read at every reconcile for this, which restarts nothing;
 *   <li>Prometheus reports another {@code lastConfigTime} than at the refusal, still failed:
 *       someone loaded a config and then failed again; the refusal says nothing of now;
 *   <li>the verified config is another than the one refused;
 *   <li>{@link #RELOAD_AGAIN_AFTER} passed since the refusal, on the controller's clock: a file
 *       fixed without a reload (nothing in Prometheus' answers shows it) is picked up by then.
 * </ul>
 *
 * A renewed certificate is no reason: Prometheus re-reads certificate files without a reload,
 * and certificates land while the config waits. The desired config is held back all the same,
 * so Prometheus keeps the jobs it runs: skipping a reload changes nothing there.
 */
final class OutsideCause {
  /**
   * How long after a refused reload of the verified config, with nothing else changed, it is
   * reloaded again: the default resync, so a rule file fixed without a reload is picked up
   * within about as long as a resync takes to notice anything.
   */
  static final Duration RELOAD_AGAIN_AFTER = Duration.ofMinutes(5);

  private final ConfigStore store;
  private final ReloadVerifier verifier;
  private final Clock clock;
  /** The desired config refused with the verified one after it; null if none waits. */
  private String waiting;
  /** The last refused reload of the verified config while {@link #waiting}; null if none. */
  private Refusal refusal;
  /**
   * The last refused reload of the verified config while it is the desired one (after someone
   * else's failed load); null if none.
   */
  private Refusal refusedAsDesired;
  /** The reloads of the verified config the last {@link #reloadVerified} made. */
  private List<VerifiedReload> reloaded = List.of();

  /**
   * A refused reload of the verified config {@code configHash}, at {@code at} by the
   * controller's clock, with Prometheus' {@code lastConfigTime} before it (a refusal leaves it).
   */
  private record Refusal(String configHash, Instant lastConfigTime, Instant at, String said) {
    /** Whether it still stands for {@code verified} as Prometheus reports {@code now}. */
    boolean stands(Verification verified, RuntimeInfo now, Instant clockNow) {
      return configHash.equals(verified.configHash())
          && lastConfigTime.equals(now.lastConfigTime())
          && clockNow.isBefore(reloadAgainAt());
    }

    Instant reloadAgainAt() {
      return at.plus(RELOAD_AGAIN_AFTER);
    }
  }

  OutsideCause(ConfigStore store, ReloadVerifier verifier, Clock clock) {
    this.store = store;
    this.verifier = verifier;
    this.clock = clock;
  }

  /**
   * Prometheus refused {@code configHash} and then the restored verified config {@code
   * verifiedHash} too, saying {@code said}, with {@code lastConfigTime} reported before that
   * reload: the verified config is not reloaded again until something changed.
   */
  void refusedWithTheVerified(String configHash, String verifiedHash, Instant lastConfigTime,
      String said) {
    waiting = configHash;
    refusal = new Refusal(verifiedHash, lastConfigTime, clock.instant(), said);
  }

  /**
   * Prometheus refused a reload of the verified config {@code verifiedHash}, the desired one,
   * saying {@code said}, with {@code lastConfigTime} reported before it: it loaded before, so
   * the cause is outside promcc's files, and it is not reloaded again until something changed,
   * as for a config that waits ({@link #refusedAsDesiredStands}).
   */
  void refusedAsDesired(String verifiedHash, Instant lastConfigTime, String said) {
    refusedAsDesired = new Refusal(verifiedHash, lastConfigTime, clock.instant(), said);
  }

  /**
   * What a reconcile of the verified config {@code verified}, desired, ends with while
   * Prometheus reports a failed load {@code now} and its last refusal of that config stands;
   * empty if none stands: it is reloaded.
   */
  Optional<Delivered> refusedAsDesiredStands(Verification verified, RuntimeInfo now,
      Written written) {
    if (refusedAsDesired == null || !refusedAsDesired.stands(verified, now, clock.instant())) {
      refusedAsDesired = null;
      return Optional.empty();
    }
    return Optional.of(Delivered.of(Outcome.REJECTED, "prometheus refused the last verified "
        + "config " + shortHash(verified.configHash()) + " at " + refusedAsDesired.at() + ": "
        + refusedAsDesired.said() + "; it loaded before, so the cause is outside promcc's files "
        + "(another file prometheus reads, such as a rule file); it is reloaded again at "
        + refusedAsDesired.reloadAgainAt() + ", or at once when prometheus reports another "
        + "load (someone reloaded it): each reload restarts prometheus' service discovery, "
        + "which lists every guest api server again", written, false));
  }

  /**
   * Whether {@code desired} waits: it is the config refused with the verified one, and the
   * verified config's files are on disk. Another desired config is tried as any change is (it
   * may be the fix), and ends the wait.
   */
  boolean holds(DesiredState desired, Optional<Verification> verified,
      SortedMap<String, DesiredFile> onDisk) {
    if (!desired.configHash().equals(waiting)) {
      waiting = null;
      refusal = null;
      return false;
    }
    return verified.isPresent()
        && DesiredState.configHashOf(onDisk).equals(verified.get().configHash());
  }

  /**
   * Records the certificates {@code written} of {@code desired} over {@code onDisk} while the
   * config waits with the verified config, as a renewal under a pin is: a rollback restores the
   * verified files, and a renewed certificate that the next desired config deleted (its cluster
   * removed), refused as well, came back as the copy recorded before the renewal, older (maybe
   * expired), while the verified config Prometheus runs names it.
   *
   * @return the store's refusal, worded for a result; empty if recorded or nothing was written
   */
  Optional<String> recordCertificates(Verification verified, DesiredState desired,
      SortedMap<String, DesiredFile> onDisk, FileDiff written) {
    if (written.isEmpty()) {
      return Optional.empty();
    }
    SortedMap<String, DesiredFile> after = new TreeMap<>(onDisk);
    written.writes().forEach(path -> after.put(path, desired.files().get(path)));
    try {
      store.mark(new DeliveryMark.Verified(verified.withStateHash(DesiredState.hashOf(after))));
      return Optional.empty();
    } catch (ConfigStoreException e) {
      // the certificates landed; a later record of the verified config brings the store's
      // rollback set up to date (a renewal's, or a rollback's)
      return Optional.of("the certificates were written, but recording them with the last "
          + "verified config " + shortHash(verified.configHash()) + " failed: "
          + e.getMessage());
    }
  }

  /**
   * Reloads the verified files on disk, unless Prometheus reports a successful load already
   * (someone reloaded it once the outside file was fixed), or the last refusal of their reload
   * still stands (see the class comment).
   *
   * @return empty if Prometheus loaded them: the desired config goes ahead; else what the
   *     delivery ends with, not in sync, with nothing written yet (the caller writes the
   *     certificates, so that renewals land while the config waits)
   */
  Optional<Delivered> reloadVerified(PrometheusControl control, DesiredState desired,
      Verification verified, PhaseTimer timer) {
    String waits = "config " + shortHash(desired.configHash()) + ", refused with the last "
        + "verified config " + shortHash(verified.configHash()) + " for a cause outside "
        + "promcc's files (another file prometheus reads, such as a rule file), waits until "
        + "prometheus loads it again: ";
    Outcome outcome;
    String said;
    reloaded = List.of();
    RuntimeInfo now = null;
    try {
      now = timer.call(Phase.VERIFY, control::runtimeInfo);
      if (now.reloadConfigSuccess()) {
        waiting = null;
        refusal = null;
        return Optional.empty();
      }
      if (refusal != null && refusal.stands(verified, now, clock.instant())) {
        return Optional.of(Delivered.of(Outcome.REJECTED, waits + "prometheus refused the last "
            + "verified config at " + refusal.at() + ": " + refusal.said() + "; it is reloaded "
            + "again at " + refusal.reloadAgainAt() + ", or at once when prometheus reports "
            + "another load (someone reloaded it): each reload restarts prometheus' service "
            + "discovery, which lists every guest api server again", new Written(), false));
      }
      try {
        verifier.reloadAndVerify(control, now, timer, true);
      } catch (ReloadRejectedException refused) {
        reloaded = List.of(VerifiedReload.REFUSED);
        refusal = new Refusal(verified.configHash(), now.lastConfigTime(), clock.instant(),
            refused.getMessage());
        throw refused;
      }
      reloaded = List.of(VerifiedReload.LOADED);
      waiting = null;
      refusal = null;
      return Optional.empty();
    } catch (ReloadRejectedException refused) {
      outcome = Outcome.REJECTED;
      said = waits + "prometheus refused the last verified config again: "
          + refused.getMessage() + "; prometheus applies the scrape configs of a config it "
          + "refuses for such a file, so the desired config is written once the verified one "
          + "loads, not at every reconcile, which would switch its scrape jobs between the two";
    } catch (NotReadyAfterChange | NeverSentAndDown | PrometheusUnavailableException
        | PrometheusApiException down) {
      outcome = Outcome.PROMETHEUS_UNAVAILABLE;
      said = waits + "reloading the last verified config failed: " + down.getMessage();
      reloaded = Rollback.reloadFailed(now, down);
    }
    return Optional.of(Delivered.of(outcome, said, new Written(), false)
        .afterVerifiedReloads(reloaded));
  }

  /**
   * The reloads of the verified config the last {@link #reloadVerified} made, with how each
   * ended: one after which the desired config went ahead is not in a result it returned.
   */
  List<VerifiedReload> reloaded() {
    return reloaded;
  }
}
