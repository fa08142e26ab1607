package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Delivers a desired state to Prometheus and proves it was loaded: diff against the files on
 * disk, validate locally, write atomically, reload, verify, and roll back on rejection.
 *
 * <h2>When nothing is done</h2>
 * No write and no reload if the files on disk equal the desired state, the store's last
 * {@link Verification} is for this state, and Prometheus still runs a config loaded at or after
 * that verification ({@code reloadConfigSuccess} true and {@code lastConfigTime} not older than the
 * verified one). This is decided from the manifest on disk and Prometheus' answer, not from memory,
 * so it holds across a controller restart. A Prometheus restart gives a newer
 * {@code lastConfigTime}; as the files on disk are the verified ones, that still counts as loaded.
 * A failed reload by someone else ({@code reloadConfigSuccess} false) does not.
 *
 * <h2>When only certificates changed</h2>
 * They are written without a reload: Prometheus re-reads TLS files on each connection.
 *
 * <h2>Verification</h2>
 * A reload counts only when runtimeinfo then shows success and a {@code lastConfigTime} newer than
 * before. The "before" runtimeinfo is read on a background thread while the files are validated
 * and written (on a large Prometheus it takes as long as the writes: Prometheus gathers all its
 * metrics to answer), so it costs no time of its own. Prometheus reports that time in whole
 * seconds, so if the previous load happened in the current second, the reload waits for the next
 * second first (at most one second, and only right after a load). Controller and Prometheus must
 * share a clock (same Pod or host); a Prometheus that loaded the files strictly after they were
 * written (e.g. it started after the write) is accepted without a reload.
 *
 * <h2>Rejection</h2>
 * If Prometheus rejects the config (HTTP 500 or {@code reloadConfigSuccess} false), the last
 * verified files are restored, Prometheus is reloaded with them, and
 * {@link ConfigRejectedException} carries Prometheus' message. The same rejected state is not
 * tried again (no write, no reload) until the desired state changes or the process restarts, so a
 * bad input cannot cause a reload storm.
 *
 * <p>Not thread-safe: calls must be serialised (one reconciler). Exceptions: {@link
 * ValidationException} (nothing written), {@link ConfigRejectedException}, {@link
 * PrometheusUnavailableException} (not ready in time), {@link
 * io.promcc.core.port.PrometheusApiException}, {@link io.promcc.core.port.ConfigStoreException}.
 */
public final class VerifiedDelivery {
  private static final Duration FIRST_POLL = Duration.ofMillis(20);
  private static final Duration MAX_POLL = Duration.ofSeconds(1);

  private final ConfigStore store;
  private final PrometheusControl prometheus;
  private final LocalValidation validation;
  private final Duration readyTimeout;
  private final Duration verifyTimeout;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ExecutorService background = baselineThread();

  private String lastRejectedHash;
  private ConfigRejectedException lastRejection;
  // When this instance last wrote files for a state that is not verified yet (Prometheus was
  // unreachable): lets the next apply accept a Prometheus that loaded them after that moment.
  private String unverifiedHash;
  private Instant unverifiedWrittenAt;

  /** A delivery with the settings' ready and reload timeouts. */
  @Inject
  public VerifiedDelivery(ConfigStore store, PrometheusControl prometheus,
      LocalValidation validation, PrometheusAdapterSettings settings, Clock clock) {
    this(store, prometheus, validation, settings.readyTimeout(), settings.reloadTimeout(), clock,
        Sleeper.SYSTEM);
  }

