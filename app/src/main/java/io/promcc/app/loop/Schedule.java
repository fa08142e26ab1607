package io.promcc.app.loop;

import static java.util.Objects.requireNonNull;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the next reconcile is due. Pure bookkeeping over instants handed in; not thread-safe.
 *
 * <ul>
 *   <li>A lone trigger (a source changed, a watched file changed), one that comes at least the
 *       debounce after the trigger before it, makes a run due the {@link Pacing#settle() settle}
 *       after it: a single change is not held back for a burst that is not coming.
 *   <li>Any other trigger, or a second one within the settle, makes a run due {@code debounce}
 *       after the latest trigger, but never later than {@code maxDelay} after the first trigger
 *       since the last run started: a burst is one run, and a steady stream of changes cannot
 *       postpone it for good.
 *   <li>A run is due at the resync period after the last run, and at the time the last result
 *       asked for (a certificate's renewal), but no sooner than the debounce after that run: a
 *       time already past cannot make the loop spin.
 *   <li>A failed run is retried when the backoff has passed, and nothing runs before that,
 *       whatever triggers; the backoff grows with each failure in a row and resets on success.
 *   <li>Except after a run the cluster source was not ready for ({@code source-not-ready}):
 *       the source tells when it is back (it triggers on every change and recovery), and
 *       such a run touched nothing outside, so a trigger of the cluster source since that run
 *       started makes the next run due as any trigger does; without one, the backoff's retry
 *       stands. A source that failed for a minute is not followed by a minute more of waiting
 *       once it works. Another trigger (a certificate, a watched file) says nothing of the
 *       cluster source: the next run stays due at the backoff's end, or after the trigger if
 *       that is later, as after any failure.
 *   <li>Likewise after a run whose config Prometheus refused ({@code rejected}): an edit of the
 *       base config or profile since that run started makes the next run due as any trigger
 *       does, since the desired config may have changed, which ends the rejection's pin; an
 *       operator's fix is not held back by a backoff of up to a minute. But a run an edit
 *       brings before its backoff's end (an early retry) comes at most once per {@link
 *       #EARLY_RETRY_SPACING}: within that time of the last one, an edit makes the next run due
 *       when that time has passed, or at the backoff's end if sooner. Each rejected run of a
 *       new config costs Prometheus two reloads (the refused one and the rollback's), so an
 *       editor that saves a bad edit every second costs at most two every 30 s, plus those of
 *       the backoff's retries, where it cost two a second. A success ends the count: a run
 *       after it is never held by a backoff, so the next rejection's first early retry (the
 *       operator's fix of a new typo) is not held back by one made before. Other triggers
 *       leave the backoff as it is.
 *   <li>The same after a {@code failed} run whose desired state a check refused before
 *       anything was written ({@link io.promcc.core.reconcile.ReconcileResult#desiredRefused()}:
 *       {@code promtool check config}, the planner's check of the planned config): an edit may
 *       fix it, and a retry of the same files would be refused again. The same spacing holds:
 *       such a run costs Prometheus no reload, but a run of promtool, which may take seconds
 *       of CPU on a large config. A failure to write keeps its backoff.
 *   <li>Likewise after a run that found Prometheus unavailable ({@code prometheus-unavailable}):
 *       a probe's answer after one without ({@link #prometheusAnswersAgain}) makes the next run
 *       due at once, but no sooner than the debounce after that run (a backoff that ends
 *       sooner stands, and the resync waits too); one since that run started makes the retry
 *       due so. Once: it ends that run's backoff alone, and the next such run
 *       backs off as before until the next answer after none, so a Prometheus that flaps
 *       causes at most one run per two probes beyond the backoff's.
 * </ul>
 */
final class Schedule {
  /** The least time between two runs that an edit brought before their backoff's end. */
  static final Duration EARLY_RETRY_SPACING = Duration.ofSeconds(30);

  private final Pacing pacing;
  private final Backoff backoff;

  private Instant firstTrigger;
  private Instant lastTrigger;
  /** The pending triggers are one lone trigger. */
  private boolean lone;
  /** The latest trigger, also one already taken into a run. */
  private Instant previousTrigger;
  private Instant resyncAt;
  private Instant requestedAt;
  private Instant notBefore;
  /** The backoff in {@link #notBefore} ends at the cluster source's next trigger. */
  private boolean triggerEndsBackoff;
  /** The cluster source triggered since the last run started. */
  private boolean clusterSourceTriggered;
  /** The backoff in {@link #notBefore} ends at the next edit of the base config or profile. */
  private boolean plannerEndsBackoff;
  /** The base config or profile was read anew since the last run started. */
  private boolean plannerTriggered;
  /** From when an edit lets the next run start before {@link #notBefore}, if one did. */
  private Instant earlyFrom;
  /**
   * When the last run an edit brought before its backoff's end started, if one did since the
   * last success.
   */
  private Instant lastEarlyRetry;
  /**
   * After a {@code prometheus-unavailable} run: the soonest its retry may be (that run's end
   * plus the debounce), until Prometheus answers again; else null.
   */
  private Instant prometheusRetryFrom;
  /** Prometheus answered again since the last run started. */
  private boolean prometheusAnswered;
  private int failures;

  /** A schedule whose first run is due at once ({@code start}). */
  Schedule(Pacing pacing, Backoff backoff, Instant start) {
    this.pacing = requireNonNull(pacing, "pacing == null");
    this.backoff = requireNonNull(backoff, "backoff == null");
    this.resyncAt = requireNonNull(start, "start == null");
  }

  /** Something other than the cluster source may have changed (a certificate, a file). */
  void triggered(Instant now) {
    triggered(now, false);
  }

  /**
   * Something may have changed; {@code clusterSource} if the cluster source said so (a change,
   * a failure that starts or ends).
   */
  void triggered(Instant now, boolean clusterSource) {
    if (firstTrigger == null) {
      firstTrigger = now;
      lone = previousTrigger == null || !now.isBefore(previousTrigger.plus(pacing.debounce()));
    } else {
      lone = false;
    }
    lastTrigger = now;
    previousTrigger = now;
    if (!clusterSource) {
      return;
    }
    clusterSourceTriggered = true;
    if (triggerEndsBackoff) {
      triggerEndsBackoff = false;
      notBefore = null;
    }
  }

  /**
   * The base config or profile was read anew: a trigger that also ends the backoff of a run
   * Prometheus refused the config of.
   */
  void plannerTriggered(Instant now) {
    triggered(now, false);
    plannerTriggered = true;
    if (plannerEndsBackoff) {
      plannerEndsBackoff = false;
      earlyFrom = earlyRetryFrom(now);
    }
  }

  /** The soonest an edit at {@code now} may start a run before its backoff's end. */
  private Instant earlyRetryFrom(Instant now) {
    if (lastEarlyRetry == null) {
      return now;
    }
    Instant spaced = lastEarlyRetry.plus(EARLY_RETRY_SPACING);
    return spaced.isAfter(now) ? spaced : now;
  }

  /**
   * How long from {@code now} an edit of the base config or profile cannot bring a rejected
   * run's retry forward ({@link #EARLY_RETRY_SPACING}); zero if it can.
   */
  Duration earlyRetryHeld(Instant now) {
    return Duration.between(now, earlyRetryFrom(now));
  }

  /** Whether an edit read during the last run, a rejected one, brought its retry forward. */
  boolean retryBroughtForward() {
    return earlyFrom != null;
  }

  /**
   * A probe of Prometheus got an answer after one that got none (or as the first): ends the
   * backoff of a run that ended {@code prometheus-unavailable}, once, at the debounce after
   * that run if that is later than now; a backoff that ends sooner stands.
   *
   * @return what was left of the backoff it ended, if it ended one
   */
  Optional<Duration> prometheusAnswersAgain(Instant now) {
    prometheusAnswered = true;
    Instant from = prometheusRetryFrom;
    prometheusRetryFrom = null;
    if (from == null || notBefore == null || !notBefore.isAfter(now)
        || !from.isBefore(notBefore)) { // a backoff shorter than the debounce stands
      return Optional.empty();
    }
    Duration left = Duration.between(now, notBefore);
    notBefore = from.isAfter(now) ? from : null; // the resync waits for it too
    requestedAt = from.isAfter(now) ? from : now;
    return Optional.of(left);
  }

  /** When the next run is due; at or before {@code now} means now. */
  Instant nextRun() {
    Instant due = resyncAt;
    if (requestedAt != null && requestedAt.isBefore(due)) {
      due = requestedAt;
    }
    if (firstTrigger != null) {
      Instant debounced = lastTrigger.plus(lone ? pacing.settle() : pacing.debounce());
      Instant bounded = firstTrigger.plus(pacing.maxDelay());
      Instant triggered = debounced.isBefore(bounded) ? debounced : bounded;
      if (triggered.isBefore(due)) {
        due = triggered;
      }
    }
    Instant bound = notBefore;
    if (bound != null && earlyFrom != null && earlyFrom.isBefore(bound)) {
      bound = earlyFrom;
    }
    return bound != null && bound.isAfter(due) ? bound : due;
  }

  /** A run starts at {@code now}: triggers until now are taken into it. */
  void started(Instant now) {
    if (notBefore != null && now.isBefore(notBefore)) {
      lastEarlyRetry = now; // an edit brought it before its backoff's end
    }
    firstTrigger = null;
    lastTrigger = null;
    clusterSourceTriggered = false;
    plannerTriggered = false;
    prometheusAnswered = false;
    prometheusRetryFrom = null;
  }

  /**
   * A run finished.
   *
   * @param runAgainAt when the result asks to run again (a renewal), if ever
   * @return the backoff now in force, if the run failed: zero when the cluster source
   *     triggered during a run it was not ready for, the base config or profile was read
   *     anew during a rejected run, or Prometheus answered again during a run that found it
   *     unavailable, which ended it; for such an edit within {@link #EARLY_RETRY_SPACING} of
   *     the last early retry, the time until that has passed, or until the backoff's end if
   *     sooner
   */
  Optional<Duration> finished(Instant now, Outcome outcome, Optional<Instant> runAgainAt) {
    return finished(now, outcome, false, runAgainAt);
  }

  /**
   * A run finished; {@code desiredRefused} if a check refused its desired state (a
   * {@code failed} run whose backoff an edit of the base config or profile ends, as a
   * {@code rejected} one's), see {@link #finished(Instant, Outcome, Optional)}.
   */
  Optional<Duration> finished(Instant now, Outcome outcome, boolean desiredRefused,
      Optional<Instant> runAgainAt) {
    resyncAt = now.plus(pacing.resync());
    Instant soonest = now.plus(pacing.debounce());
    requestedAt = runAgainAt.map(at -> at.isBefore(soonest) ? soonest : at).orElse(null);
    triggerEndsBackoff = false;
    plannerEndsBackoff = false;
    earlyFrom = null;
    prometheusRetryFrom = null;
    if (outcome.success()) {
      failures = 0;
      notBefore = null;
      lastEarlyRetry = null; // the rejections whose early retries are spaced have ended
      return Optional.empty();
    }
    failures++;
    Duration delay = backoff.after(failures);
    notBefore = now.plus(delay);
    requestedAt = notBefore; // a failed run is retried once the backoff has passed
    if (outcome == Outcome.SOURCE_NOT_READY) {
      if (clusterSourceTriggered) { // the source triggered while the run read it
        notBefore = null;
        return Optional.of(Duration.ZERO);
      } else {
        triggerEndsBackoff = true;
      }
    } else if (outcome == Outcome.REJECTED || desiredRefused) {
      if (plannerTriggered) { // the run may have planned with the files before the edit
        earlyFrom = earlyRetryFrom(now);
        Instant retry = earlyFrom.isBefore(notBefore) ? earlyFrom : notBefore;
        return Optional.of(Duration.between(now, retry));
      }
      plannerEndsBackoff = true;
    } else if (outcome == Outcome.PROMETHEUS_UNAVAILABLE) {
      if (prometheusAnswered) { // it may have asked Prometheus before it was back
        notBefore = soonest.isBefore(notBefore) ? soonest : notBefore;
        requestedAt = notBefore;
        return Optional.of(Duration.ZERO);
      }
      prometheusRetryFrom = soonest;
    }
    return Optional.of(delay);
  }

  /** Failures in a row so far. */
  int failures() {
    return failures;
  }
}
