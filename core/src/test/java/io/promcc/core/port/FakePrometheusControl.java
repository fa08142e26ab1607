package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import io.promcc.core.plan.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * An in-memory Prometheus that "loads" whatever a {@link Supplier} of files returns (usually a
 * {@link FakeConfigStore#readOwned()}), the way the real one reads its folder. It passes
 * {@link PrometheusControlContract}, as the HTTP adapter does against a real Prometheus.
 *
 * <p>It has its own clock, which tests may set apart from the controller's to prove that the two
 * are never compared; {@code lastConfigTime} and the server time are whole seconds of it, as
 * Prometheus reports them. A rejecter decides which file sets a reload refuses (with the message
 * Prometheus would give), keeping the config it had; a failer which it refuses after applying
 * them (a broken rule file: Prometheus runs the new scrape configs all the same); a crasher
 * decides which file sets make the process die on load and crash-loop (it is down while the disk
 * holds such files, and starts again, loading the disk, once they are gone). It can be taken
 * down and started again (a new process, which loads the disk), restarted, made to reload by
 * signal, and counts reloads. A discovery counter says how many scrape discoveries of the files
 * it applies cannot start (none by default), as Prometheus' {@code
 * prometheus_sd_failed_configs{name="scrape"}} counts them at each load, a config it refused to
 * parse leaving the count of the one it runs.
 *
 * <p>A signal reload behaves as the adapter and Prometheus do together: the load happens
 * asynchronously, once its clock has passed the second of the previous load (the adapter signals
 * only then), so a successful signal reload always shows a newer {@code lastConfigTime}; until
 * its clock gets there, runtime info shows the previous load. The loaded config, like
 * Prometheus' {@code /api/v1/status/config}, shows secrets as {@code <secret>}. Thread-safe
 * (synchronized).
 */
public final class FakePrometheusControl implements PrometheusControl {
  /** The fields Prometheus 2.53 shows as {@code <secret>} (its {@code config.Secret} type). */
  private static final Set<String> SECRET_FIELDS = Set.of("password", "credentials",
      "bearer_token", "client_secret", "secret_key");
  private final Clock clock;
  private final Supplier<SortedMap<String, DesiredFile>> disk;
  private Function<SortedMap<String, DesiredFile>, Optional<String>> rejecter =
      files -> Optional.empty();
  private Function<SortedMap<String, DesiredFile>, Optional<String>> applyFailer =
      files -> Optional.empty();
  private Predicate<SortedMap<String, DesiredFile>> crasher = files -> false;
  private Function<SortedMap<String, DesiredFile>, OptionalInt> discoveryCounter =
      files -> OptionalInt.of(0);
  /** The discovery counter's answer for the files last applied. */
  private OptionalInt failedDiscoveries;
  private boolean up = true;
  private boolean crashLooping;
  private boolean signal;
  private boolean success = true;
  private Instant lastConfigTime;
  private Instant lastLoadInstant; // lastConfigTime with the fraction of its second
  /** When a received reload signal's load happens (its clock); null if none is pending. */
  private Instant signalledLoadAt;
  private SortedMap<String, DesiredFile> loaded;
  private int reloads;
  private int runtimeInfoCalls;

  /** Starts "up", having loaded what {@code disk} returns now. */
  public FakePrometheusControl(Clock clock, Supplier<SortedMap<String, DesiredFile>> disk) {
    this.clock = requireNonNull(clock, "clock == null");
    this.disk = requireNonNull(disk, "disk == null");
    this.loaded = new TreeMap<>(disk.get());
    this.lastLoadInstant = clock.instant();
    this.lastConfigTime = now();
    this.failedDiscoveries = discoveryCounter.apply(loaded);
  }

  /** Makes reloads of file sets for which {@code rejecter} returns a message fail with it. */
  public synchronized FakePrometheusControl rejectWhen(
      Function<SortedMap<String, DesiredFile>, Optional<String>> newRejecter) {
    this.rejecter = requireNonNull(newRejecter, "rejecter == null");
    return this;
  }

  /**
   * Makes reloads of file sets for which {@code newFailer} returns a message fail with it after
   * applying them, as Prometheus 2.53 does when a file the config names fails (a broken rule
   * file): the loaded config is the new one, yet no successful load is reported ({@code
   * reloadConfigSuccess} false, {@code lastConfigTime} that of the last successful load), and a
   * fresh process on such files exits at start. {@link #rejectWhen} is asked first: a config
   * that does not parse is refused whole.
   */
  public synchronized FakePrometheusControl failApplyingWhen(
      Function<SortedMap<String, DesiredFile>, Optional<String>> newFailer) {
    this.applyFailer = requireNonNull(newFailer, "failer == null");
    return this;
  }

  /**
   * Counts the scrape discoveries that cannot start of each file set applied from now on with
   * {@code counter} (empty: a Prometheus without the gauge, older than 2.13); the count of the
   * files applied now is taken at once, as a load would.
   */
  public synchronized FakePrometheusControl countFailedDiscoveriesWith(
      Function<SortedMap<String, DesiredFile>, OptionalInt> counter) {
    this.discoveryCounter = requireNonNull(counter, "counter == null");
    this.failedDiscoveries = counter.apply(loaded);
    return this;
  }

  /** Makes the process die when it loads a file set {@code crashes} accepts. */
  public synchronized FakePrometheusControl crashWhen(
      Predicate<SortedMap<String, DesiredFile>> crashes) {
    this.crasher = requireNonNull(crashes, "crasher == null");
    return this;
  }

  /** Reload by signal: {@link #reload()} answers {@link ReloadAck#SIGNALLED}. */
  public synchronized FakePrometheusControl reloadBySignal() {
    signal = true;
    return this;
  }

  /**
   * Takes Prometheus down (no process: every call fails as unreachable, until it is brought up
   * again) or brings it back up: a new process, which loads the files on disk now as
   * {@link #restart()} does, and crash-loops if they make it die or it refuses them. Bringing up
   * a Prometheus that is up changes nothing.
   */
  public synchronized void setUp(boolean newUp) {
    settle();
    if (newUp) {
      if (!up) {
        start();
      }
    } else {
      up = false;
      crashLooping = false; // stopped: it is not started again by itself
      signalledLoadAt = null; // stopped before it loaded
    }
  }

  /** Simulates a Prometheus restart: loads the files on disk now, as a fresh process would. */
  public synchronized void restart() {
    signalledLoadAt = null;
    start();
  }

  @Override
  public synchronized void awaitReady(Duration timeout) {
    requireUp();
  }

  @Override
  public synchronized ReloadAck reload() {
    requireUp();
    reloads++;
    if (signal) {
      if (signalledLoadAt == null) {
        Instant nextSecond = lastConfigTime.plusSeconds(1);
        Instant now = clock.instant();
        signalledLoadAt = now.isBefore(nextSecond) ? nextSecond : now;
      }
      settle();
      return ReloadAck.SIGNALLED; // a signal gets no answer; runtime info tells
    }
    SortedMap<String, DesiredFile> files = new TreeMap<>(disk.get());
    if (crasher.test(files)) {
      up = false;
      crashLooping = true;
      throw new PrometheusUnavailableException("fake prometheus: connection reset during "
          + "the reload (the process died loading the config)");
    }
    Optional<String> rejection = rejecter.apply(files);
    if (rejection.isPresent()) {
      success = false;
      throw new ReloadRejectedException(rejection.get());
    }
    Optional<String> failedApplying = applyFailer.apply(files);
    if (failedApplying.isPresent()) {
      applied(files); // applied, but no successful load: lastConfigTime stays
      success = false;
      throw new ReloadRejectedException(failedApplying.get());
    }
    load(files);
    return ReloadAck.LOADED;
  }

  /** Carries out a signalled load whose time has come. */
  private void settle() {
    if (signalledLoadAt == null || !up || clock.instant().isBefore(signalledLoadAt)) {
      return;
    }
    signalledLoadAt = null;
    SortedMap<String, DesiredFile> files = new TreeMap<>(disk.get());
    if (crasher.test(files)) {
      up = false;
      crashLooping = true;
    } else if (rejecter.apply(files).isPresent()) {
      success = false;
    } else if (applyFailer.apply(files).isPresent()) {
      applied(files); // applied, but no successful load: lastConfigTime stays
      success = false;
    } else {
      load(files);
    }
  }

  private void load(SortedMap<String, DesiredFile> files) {
    applied(files);
    success = true;
    lastLoadInstant = clock.instant();
    lastConfigTime = now();
  }

  /** {@code files} are what runs now, their scrape discoveries started or counted failed. */
  private void applied(SortedMap<String, DesiredFile> files) {
    loaded = files;
    failedDiscoveries = discoveryCounter.apply(files);
  }

  /** Both gauges as one read of Prometheus' {@code /metrics} shows them. */
  @Override
  public synchronized LoadGauges gauges() {
    requireUp();
    return new LoadGauges(failedScrapeDiscoveryConfigs(), lastLoadInstant());
  }

  /**
   * The discovery counter's answer for the files last applied (by a load, or a load that
   * failed applying them), as Prometheus' {@code /metrics} shows its gauge: {@link #gauges()}'
   * count, which a test's subclass may override.
   */
  public synchronized OptionalInt failedScrapeDiscoveryConfigs() {
    requireUp();
    return failedDiscoveries;
  }

  /** The exact time of the last successful load, on the fake's clock: {@link #gauges()}'. */
  public synchronized Optional<Instant> lastLoadInstant() {
    requireUp();
    return Optional.of(lastLoadInstant);
  }

  @Override
  public synchronized RuntimeInfo runtimeInfo() {
    requireUp();
    runtimeInfoCalls++;
    return new RuntimeInfo(success, lastConfigTime, Optional.of(now()));
  }

  /**
   * The loaded main config re-serialised, as Prometheus shows it: comments gone, the global
   * durations Prometheus fills in added where missing (its other defaults are not), block
   * style, the values of secret fields shown as {@code <secret>}; the empty string if there is
   * none. Compare values, not text, with what was written.
   */
  @Override
  public synchronized String loadedConfig() {
    requireUp();
    return loaded.values().stream().filter(f -> f.kind() == FileKind.MAIN_CONFIG)
        .map(f -> reSerialised(f.text())).findFirst().orElse("");
  }

  /**
   * {@code text} loaded and dumped again as Prometheus shows it: merge keys applied, secret
   * fields {@code <secret>}, the global defaults filled in.
   */
  private static String reSerialised(String text) {
    Object root = shown(new Load(LoadSettings.builder().build()).loadFromString(text));
    Map<Object, Object> config = new LinkedHashMap<>();
    if (root instanceof Map<?, ?> map) {
      config.putAll(map);
    }
    Map<Object, Object> global = new LinkedHashMap<>();
    if (config.get("global") instanceof Map<?, ?> given) {
      global.putAll(given);
    }
    global.putIfAbsent("scrape_interval", "1m");
    // Prometheus' default timeout, or the interval where that is shorter
    global.putIfAbsent("scrape_timeout", Durations.parse(String.valueOf(global.get(
        "scrape_interval"))).filter(interval -> interval.toMillis() < 10_000).isPresent()
            ? global.get("scrape_interval") : "10s");
    global.putIfAbsent("evaluation_interval", "1m");
    config.put("global", global);
    // one line per value (a long secret folded over several would be masked in part) and every
    // alias written out, as Prometheus writes each job's values in full
    return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
        .setSplitLines(false).setDereferenceAliases(true).build()).dumpToString(config);
  }

  /** {@code value} with merge keys ({@code <<}) applied and secret fields shown as such. */
  private static Object shown(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(FakePrometheusControl::shown).toList();
    }
    if (!(value instanceof Map<?, ?> map)) {
      return value;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    Object merged = map.get("<<");
    for (Object base : merged instanceof List<?> bases ? bases : List.of(merged == null
        ? Map.of() : merged)) {
      if (base instanceof Map<?, ?> baseMap) {
        baseMap.forEach(out::putIfAbsent);
      }
    }
    map.forEach((key, entry) -> {
      if (!"<<".equals(key)) {
        out.put(key, entry); // a key of its own wins over a merged one
      }
    });
    out.replaceAll((key, entry) -> SECRET_FIELDS.contains(String.valueOf(key))
        && !(entry instanceof Map || entry instanceof List) ? "<secret>" : shown(entry));
    return out;
  }

  /** The files of the last successful load. */
  public synchronized SortedMap<String, DesiredFile> loadedFiles() {
    settle();
    return new TreeMap<>(loaded);
  }

  /** Whether it is up (not taken down, not crash-looping). */
  public synchronized boolean isUp() {
    settle();
    return up;
  }

  /** How many reloads were attempted, successful or not. */
  public synchronized int reloads() {
    return reloads;
  }

  /** How many runtime info calls were answered. */
  public synchronized int runtimeInfoCalls() {
    return runtimeInfoCalls;
  }

  private void start() {
    signalledLoadAt = null;
    SortedMap<String, DesiredFile> files = new TreeMap<>(disk.get());
    if (crasher.test(files)) {
      up = false;
      crashLooping = true;
      return;
    }
    if (rejecter.apply(files).isPresent() || applyFailer.apply(files).isPresent()) {
      // a fresh Prometheus with an invalid config, or one a file it names fails, exits; it keeps
      // trying like a container would
      up = false;
      crashLooping = true;
      return;
    }
    load(files);
    up = true;
    crashLooping = false;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private void requireUp() {
    settle();
    if (!up && crashLooping) {
      start(); // the container restarts; it comes up once the files on disk load
    }
    if (!up) {
      // no process listens: the connection is refused, so no request reaches it
      throw PrometheusUnavailableException.notSent("fake prometheus is down", null);
    }
  }
}
