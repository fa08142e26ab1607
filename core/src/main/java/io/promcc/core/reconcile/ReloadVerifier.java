package io.promcc.core.reconcile;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Reloads Prometheus and proves the load from its own answers, for {@link Delivery}: an HTTP
 * reload's 200, or after a signal (or a request that got no answer) a newer successful load in
 * its runtime info; a Prometheus that went away during the reload is waited for. Keeps no state
 * between calls; not thread-safe: one reconciler thread.
 */
final class ReloadVerifier {
  private static final Duration FIRST_POLL = Duration.ofMillis(20);
  private static final Duration MAX_POLL = Duration.ofSeconds(1);

  private final Duration readyTimeout;
  private final Duration verifyTimeout;
  private final Clock clock;
  private final Sleeper sleeper;

  ReloadVerifier(Duration readyTimeout, Duration verifyTimeout, Clock clock, Sleeper sleeper) {
    this.readyTimeout = readyTimeout;
    this.verifyTimeout = verifyTimeout;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Prometheus went away during a reload and was not ready again within the ready timeout. */
  static final class NotReadyAfterChange extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReadyAfterChange(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * The reload never reached Prometheus, which was down and not ready within the ready timeout:
   * it went away for a reason of its own and never judged the new config.
   */
  static final class NeverSentAndDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeverSentAndDown(String message, Throwable cause) {
      super(message, cause, false, false);
    }
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
  Instant reloadAndVerify(PrometheusControl control, RuntimeInfo before,
      PhaseTimer timer, boolean restoring) {
    for (boolean resent = false; ; resent = true) {
      // a load in the baseline's second looks the same as it in runtime info: its exact time,
      // read now, tells them apart should the reload's answer give no verdict
      Optional<Instant> exactBefore = sameSecond(before)
          ? exactLoad(control, timer, Phase.RELOAD) : Optional.empty();
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
          return verify(control, ReloadAck.SIGNALLED, before, exactBefore, timer,
              "the reload request that got no answer", restoring);
        }
        RuntimeInfo now = timer.call(Phase.VERIFY, control::runtimeInfo);
        if (now.reloadConfigSuccess() && newer(control, now, before, exactBefore, timer)) {
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
      // the adapter signals only once Prometheus' clock has passed the second of its last load
      return verify(control, ack, before, Optional.empty(), timer, "the reload signal", true);
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
      Optional<Instant> exactBefore, PhaseTimer timer, String sent,
      boolean staleFailureRejects) {
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
        if (now.reloadConfigSuccess() && newer(control, now, before, exactBefore, timer)) {
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
   * Whether {@code now} shows a successful load after {@code before}'s: a later second of
   * {@code lastConfigTime}, or, in the same second, a later exact time than {@code exactBefore}
   * (read before the reload; empty when the baseline was answered in a later second than its
   * load, which rules the same second out, or when it could not be read).
   */
  private static boolean newer(PrometheusControl control, RuntimeInfo now, RuntimeInfo before,
      Optional<Instant> exactBefore, PhaseTimer timer) {
    if (now.lastConfigTime().isAfter(before.lastConfigTime())) {
      return true;
    }
    if (exactBefore.isEmpty() || !now.lastConfigTime().equals(before.lastConfigTime())) {
      return false;
    }
    return exactLoad(control, timer, Phase.VERIFY).filter(t -> t.isAfter(exactBefore.get()))
        .isPresent();
  }

  /**
   * Whether {@code info} was answered in the second of the load it reports (its {@code Date}
   * and {@code lastConfigTime}, both Prometheus' whole seconds): a later load may then show the
   * same {@code lastConfigTime}. Without Prometheus' time it is not told.
   */
  private static boolean sameSecond(RuntimeInfo info) {
    return info.serverTime().filter(t -> !t.isAfter(info.lastConfigTime())).isPresent();
  }

  /** Prometheus' exact time of its last load, empty if it cannot tell or does not answer. */
  private static Optional<Instant> exactLoad(PrometheusControl control, PhaseTimer timer,
      Phase phase) {
    try {
      return timer.call(phase, () -> control.gauges().lastLoadInstant());
    } catch (RuntimeException e) {
      // unanswered, refused, or a control breaking its contract (as DiscoveryCheck takes it):
      // then only a later second proves the load
      return Optional.empty();
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
}
