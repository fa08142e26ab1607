package io.promcc.core.reconcile;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.ForwardingPrometheusControl;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads, after a delivery that left Prometheus running the desired config, whether Prometheus
 * started the service discovery of its scrape configs. What it cannot read is {@linkplain
 * ScrapeDiscovery#unknown unknown}, never a failure of the reconcile.
 *
 * <p>Prometheus' {@code /metrics} lists its per-job series before the gauge (megabytes with tens of
 * thousands of jobs), and the gauge changes only when Prometheus applies a config. So the count
 * read is kept with Prometheus' {@code lastConfigTime} of the runtime info the delivery read just
 * before it and after any reload it asked (what was read before a reload shows the load it
 * replaced; an HTTP reload's 200 is followed by no read, so a count read then is not kept), and a
 * later reconcile whose delivery saw the same {@code lastConfigTime} with its last load successful,
 * and nothing else, takes it without reading {@code /metrics}. A count is kept only if that runtime
 * info was answered a second or more after {@code lastConfigTime} (Prometheus' clock, whole
 * seconds): a later load cannot then show the same time. A load that failed (which may have applied
 * discovery configs all the same) shows as unsuccessful, and the gauge is read. A read that fails
 * is unknown, the count read after the load Prometheus still reports (one read within its second
 * included) standing as {@link ScrapeDiscovery#readBefore()}: the gauge has not changed since. One
 * per {@link Reconciler}.
 */
final class DiscoveryCheck {
  /** Why the count is unknown when Prometheus answers without its gauge. */
  static final String NO_GAUGE = "prometheus' /metrics has no "
      + "prometheus_sd_failed_configs{name=\"scrape\"} (a prometheus older than 2.13 has none)";

  private final Optional<PrometheusControl> prometheus;
  /** What the runtime info read in this reconcile says, guarded by this. */
  private Seen seen = Seen.NOTHING;
  /**
   * The count last read, with the load it was read after; or null. Guarded by this; one
   * reconcile at a time calls {@link #after}.
   */
  private Kept last;

  DiscoveryCheck(Optional<PrometheusControl> prometheus) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
  }

  /** The Prometheus for the delivery: the same, its runtime info answers seen here. */
  Optional<PrometheusControl> watched() {
    return prometheus.map(Watched::new);
  }

  /** A reconcile starts: what was seen of Prometheus before is not its own. */
  synchronized void begin() {
    seen = Seen.NOTHING;
  }

  /**
   * What Prometheus says of its scrape discovery after {@code delivered}, timed as a part of
   * {@link Phase#VERIFY}; {@link ScrapeDiscovery#NOT_CHECKED} without a Prometheus, or if it is
   * not known to run the desired config.
   */
  ScrapeDiscovery after(Delivered delivered, PhaseTimer timer) {
    Seen now;
    OptionalInt readBefore;
    synchronized (this) {
      now = seen;
      seen = Seen.NOTHING;
      if (!delivered.inSync() || prometheus.isEmpty()) {
        return ScrapeDiscovery.NOT_CHECKED;
      }
      if (last != null && now.load().equals(Optional.of(last.lastConfigTime()))) {
        if (last.sure()) {
          return ScrapeDiscovery.read(last.failedConfigs());
        }
      } else {
        last = null; // of another load, or the load is not known
      }
      readBefore = last == null ? OptionalInt.empty() : OptionalInt.of(last.failedConfigs());
    }
    // read without the lock: a runtime info answer of the delivery seen meanwhile never waits
    try {
      OptionalInt failed = timer.call(Phase.VERIFY,
          () -> prometheus.get().gauges().failedScrapeDiscoveryConfigs());
      if (failed.isEmpty()) {
        return ScrapeDiscovery.unknown(NO_GAUGE, readBefore);
      }
      synchronized (this) {
        last = now.load().map(load -> new Kept(load, failed.getAsInt(),
            now.answeredAfterItsSecond())).orElse(null);
      }
      return ScrapeDiscovery.read(failed.getAsInt());
    } catch (PrometheusUnavailableException | PrometheusApiException e) {
      return ScrapeDiscovery.unknown(e.getMessage(), readBefore);
    } catch (RuntimeException e) {
      // a control breaking its contract: the config is delivered all the same
      return ScrapeDiscovery.unknown(ReconcileResults.unexpected(e), readBefore);
    }
  }

  private synchronized void saw(RuntimeInfo info) {
    seen = seen.and(info);
  }

  /**
   * A reload is asked: the runtime info seen before it shows the load it replaces (an HTTP
   * reload's 200 is not followed by another read), whether or not it is answered.
   */
  private synchronized void reloading() {
    seen = Seen.NOTHING;
  }

  /**
   * A count read after the load of {@code lastConfigTime}; {@code sure} if its runtime info was
   * answered a second or more after that load (no later load can look the same), so that it is
   * taken without reading again.
   */
  private record Kept(Instant lastConfigTime, int failedConfigs, boolean sure) {}

  /**
   * The runtime info answers of one reconcile: the one load they all show, successful, and
   * whether the last was answered a second or more after it; or that they do not agree.
   */
  private record Seen(Optional<RuntimeInfo> last, boolean agree) {
    static final Seen NOTHING = new Seen(Optional.empty(), true);

    Seen and(RuntimeInfo info) {
      boolean same = last.map(l -> l.lastConfigTime().equals(info.lastConfigTime())
          && l.reloadConfigSuccess() == info.reloadConfigSuccess()).orElse(true);
      return new Seen(Optional.of(info), agree && same);
    }

    /** The load every answer shows, if they agree and it succeeded. */
    Optional<Instant> load() {
      return last.filter(i -> agree && i.reloadConfigSuccess())
          .map(RuntimeInfo::lastConfigTime);
    }

    boolean answeredAfterItsSecond() {
      return last.flatMap(i -> i.serverTime()
          .filter(t -> !t.isBefore(i.lastConfigTime().plusSeconds(1)))).isPresent();
    }
  }

  /** Forwards every call; the runtime info answers are seen. */
  private final class Watched extends ForwardingPrometheusControl {
    Watched(PrometheusControl delegate) {
      super(delegate);
    }

    @Override
    public ReloadAck reload() {
      reloading();
      return super.reload();
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      RuntimeInfo info = super.runtimeInfo();
      saw(info);
      return info;
    }
  }
}
