package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PrometheusControl} does, run against {@link FakePrometheusControl} and against
 * the HTTP adapter with a real Prometheus 2.53.3, so the fake cannot drift from the adapter.
 *
 * <p>A control answers a reload either with {@link ReloadAck#LOADED} (HTTP: the answer is the
 * verdict, so runtime info shows the load at once) or {@link ReloadAck#SIGNALLED} (the load runs
 * asynchronously, and shows in runtime info as a newer {@code lastConfigTime} eventually); the
 * contract accepts either and holds each to its promise. Prometheus' times are only compared with
 * each other.
 *
 * <p>A subclass provides a Prometheus as {@link PrometheusControlSubject} says.
 */
public abstract class PrometheusControlContract extends PrometheusControlSubject {
  private static final String SECRET = "contract-s3cret";

  @BeforeEach
  void startPrometheus() {
    control = start(config("contract-first", ""));
  }

  @Test
  void awaitReadyReturnsWhilePrometheusIsUp() {
    control.awaitReady(patience());
    assertTrue(control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void everyCallFailsAsUnavailableWhilePrometheusIsDown() {
    takeDown();

    assertThrows(PrometheusUnavailableException.class, () -> control.awaitReady(downTimeout()));
    assertTrue(assertThrows(PrometheusUnavailableException.class, control::runtimeInfo)
        .notSent(), "a stopped prometheus refuses the connection: no request reached it");
    assertThrows(PrometheusUnavailableException.class, control::loadedConfig);
    assertThrows(PrometheusUnavailableException.class, control::gauges);
    assertTrue(assertThrows(PrometheusUnavailableException.class, control::reload).notSent(),
        "a reload a stopped prometheus refused was never sent");
  }

  @Test
  void runtimeInfoReportsASuccessfulLoadInPrometheusOwnWholeSeconds() {
    RuntimeInfo info = control.runtimeInfo();

    assertTrue(info.reloadConfigSuccess());
    assertEquals(0, info.lastConfigTime().getNano(), "whole seconds: " + info.lastConfigTime());
    info.serverTime().ifPresent(serverTime -> assertFalse(
        serverTime.isBefore(info.lastConfigTime()), "answered at " + serverTime
            + ", before its last load at " + info.lastConfigTime()));
  }

  @Test
  void theExactTimeOfTheLastLoadIsInTheSecondRuntimeInfoGivesAndMovesWithALoad() {
    Instant first = control.gauges().lastLoadInstant().orElseThrow();
    RuntimeInfo before = control.runtimeInfo();
    assertEquals(before.lastConfigTime(), first.truncatedTo(ChronoUnit.SECONDS), first.toString());
    letTimePass(Duration.ofMillis(100));
    writeConfig(config("contract-exact", ""));

    if (control.reload() == ReloadAck.SIGNALLED) {
      eventually(info -> info.reloadConfigSuccess()
          && info.lastConfigTime().isAfter(before.lastConfigTime()),
          "a successful load newer than " + before.lastConfigTime());
    }

    Instant second = control.gauges().lastLoadInstant().orElseThrow();
    assertTrue(second.isAfter(first), second + " is not after " + first);
    assertEquals(control.runtimeInfo().lastConfigTime(), second.truncatedTo(ChronoUnit.SECONDS),
        second.toString());
  }

  @Test
  void aValidConfigIsLoadedAndRuntimeInfoShowsTheLoad() {
    RuntimeInfo before = control.runtimeInfo();
    writeConfig(config("contract-second", ""));

    ReloadAck ack = control.reload();

    RuntimeInfo after = ack == ReloadAck.LOADED ? control.runtimeInfo()
        : eventually(info -> info.reloadConfigSuccess()
            && info.lastConfigTime().isAfter(before.lastConfigTime()),
            "a successful load newer than " + before.lastConfigTime());
    assertTrue(after.reloadConfigSuccess(), after.toString());
    assertFalse(after.lastConfigTime().isBefore(before.lastConfigTime()),
        after + " is older than " + before);
    String loaded = control.loadedConfig();
    assertTrue(loaded.contains("job_name: contract-second"), loaded);
    assertFalse(loaded.contains("contract-first"), loaded);
  }

  @Test
  void anInvalidConfigIsRefusedInPrometheusWordsAndTheLoadedOneStays() {
    RuntimeInfo before = control.runtimeInfo();
    writeConfig(INVALID_CONFIG);

    RuntimeInfo after;
    try {
      ReloadAck ack = control.reload();
      if (ack == ReloadAck.LOADED) {
        fail("an invalid config was acknowledged as loaded");
      }
      after = eventually(info -> !info.reloadConfigSuccess(), "reloadConfigSuccess=false");
    } catch (ReloadRejectedException rejected) {
      assertTrue(rejected.prometheusMessage().contains("field " + INVALID_FIELD + " not found"),
          rejected.prometheusMessage());
      after = control.runtimeInfo();
    }

    assertFalse(after.reloadConfigSuccess(), after.toString());
    assertEquals(before.lastConfigTime(), after.lastConfigTime(), "no successful load since");
    String loaded = control.loadedConfig();
    assertTrue(loaded.contains("job_name: contract-first"), loaded);
    assertFalse(loaded.contains("contract-invalid"), loaded);
  }

  /**
   * Prometheus 2.53 refuses a config whose rule file is broken only after it applied the rest
   * of it: the new scrape configs run, as {@code /api/v1/status/config} shows, while no
   * successful load is reported. Once the rule file is fixed, the same config loads.
   */
  @Test
  void aConfigRefusedForABrokenRuleFileIsAppliedAllTheSame() {
    writeRuleFile(GOOD_RULES);
    assertTrue(loadedAfterWriting(withRules(config("contract-ruled", "")))
        .contains("job_name: contract-ruled"));
    RuntimeInfo before = control.runtimeInfo();
    assertTrue(before.reloadConfigSuccess(), before.toString());
    writeRuleFile(BROKEN_RULES);
    writeConfig(withRules(config("contract-applied", "")));

    RuntimeInfo after;
    try {
      if (control.reload() == ReloadAck.LOADED) {
        fail("a config with a broken rule file was acknowledged as loaded");
      }
      after = eventually(info -> !info.reloadConfigSuccess(), "reloadConfigSuccess=false");
    } catch (ReloadRejectedException rejected) {
      assertTrue(rejected.prometheusMessage().startsWith("failed to reload config: one or more "
          + "errors occurred while applying the new configuration"),
          rejected.prometheusMessage());
      after = control.runtimeInfo();
    }

    assertFalse(after.reloadConfigSuccess(), after.toString());
    assertEquals(before.lastConfigTime(), after.lastConfigTime(), "no successful load since");
    String loaded = control.loadedConfig();
    assertTrue(loaded.contains("job_name: contract-applied"), loaded);
    assertFalse(loaded.contains("contract-ruled"), loaded);

    writeRuleFile(GOOD_RULES);
    control.reload();
    RuntimeInfo fixed = eventually(RuntimeInfo::reloadConfigSuccess, "a successful load");
    assertFalse(fixed.lastConfigTime().isBefore(before.lastConfigTime()), fixed.toString());
    assertTrue(control.loadedConfig().contains("job_name: contract-applied"));
  }

  @Test
  void aValidConfigAfterAnInvalidOneIsLoadedAgain() {
    writeConfig(INVALID_CONFIG);
    try {
      control.reload();
    } catch (ReloadRejectedException expected) {
      // as the previous test shows
    }
    eventually(info -> !info.reloadConfigSuccess(), "the invalid config refused");
    RuntimeInfo refused = control.runtimeInfo();
    writeConfig(config("contract-third", ""));

    ReloadAck ack = control.reload();

    RuntimeInfo after = eventually(RuntimeInfo::reloadConfigSuccess, "a successful load");
    if (ack == ReloadAck.SIGNALLED) {
      assertTrue(after.lastConfigTime().isAfter(refused.lastConfigTime()), after.toString());
    }
    assertTrue(control.loadedConfig().contains("job_name: contract-third"));
  }

  /**
   * A Prometheus started again is a new process: it loads the files on disk as they are then,
   * not what the process before it had loaded, and no reload is needed.
   */
  @Test
  void aPrometheusStartedAgainLoadsTheFilesOnDiskThen() {
    RuntimeInfo before = control.runtimeInfo();
    takeDown();
    writeConfig(config("contract-started-again", ""));
    assumeTrue(bringUp(), "this Prometheus cannot be started again");

    control.awaitReady(patience());

    RuntimeInfo after = control.runtimeInfo();
    assertTrue(after.reloadConfigSuccess(), after.toString());
    assertFalse(after.lastConfigTime().isBefore(before.lastConfigTime()),
        after + " is older than " + before);
    String loaded = control.loadedConfig();
    assertTrue(loaded.contains("job_name: contract-started-again"), loaded);
    assertFalse(loaded.contains("contract-first"), loaded);
  }

  /**
   * The loaded config is Prometheus' re-serialisation (/api/v1/status/config), not the file's
   * bytes: comments are gone, defaults filled in. A test comparing it with the file written
   * passes against a fake that returns the bytes and fails against Prometheus.
   */
  @Test
  void theLoadedConfigIsReSerialisedNotTheFilesBytes() {
    String loaded = loadedAfterWriting("# written by hand\n"
        + config("contract-reserialised", ""));
    assertTrue(loaded.contains("job_name: contract-reserialised"), loaded);
    assertFalse(loaded.contains("# written by hand"), loaded);
    assertTrue(loaded.contains("scrape_timeout: 10s"), "the global default: " + loaded);
  }

  /**
   * Prometheus fills in the global scrape timeout as the interval where that is shorter than
   * the default 10s (config.go, GlobalConfig.UnmarshalYAML); a test reading the loaded config
   * must see what Prometheus runs.
   */
  @Test
  void theLoadedGlobalTimeoutIsAShortIntervalWhereNoneIsGiven() {
    String loaded = loadedAfterWriting(config("contract-short", "").replace("scrape_interval: 1m",
        "scrape_interval: 5s"));
    assertTrue(loaded.contains("job_name: contract-short"), loaded);
    assertTrue(loaded.contains("scrape_timeout: 5s"), loaded);
    assertFalse(loaded.contains("scrape_timeout: 10s"), loaded);
  }

  /** A secret with spaces, longer than a line, is shown as {@code <secret>} and nothing of it. */
  @Test
  void aLongSecretWithSpacesIsShownAsSecretOnly() {
    String secret = "contract words " + "and more words ".repeat(8) + "end-of-secret";
    String loaded = loadedAfterWriting(config("contract-long-secret",
        "    basic_auth:\n      username: promcc\n"
        + "      password: '" + secret + "'\n"));
    assertTrue(loaded.contains("job_name: contract-long-secret"), loaded);
    assertTrue(loaded.contains("password: <secret>"), loaded);
    assertFalse(loaded.contains("end-of-secret"), loaded);
  }

  /** Prometheus shows each job with its own values: no YAML anchor or alias is left. */
  @Test
  void aJobReusingAnotherJobsBlockByAnAliasShowsItsValues() {
    String loaded = loadedAfterWriting("global:\n  scrape_interval: 1m\nscrape_configs:\n"
        + "  - job_name: contract-anchor\n"
        + "    static_configs: &targets\n      - targets: ['127.0.0.1:9']\n"
        + "  - job_name: contract-alias\n"
        + "    static_configs: *targets\n");
    assertTrue(loaded.contains("job_name: contract-alias"), loaded);
    assertFalse(loaded.contains("*id") || loaded.contains("&id") || loaded.contains("*targets"),
        loaded);
    assertEquals(2, loaded.split("127.0.0.1:9", -1).length - 1, loaded);
  }

  @Test
  void theLoadedConfigShowsSecretsAsSecret() {
    String loaded = loadedAfterWriting(config("contract-protected",
        "    basic_auth:\n      username: promcc\n"
        + "      password: " + SECRET + "\n"));
    assertTrue(loaded.contains("job_name: contract-protected"), loaded);
    assertFalse(loaded.contains(SECRET), loaded);
    assertTrue(loaded.contains("password: <secret>"), loaded);
    assertTrue(loaded.contains("username: promcc"), loaded);
  }

  /**
   * A discovery that cannot start (its CA file missing: Prometheus reads TLS files only when the
   * discovery starts) leaves the load successful, and is counted in
   * {@code prometheus_sd_failed_configs{name="scrape"}}, the static job beside it not; a load
   * without it counts none again.
   */
  @Test
  void aDiscoveryThatCannotStartIsCountedAndTheLoadSucceeds() {
    assertEquals(OptionalInt.of(0), control.gauges().failedScrapeDiscoveryConfigs(),
        "at the start");

    String loaded = loadedAfterWriting(config("contract-static", "")
        + undiscoveredJob("contract-undiscovered"));

    assertTrue(loaded.contains("job_name: contract-undiscovered"), loaded);
    assertTrue(control.runtimeInfo().reloadConfigSuccess(), "the load succeeded");
    assertEquals(OptionalInt.of(1), control.gauges().failedScrapeDiscoveryConfigs());

    loadedAfterWriting(config("contract-static", ""));
    assertEquals(OptionalInt.of(0), control.gauges().failedScrapeDiscoveryConfigs(), "after a load "
        + "without it");
  }

  /**
   * Each {@code *_sd_configs} entry that cannot start counts, not each job: a job with two
   * counts 2 (as Prometheus 2.53.3 counts it), and a job with one beside it makes 3.
   */
  @Test
  void eachDiscoveryThatCannotStartCountsOneJobPossiblySeveral() {
    loadedAfterWriting(config("contract-static", "")
        + twiceUndiscoveredJob("contract-twice-undiscovered"));

    assertTrue(control.runtimeInfo().reloadConfigSuccess(), "the load succeeded");
    assertEquals(OptionalInt.of(2), control.gauges().failedScrapeDiscoveryConfigs(),
        "one job, two");

    loadedAfterWriting(config("contract-static", "")
        + twiceUndiscoveredJob("contract-twice-undiscovered")
        + undiscoveredJob("contract-undiscovered"));
    assertEquals(OptionalInt.of(3), control.gauges().failedScrapeDiscoveryConfigs(),
        "two jobs, three");
  }

  /** Prometheus shows a secret field as {@code <secret>} whatever its value holds. */
  @Test
  void aSecretOfTwoLinesIsShownAsSecretOnly() {
    String loaded = loadedAfterWriting(config("contract-two-line-secret", "    basic_auth:\n"
        + "      username: promcc\n      password: \"first-line\\nsecond-line-of-secret\"\n"));

    assertTrue(loaded.contains("job_name: contract-two-line-secret"), loaded);
    assertFalse(loaded.contains("second-line-of-secret"), loaded);
  }

  /** Prometheus (yaml.v2) applies merge keys: the values are shown, no {@code <<} key. */
  @Test
  void aBlockTakenByAMergeKeyIsShownWithItsValues() {
    String loaded = loadedAfterWriting(config("contract-anchored",
        "    basic_auth: &auth\n      username: promcc\n      password: s\n")
        + "  - job_name: contract-merging\n    basic_auth:\n      <<: *auth\n"
        + "    static_configs:\n      - targets: ['127.0.0.1:9']\n");

    assertTrue(loaded.contains("job_name: contract-merging"), loaded);
    assertFalse(loaded.contains("<<"), loaded);
  }
}
