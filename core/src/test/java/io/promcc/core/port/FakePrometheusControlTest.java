package io.promcc.core.port;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;

/**
 * The fake passes the same contract as the HTTP adapter against a real Prometheus
 * ({@code HttpPrometheusControlContractIT} in prometheus-adapter), reloading by HTTP and by
 * signal. Its clock starts a quarter second into a second and moves only when the contract lets
 * time pass.
 */
class FakePrometheusControlTest {
  private static final String CONFIG = "prometheus.yml";

  /** What Prometheus 2.53 answers for {@link PrometheusControlContract#INVALID_CONFIG}. */
  static Optional<String> asPrometheusWould(SortedMap<String, DesiredFile> files) {
    DesiredFile config = files.get(CONFIG);
    if (config == null || !config.text().contains(PrometheusControlContract.INVALID_FIELD)) {
      return Optional.empty();
    }
    return Optional.of("failed to reload config: couldn't load configuration (--config.file="
        + "\"prometheus.yml\"): parsing YAML file prometheus.yml: yaml: unmarshal errors:\n"
        + "  line 6: field " + PrometheusControlContract.INVALID_FIELD
        + " not found in type config.plain");
  }

  /**
   * What Prometheus 2.53 answers for a config naming {@link PrometheusControlContract#RULE_FILE}
   * while that file holds {@code rules}, {@link PrometheusControlContract#BROKEN_RULES}: it
   * applied the rest of the config.
   */
  static Optional<String> applyingAsPrometheusWould(SortedMap<String, DesiredFile> files,
      String rules) {
    DesiredFile config = files.get(CONFIG);
    if (config == null || !config.text().contains(PrometheusControlContract.RULE_FILE)
        || !rules.equals(PrometheusControlContract.BROKEN_RULES)) {
      return Optional.empty();
    }
    return Optional.of("failed to reload config: one or more errors occurred while applying "
        + "the new configuration (--config.file=\"prometheus.yml\")");
  }

  /**
   * What Prometheus 2.53 counts in {@code prometheus_sd_failed_configs{name="scrape"}} for the
   * contract's configs: each job naming {@link PrometheusControlContract#MISSING_CA_FILE}, which
   * the contract never writes.
   */
  static OptionalInt failedDiscoveriesAsPrometheusWould(SortedMap<String, DesiredFile> files) {
    DesiredFile config = files.get(CONFIG);
    return OptionalInt.of(config == null ? 0
        : config.text().split(PrometheusControlContract.MISSING_CA_FILE, -1).length - 1);
  }

  /** The fake over an in-memory folder, reloading as {@code bySignal} says. */
  abstract static class Fake extends PrometheusControlContract {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00.250Z"));
    final SortedMap<String, DesiredFile> disk = new TreeMap<>();
    /** The rule file beside the config, which the fake's folder of desired files lacks. */
    String rules = "";
    FakePrometheusControl prometheus;

    abstract boolean bySignal();

    @Override
    protected PrometheusControl start(String initialConfig) {
      writeConfig(initialConfig);
      prometheus = new FakePrometheusControl(clock, () -> new TreeMap<>(disk))
          .rejectWhen(FakePrometheusControlTest::asPrometheusWould)
          .failApplyingWhen(files -> applyingAsPrometheusWould(files, rules))
          .countFailedDiscoveriesWith(
              FakePrometheusControlTest::failedDiscoveriesAsPrometheusWould);
      if (bySignal()) {
        prometheus.reloadBySignal();
      }
      return prometheus;
    }

    @Override
    protected void writeConfig(String text) {
      disk.put(CONFIG, DesiredFile.of(FileKind.MAIN_CONFIG, text));
    }

    @Override
    protected void writeRuleFile(String text) {
      rules = text;
    }

    @Override
    protected void takeDown() {
      prometheus.setUp(false);
    }

    @Override
    protected boolean bringUp() {
      prometheus.setUp(true);
      return true;
    }

    @Override
    protected void letTimePass(Duration duration) {
      clock.advance(duration);
    }
  }

  @Nested
  class ReloadingByHttp extends Fake {
    @Override
    boolean bySignal() {
      return false;
    }
  }

  @Nested
  class ReloadingBySignal extends Fake {
    @Override
    boolean bySignal() {
      return true;
    }
  }
}
