package io.promcc.core.port;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * What a subclass of {@link PrometheusControlContract} provides, and the configs and helpers the
 * contract's tests share. A subclass starts a Prometheus on a given config, writes config text
 * where Prometheus reads it, takes Prometheus down (and, where it can, starts it again), and lets
 * time pass while the contract polls (a fake moves its clock; a real Prometheus is waited for).
 * It stops its Prometheus after each test itself.
 */
public abstract class PrometheusControlSubject {
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
  private static final Duration POLL = Duration.ofMillis(100);

  /** The control under test, started by the contract before each test. */
  PrometheusControl control;

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

  /**
   * A job {@code job} with two discoveries as {@link #undiscoveredJob}'s (of pods, and of
   * endpoints): Prometheus loads it, and cannot start either.
   */
  protected static String twiceUndiscoveredJob(String job) {
    return undiscoveredJob(job) + "      - role: endpoints\n"
        + "        api_server: https://127.0.0.1:9\n"
        + "        tls_config:\n          ca_file: " + MISSING_CA_FILE + "\n";
  }

  /** {@code config} naming {@link #RULE_FILE} as its rule file. */
  protected static String withRules(String config) {
    return config + "rule_files:\n  - " + RULE_FILE + "\n";
  }

  /** Writes {@code config}, has Prometheus load it, and returns what it shows as loaded. */
  String loadedAfterWriting(String config) {
    writeConfig(config);
    RuntimeInfo before = control.runtimeInfo();
    if (control.reload() == ReloadAck.SIGNALLED) {
      eventually(info -> info.lastConfigTime().isAfter(before.lastConfigTime()), "the load");
    }
    return control.loadedConfig();
  }

  /** Polls runtime info, letting time pass in between, until {@code condition} holds. */
  RuntimeInfo eventually(Predicate<RuntimeInfo> condition, String what) {
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
