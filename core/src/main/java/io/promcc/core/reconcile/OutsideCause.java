package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ReloadVerifier.NeverSentAndDown;
import io.promcc.core.reconcile.ReloadVerifier.NotReadyAfterChange;
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
 */
final class OutsideCause {
  private final ConfigStore store;
  private final ReloadVerifier verifier;
  /** The desired config refused with the verified one after it; null if none waits. */
  private String waiting;

  OutsideCause(ConfigStore store, ReloadVerifier verifier) {
    this.store = store;
    this.verifier = verifier;
  }

  /** Prometheus refused {@code configHash} and then the restored verified config too. */
  void refusedWithTheVerified(String configHash) {
    waiting = configHash;
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
      store.markVerified(verified.withStateHash(DesiredState.hashOf(after)));
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
   * (someone reloaded it once the outside file was fixed).
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
    try {
      RuntimeInfo now = timer.call(Phase.VERIFY, control::runtimeInfo);
      if (now.reloadConfigSuccess()) {
        waiting = null;
        return Optional.empty();
      }
      verifier.reloadAndVerify(control, now, timer, true);
      waiting = null;
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
    }
    return Optional.of(Delivered.of(outcome, said, new Written(), false));
  }
}
