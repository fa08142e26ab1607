package io.promcc.app.status;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.reconcile.VerifiedReload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds {@link ReconcileResult}s by hand for metric and health tests. */
final class Results {
  private final Outcome outcome;
  private String message = "";
  private final List<String> written = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private final List<ClusterId> active = new ArrayList<>();
  private final SortedMap<ClusterId, Rejection> degraded = new TreeMap<>();
  private final List<Rejection> waiting = new ArrayList<>();
  private final List<Rejection> rejected = new ArrayList<>();
  private final SortedMap<ClusterId, Instant> notAfter = new TreeMap<>();
  private boolean inSync;
  private boolean rolledBack;
  private boolean desiredReloadAsked;
  private final List<VerifiedReload> verifiedReloads = new ArrayList<>();
  private final Map<Phase, Duration> durations = new EnumMap<>(Phase.class);
  private ScrapeDiscovery scrapeDiscovery = ScrapeDiscovery.NOT_CHECKED;

  private Results(Outcome outcome) {
    this.outcome = outcome;
    this.inSync = outcome.success();
  }

  static Results of(Outcome outcome) {
    return new Results(outcome);
  }

  Results message(String value) {
    message = value;
    return this;
  }

  Results written(String... paths) {
    written.addAll(List.of(paths));
    return this;
  }

  Results deleted(String... paths) {
    deleted.addAll(List.of(paths));
    return this;
  }

  /** An active cluster whose certificate ends at {@code certificateEnd}. */
  Results active(String id, Instant certificateEnd) {
    active.add(ClusterId.of(id));
    notAfter.put(ClusterId.of(id), certificateEnd);
    return this;
  }

  /** An active cluster kept on its last certificate for {@code reason}. */
  Results degraded(String id, Instant certificateEnd, String reason) {
    active(id, certificateEnd);
    degraded.put(ClusterId.of(id), new Rejection(id, reason, "certificate source: " + reason));
    return this;
  }

  Results waiting(String id, String reason) {
    waiting.add(new Rejection(id, reason, "no certificate for cluster \"" + id + "\""));
    return this;
  }

  Results rejected(String subject, String reason) {
    rejected.add(new Rejection(subject, reason, subject + " is invalid"));
    return this;
  }

  Results inSync(boolean value) {
    inSync = value;
    return this;
  }

  Results rolledBack() {
    rolledBack = true;
    return this;
  }

  /** The reconcile asked Prometheus to load the desired config (see ReconcileResult). */
  Results desiredReloadAsked() {
    desiredReloadAsked = true;
    return this;
  }

  /** The reloads of the last verified config alone that the reconcile made, in order. */
  Results verifiedReloads(VerifiedReload... ends) {
    verifiedReloads.addAll(List.of(ends));
    return this;
  }

  /** What the reconcile read of Prometheus' scrape discovery. */
  Results scrapeDiscovery(ScrapeDiscovery value) {
    scrapeDiscovery = value;
    return this;
  }

  Results phase(Phase phase, Duration duration) {
    durations.put(phase, duration);
    return this;
  }

  ReconcileResult build() {
    return new ReconcileResult(outcome, message, Optional.of("state"), Optional.of("config"),
        written, deleted, active, degraded, waiting, rejected, notAfter, inSync, rolledBack,
        desiredReloadAsked, Optional.empty(), durations,
        outcome != Outcome.SOURCE_NOT_READY && outcome != Outcome.FAILED, verifiedReloads,
        scrapeDiscovery);
  }
}
