package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Predicate;
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
 * <p>A subclass starts a Prometheus on a given config, writes config text where Prometheus reads
 * it, takes Prometheus down (and, where it can, starts it again), and lets time pass while the
 * contract polls (a fake moves its clock; a real Prometheus is waited for). It stops its
 * Prometheus after each test itself.
 */
public abstract class PrometheusControlContract {
  /** The field {@link #INVALID_CONFIG} has that Prometheus does not know. */
  protected static final String INVALID_FIELD = "bogus_setting";
  /** A config Prometheus refuses to load: a top-level field it does not know. */
  protected static final String INVALID_CONFIG = config("contract-invalid", "")
      + INVALID_FIELD + ": 1\n";
  /** The rule file {@link #withRules} names, beside the config file. */
  protected static final String RULE_FILE = "contract-rules.yml";
  /** A rule file Prometheus loads. */
  protected static final String GOOD_RULES = "groups:\n- name: contract\n  rules:\n"
      + "  - record: contract:up:sum\n    expr: sum(up)\n";
  /** A rule file Prometheus refuses: an expression left open. */
  protected static final String BROKEN_RULES = GOOD_RULES.replace("sum(up)", "sum(up");
  /**
   * The CA file, beside the config, that {@link #undiscoveredJob} names and no one writes:
   * Prometheus reads it only when the job's discovery starts, and cannot start it.
   */
  protected static final String MISSING_CA_FILE = "contract-missing-ca.pem";
  private static final String SECRET = "contract-s3cret";
  private static final Duration POLL = Duration.ofMillis(100);

  private PrometheusControl control;

  /**
   * Starts a Prometheus that has loaded {@code initialConfig} and is ready, and returns the
   * control under test for it.
   */
  protected abstract PrometheusControl start(String initialConfig);

  /** Replaces the config file Prometheus reads with {@code text} (atomically); no reload. */
  protected abstract void writeConfig(String text);

  /** Replaces the rule file {@link #RULE_FILE} beside the config with {@code text}; no reload. */
  protected abstract void writeRuleFile(String text);

  /** Takes Prometheus down: from now on it cannot be reached. */
  protected abstract void takeDown();

  /**
   * Starts Prometheus again after {@link #takeDown}, a new process on the same config file and
   * address, and returns true; does not wait until it is ready. Returns false, the default, if
   * the subclass cannot, which skips the check.
   */
  protected boolean bringUp() {
    return false;
  }

  /** Lets {@code duration} pass while the contract waits for an asynchronous load. */
  protected abstract void letTimePass(Duration duration);

  /** What {@link PrometheusControl#awaitReady} is given while Prometheus is down. */
  protected Duration downTimeout() {
    return Duration.ofSeconds(2);
  }

  /** How long an asynchronous load may take to show. */
  protected Duration patience() {
    return Duration.ofSeconds(60);
  }

  /** A config of one static job {@code job} (its target a closed port) plus {@code jobExtra}. */
  protected static String config(String job, String jobExtra) {
    return "global:\n  scrape_interval: 1m\nscrape_configs:\n"
        + "  - job_name: " + job + "\n"
        + "    static_configs:\n      - targets: ['127.0.0.1:9']\n" + jobExtra;
  }

  /**
   * A job {@code job} discovering pods of an API server on a closed port, whose TLS config
   * names {@link #MISSING_CA_FILE}: Prometheus loads it, but cannot start its discovery.
   */
  protected static String undiscoveredJob(String job) {
    return "  - job_name: " + job + "\n"
        + "    kubernetes_sd_configs:\n"
        + "      - role: pod\n        api_server: https://127.0.0.1:9\n"
        + "        tls_config:\n          ca_file: " + MISSING_CA_FILE + "\n";
  }

  /** {@code config} naming {@link #RULE_FILE} as its rule file. */
  protected static String withRules(String config) {
    return config + "rule_files:\n  - " + RULE_FILE + "\n";
  }

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
    assertThrows(PrometheusUnavailableException.class, control::failedScrapeDiscoveryConfigs);
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
    assertEquals(OptionalInt.of(0), control.failedScrapeDiscoveryConfigs(), "at the start");

    String loaded = loadedAfterWriting(config("contract-static", "")
        + undiscoveredJob("contract-undiscovered"));

    assertTrue(loaded.contains("job_name: contract-undiscovered"), loaded);
    assertTrue(control.runtimeInfo().reloadConfigSuccess(), "the load succeeded");
    assertEquals(OptionalInt.of(1), control.failedScrapeDiscoveryConfigs());

    loadedAfterWriting(config("contract-static", ""));
    assertEquals(OptionalInt.of(0), control.failedScrapeDiscoveryConfigs(), "after a load "
        + "without it");
  }

  /** Writes {@code config}, has Prometheus load it, and returns what it shows as loaded. */
  private String loadedAfterWriting(String config) {
    writeConfig(config);
    RuntimeInfo before = control.runtimeInfo();
    if (control.reload() == ReloadAck.SIGNALLED) {
      eventually(info -> info.lastConfigTime().isAfter(before.lastConfigTime()), "the load");
    }
    return control.loadedConfig();
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

  /** Polls runtime info, letting time pass in between, until {@code condition} holds. */
  private RuntimeInfo eventually(Predicate<RuntimeInfo> condition, String what) {
    Duration waited = Duration.ZERO;
    while (true) {
      RuntimeInfo info = control.runtimeInfo();
      if (condition.test(info)) {
        return info;
      }
      if (waited.compareTo(patience()) >= 0) {
        throw new AssertionError("not within " + patience() + ": " + what + "; runtime info "
            + info);
      }
      letTimePass(POLL);
      waited = waited.plus(POLL);
    }
  }
}
