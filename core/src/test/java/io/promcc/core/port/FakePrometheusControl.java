package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An in-memory Prometheus that "loads" whatever a {@link Supplier} of files returns (usually a
 * {@link FakeConfigStore#readOwned()}), the way the real one reads its folder. It keeps the loaded
 * files, {@code lastConfigTime} in whole seconds of the given clock (as Prometheus reports it), and
 * counts reloads. A rejecter decides which file sets are invalid; it returns the message
 * Prometheus would give. Thread-safe (synchronized).
 */
public final class FakePrometheusControl implements PrometheusControl {
  private final Clock clock;
  private final Supplier<SortedMap<String, DesiredFile>> disk;
  private Function<SortedMap<String, DesiredFile>, Optional<String>> rejecter =
      files -> Optional.empty();
  private boolean up = true;
  private boolean success = true;
  private Instant lastConfigTime;
  private SortedMap<String, DesiredFile> loaded;
  private int reloads;

  /** Starts "up", having loaded what {@code disk} returns now. */
  public FakePrometheusControl(Clock clock, Supplier<SortedMap<String, DesiredFile>> disk) {
    this.clock = requireNonNull(clock, "clock == null");
    this.disk = requireNonNull(disk, "disk == null");
    this.loaded = new TreeMap<>(disk.get());
    this.lastConfigTime = now();
  }

  /** Makes reloads of file sets for which {@code rejecter} returns a message fail with it. */
  public synchronized FakePrometheusControl rejectWhen(
      Function<SortedMap<String, DesiredFile>, Optional<String>> newRejecter) {
    this.rejecter = requireNonNull(newRejecter, "rejecter == null");
    return this;
  }

  /** Takes Prometheus down (every call fails as unreachable) or brings it back up. */
  public synchronized void setUp(boolean newUp) {
    this.up = newUp;
  }

  /** Simulates a Prometheus restart: loads the files on disk now, as a fresh process would. */
  public synchronized void restart() {
    loaded = new TreeMap<>(disk.get());
    success = true;
    lastConfigTime = now();
  }

  @Override
  public synchronized void awaitReady(Duration timeout) {
    requireUp();
  }

  @Override
  public synchronized void reload() {
    requireUp();
    reloads++;
    SortedMap<String, DesiredFile> files = new TreeMap<>(disk.get());
    Optional<String> rejection = rejecter.apply(files);
    if (rejection.isPresent()) {
      success = false;
      throw new ReloadRejectedException(rejection.get());
    }
    loaded = files;
    success = true;
    lastConfigTime = now();
  }

  @Override
  public synchronized RuntimeInfo runtimeInfo() {
    requireUp();
    return new RuntimeInfo(success, lastConfigTime);
  }

  /** The text of the loaded main config file, or the empty string if there is none. */
  @Override
  public synchronized String loadedConfig() {
    requireUp();
    return loaded.values().stream().filter(f -> f.kind() == FileKind.MAIN_CONFIG)
        .map(DesiredFile::text).findFirst().orElse("");
  }

  /** The files of the last successful load. */
  public synchronized SortedMap<String, DesiredFile> loadedFiles() {
    return new TreeMap<>(loaded);
  }

  /** How many reloads were attempted, successful or not. */
  public synchronized int reloads() {
    return reloads;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private void requireUp() {
    if (!up) {
      throw new PrometheusUnavailableException("fake prometheus is down");
    }
  }
}