  VerifiedDelivery(ConfigStore store, PrometheusControl prometheus, LocalValidation validation,
      Duration readyTimeout, Duration verifyTimeout, Clock clock, Sleeper sleeper) {
    this.store = requireNonNull(store, "store == null");
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.validation = requireNonNull(validation, "validation == null");
    this.readyTimeout = requireNonNull(readyTimeout, "readyTimeout == null");
    this.verifyTimeout = requireNonNull(verifyTimeout, "verifyTimeout == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.sleeper = requireNonNull(sleeper, "sleeper == null");
  }

  /**
   * Makes {@code desired} the files on disk and the config Prometheus runs. Idempotent: a second
   * call with the same state writes nothing and does not reload.
   *
   * @throws ValidationException if a file fails local validation; nothing was written
   * @throws ConfigRejectedException if Prometheus rejected the config; see {@link
   *     ConfigRejectedException#rolledBack()}
   * @throws PrometheusUnavailableException if Prometheus was not ready in time; files may have
   *     been written, and the next call verifies them
   */
  public DeliveryResult apply(DesiredState desired) {
    requireNonNull(desired, "desired == null");
    Instant start = clock.instant();
    if (desired.hash().equals(lastRejectedHash)) {
      throw new ConfigRejectedException(lastRejection.prometheusMessage(), desired.hash(),
          lastRejection.rolledBack(), "rejected before, so not tried again until the desired "
              + "state changes");
    }
    FileDiff diff = FileDiff.between(desired, store.readOwned());
    Optional<Verification> verified = store.lastVerified();
    String configHash = configHash(desired.files());
    Instant writtenAt = null;
    RuntimeInfo before;
    if (!diff.isEmpty()) {
      Future<RuntimeInfo> baseline = background.submit(this::readyRuntimeInfo);
      try {
        validation.check(desired, diff.writes());
        store.write(desired, diff);
      } catch (RuntimeException | Error e) {
        baseline.cancel(true);
        throw e;
      }
      writtenAt = clock.instant();
      unverifiedHash = desired.hash();
      unverifiedWrittenAt = writtenAt;
      before = await(baseline);
    } else {
      if (desired.hash().equals(unverifiedHash)) {
        writtenAt = unverifiedWrittenAt;
      }
      before = readyRuntimeInfo();
    }

    boolean configStillLoaded = verified.isPresent()
        && verified.get().configHash().equals(configHash) && !diff.configChanged()
        && before.reloadConfigSuccess()
        && !before.lastConfigTime().isBefore(verified.get().loadedAt());
    if (configStillLoaded) {
      if (!verified.get().stateHash().equals(desired.hash()) || !diff.isEmpty()) {
        store.markVerified(new Verification(desired.hash(), configHash,
            verified.get().loadedAt()));
      }
      return result(desired, diff, false, start);
    }
    if (writtenAt != null && before.reloadConfigSuccess()
        && before.lastConfigTime().isAfter(writtenAt)) {
      // Prometheus (re)started and loaded the files after they were complete on disk.
      store.markVerified(new Verification(desired.hash(), configHash, before.lastConfigTime()));
      unverifiedHash = null;
      return result(desired, diff, false, start);
    }

    RuntimeInfo after;
    try {
      after = reloadAndVerify(before);
    } catch (ReloadRejectedException rejected) {
      throw rollBack(desired, rejected.prometheusMessage());
    }
    store.markVerified(new Verification(desired.hash(), configHash, after.lastConfigTime()));
    lastRejectedHash = null;
    lastRejection = null;
    unverifiedHash = null;
    return result(desired, diff, true, start);
  }

  /**
   * Runtimeinfo, waiting for readiness first only if it fails: Prometheus answers its API with
   * 503 until it is ready, and a running Prometheus should cost one call, not two.
   */
  private RuntimeInfo readyRuntimeInfo() {
    try {
      return prometheus.runtimeInfo();
    } catch (PrometheusUnavailableException | PrometheusApiException notReady) {
      prometheus.awaitReady(readyTimeout);
      return prometheus.runtimeInfo();
    }
  }

  /** The background runtimeinfo's answer, or its exception as thrown there. */
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

  /** One daemon thread, started when needed and ended after 30 idle seconds. */
  private static ExecutorService baselineThread() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "promcc-prometheus-baseline");
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Reloads and waits until runtimeinfo shows a newer successful load. A runtimeinfo call that
   * times out or finds Prometheus not ready is asked again until the verify timeout: right after
   * loading tens of thousands of jobs Prometheus can take longer than a request timeout to
   * answer, and the load it just reported is not in doubt for that.
   */
  private RuntimeInfo reloadAndVerify(RuntimeInfo before) {
    waitUntilAfter(before.lastConfigTime());
    prometheus.reload();
    Instant deadline = clock.instant().plus(verifyTimeout);
    Duration poll = FIRST_POLL;
    while (true) {
      RuntimeInfo now = null;
      try {
        now = prometheus.runtimeInfo();
      } catch (PrometheusUnavailableException busy) {
        if (!clock.instant().isBefore(deadline)) {
          throw busy;
        }
      }
      if (now != null) {
        if (now.reloadConfigSuccess() && now.lastConfigTime().isAfter(before.lastConfigTime())) {
          return now;
        }
        if (!now.reloadConfigSuccess() && before.reloadConfigSuccess()) {
          throw new ReloadRejectedException("prometheus reports reloadConfigSuccess=false after "
              + "the reload; its log has the details");
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new ReloadRejectedException("no successful load within " + verifyTimeout
              + " after the reload (lastConfigTime " + now.lastConfigTime()
              + ", reloadConfigSuccess " + now.reloadConfigSuccess() + ")");
        }
      }
      sleeper.pause(poll, "verifying the reload");
      poll = Sleeper.doubled(poll, MAX_POLL);
    }
  }

  private ConfigRejectedException rollBack(DesiredState desired, String message) {
    unverifiedHash = null;
    ConfigRejectedException failure;
    Optional<Verification> verified = store.lastVerified();
    if (verified.isEmpty() || !store.restoreLastVerified()) {
      failure = new ConfigRejectedException(message, desired.hash(), false,
          "there are no verified files to restore, so the rejected files stay on disk");
    } else {
      try {
        RuntimeInfo after = reloadAndVerify(prometheus.runtimeInfo());
        store.markVerified(new Verification(verified.get().stateHash(),
            verified.get().configHash(), after.lastConfigTime()));
        failure = new ConfigRejectedException(message, desired.hash(), true,
            "restored and reloaded the last verified files (state "
                + verified.get().stateHash().substring(0, 12) + ")");
      } catch (RuntimeException e) {
        failure = new ConfigRejectedException(message, desired.hash(), false,
            "restored the last verified files, but reloading them failed: " + e.getMessage());
        failure.addSuppressed(e);
        return failure; // do not pin: the next apply must try again
      }
    }
    lastRejectedHash = desired.hash();
    lastRejection = failure;
    return failure;
  }

  /** Waits until the clock is in a later whole second than {@code lastConfigTime}. */
  private void waitUntilAfter(Instant lastConfigTime) {
    Instant target = lastConfigTime.plusSeconds(1);
    for (Instant now = clock.instant(); now.isBefore(target); now = clock.instant()) {
      sleeper.pause(Duration.between(now, target), "verifying the reload");
    }
  }

  private DeliveryResult result(DesiredState desired, FileDiff diff, boolean reloaded,
      Instant start) {
    return new DeliveryResult(desired.hash(), diff.writes(), diff.deletes(), reloaded,
        Duration.between(start, clock.instant()));
  }

  /** Hash over the config files alone; certificates may change without a reload. */
  static String configHash(SortedMap<String, DesiredFile> files) {
    SortedMap<String, DesiredFile> configs = new TreeMap<>();
    files.forEach((path, file) -> {
      if (file.kind().isConfig()) {
        configs.put(path, file);
      }
    });
    return DesiredState.hashOf(configs);
  }
}
