package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.prometheus.TargetHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md against the code and an outside judge: its table lists exactly the metrics the
 * controller exposes, each with its type, labels and listed label values, its lists of outcomes
 * and phases are the code's, and its example alerts select by labels the metrics have, pass
 * {@code promtool check rules} and fire (and stay quiet) when {@code promtool test rules} says
 * they should.
 */
class MetricsDocTest {
  private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(promcc_[a-z_]+)` \\|");
  private static final Pattern TYPE_LINE = Pattern.compile("(?m)^# TYPE (promcc_[a-z_]+) ([a-z]+)");
  private static final Pattern SAMPLE = Pattern.compile("(?m)^(promcc_[a-z_]+)\\{([^}]*)}");
  private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
  private static final Pattern RULE_METRIC = Pattern.compile("\\b(promcc_[a-z_]+)");

  @TempDir Path temp;

  private static String doc() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docs/metrics.md"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    return Files.readString(dir.resolve("docs/metrics.md"));
  }

  /** The yaml block that starts with {@code groups:}. */
  private static String rules(String doc) {
    Matcher block = Pattern.compile("(?s)```yaml\n(groups:\n.*?)```").matcher(doc);
    assertTrue(block.find(), "no alert rules in docs/metrics.md");
    return block.group(1);
  }

  /** The exposition of metrics that have seen one of everything: every series exists. */
  private static String exposition() {
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");
    metrics.sourceError("clusters-file");
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", Instant.EPOCH)
        .waiting("b", "certificate-missing").build(), Instant.EPOCH);
    metrics.targetsRead(new TreeMap<>(Map.of("a", new TargetHealth(1, 0, 0))));
    metrics.localCaNotAfter(() -> java.util.Optional.of(Instant.EPOCH));
    new VaultLoginMetric(metrics.registry()).loginFailing("vault-unreachable");
    return Exposition.of(metrics.registry()).text();
  }

  private static Set<String> exposedFamilies() {
    return exposedTypes().keySet();
  }

  private static SortedMap<String, String> exposedTypes() {
    SortedMap<String, String> types = new TreeMap<>();
    Matcher type = TYPE_LINE.matcher(exposition());
    while (type.find()) {
      types.put(type.group(1), type.group(2));
    }
    return types;
  }

  /** Family, label name, the values seen; a histogram's {@code le} left out. */
  private static SortedMap<String, SortedMap<String, SortedSet<String>>> exposedLabels() {
    Set<String> families = exposedFamilies();
    SortedMap<String, SortedMap<String, SortedSet<String>>> labels = new TreeMap<>();
    Matcher sample = SAMPLE.matcher(exposition());
    while (sample.find()) {
      String family = sample.group(1).replaceFirst("_(bucket|count|sum)$", "");
      assertTrue(families.contains(family), "a sample of no family: " + sample.group());
      Matcher label = LABEL.matcher(sample.group(2));
      while (label.find()) {
        if (!label.group(1).equals("le")) {
          labels.computeIfAbsent(family, f -> new TreeMap<>())
              .computeIfAbsent(label.group(1), l -> new TreeSet<>()).add(label.group(2));
        }
      }
    }
    return labels;
  }

  /** The backquoted words of {@code text}. */
  private static List<String> quoted(String text) {
    List<String> words = new ArrayList<>();
    String[] parts = text.split("`", -1);
    for (int i = 1; i < parts.length; i += 2) {
      words.add(parts[i]);
    }
    return words;
  }

  @Test
  void theTableListsExactlyTheMetricsTheControllerExposes() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher row = TABLE_ROW.matcher(doc());
    while (row.find()) {
      documented.add(row.group(1));
    }

    assertEquals(exposedFamilies(), documented);
  }

  /**
   * Each row's type and label names are those exposed, and where a row lists a label's values
   * ({@code `state` = `active`, ...}) they are exactly the values exposed.
   */
  @Test
  void theTableGivesEachMetricItsExposedTypeAndLabels() throws IOException {
    SortedMap<String, String> types = exposedTypes();
    SortedMap<String, SortedMap<String, SortedSet<String>>> labels = exposedLabels();
    SortedMap<String, String> documented = new TreeMap<>();
    SortedMap<String, String> exposed = new TreeMap<>();
    Matcher row = TABLE_ROW.matcher(doc());
    while (row.find()) {
      String name = row.group(1);
      int end = doc().indexOf('\n', row.start());
      String[] cells = doc().substring(row.end(), end).split("\\|", 3);
      String type = cells[0].strip();
      // the label names, and the values listed after "=" for the label before it
      SortedMap<String, SortedSet<String>> listed = new TreeMap<>();
      String[] parts = cells[1].split("`", -1);
      String valuesOf = null;
      for (int i = 1; i < parts.length; i += 2) {
        if (valuesOf != null) {
          listed.get(valuesOf).add(parts[i]);
        } else {
          listed.put(parts[i], new TreeSet<>());
          if (parts[i + 1].contains("=")) {
            valuesOf = parts[i];
          }
        }
      }
      documented.put(name, type + " " + listed);
      SortedMap<String, SortedSet<String>> seen = new TreeMap<>();
      labels.getOrDefault(name, new TreeMap<>()).forEach((label, values) ->
          seen.put(label, listed.getOrDefault(label, new TreeSet<>()).isEmpty()
              ? new TreeSet<>() : values));
      exposed.put(name, types.get(name) + " " + seen);
    }

    assertEquals(exposed, documented);
  }

  /** The outcomes and phases the text lists are the label values exposed, in the code's order. */
  @Test
  void theOutcomesAndPhasesNamedAreTheExposedOnes() throws IOException {
    String doc = doc();
    int outcomes = doc.indexOf("The outcomes are");
    int phases = doc.indexOf("the phases are", outcomes);
    assertTrue(outcomes >= 0 && phases >= 0, "no list of outcomes and phases in the doc");
    List<String> outcomesNamed = quoted(doc.substring(outcomes, phases));
    List<String> phasesNamed = quoted(doc.substring(phases, doc.indexOf("\n\n", phases)));

    assertEquals(Arrays.stream(Outcome.values()).map(Outcome::label).toList(), outcomesNamed);
    assertEquals(Arrays.stream(Phase.values()).map(Phase::label).toList(), phasesNamed);
  }

  @Test
  void theAlertsUseOnlyExposedMetrics() throws IOException {
    Set<String> families = exposedFamilies();
    Matcher used = RULE_METRIC.matcher(rules(doc()));
    Set<String> unknown = new TreeSet<>();
    while (used.find()) {
      String name = used.group(1).replaceFirst("_(bucket|count|sum)$", "");
      if (!families.contains(name)) {
        unknown.add(used.group(1));
      }
    }

    assertEquals(Set.of(), unknown);
  }

  /**
   * Every label an alert selects a controller metric by is one that metric has (or the scrape's
   * {@code job} and {@code instance}), and a label of a fixed set of values is matched by one of
   * its values: a selector on a label that does not exist would never fire.
   */
  @Test
  void theAlertsSelectByLabelsTheMetricsHave() throws IOException {
    SortedMap<String, SortedMap<String, SortedSet<String>>> labels = exposedLabels();
    Set<String> openValues = Set.of("cluster", "reason", "source", "version");
    Matcher selector = Pattern.compile("\\b(promcc_[a-z_]+)\\{([^}]*)}").matcher(rules(doc()));
    List<String> wrong = new ArrayList<>();
    while (selector.find()) {
      String family = selector.group(1).replaceFirst("_(bucket|count|sum)$", "");
      Matcher matcher = Pattern.compile("([a-z_]+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"")
          .matcher(selector.group(2));
      while (matcher.find()) {
        String label = matcher.group(1);
        SortedSet<String> values = labels.getOrDefault(family, new TreeMap<>()).get(label);
        if (label.equals("job") || label.equals("instance")) {
          continue;
        }
        if (values == null) {
          wrong.add(selector.group() + ": " + family + " has no label " + label);
        } else if (!openValues.contains(label) && matcher.group(2).charAt(0) == '='
            && values.stream().noneMatch(v -> v.matches(matcher.group(3)))) {
          wrong.add(selector.group() + ": " + label + " is one of " + values);
        }
      }
    }

    assertEquals(List.of(), wrong);
  }

  @Test
  void theAlertsAreValidRules() throws Exception {
    Path rules = Files.writeString(temp.resolve("rules.yml"), rules(doc()));

    promtool("check", "rules", rules.toString());
  }

  @Test
  void theAlertsFireWhenTheyShouldAndOnlyThen() throws Exception {
    Files.writeString(temp.resolve("rules.yml"), rules(doc()));
    Path tests = Files.writeString(temp.resolve("tests.yml"), """
        rule_files: [rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'up{job="promcc", instance="p:9420"}'
                values: '1 0x10'
              - series: 'promcc_config_in_sync{job="promcc", instance="p:9420"}'
                values: '1 0x30'
              - series: 'promcc_last_successful_reconcile_timestamp_seconds{job="promcc", \
        instance="p:9420"}'
                values: '0 60 120 180 240 300 300x30'
              - series: 'process_start_time_seconds{job="promcc", instance="p:9420"}'
                values: '0x40'
            alert_rule_test:
              - eval_time: 5m
                alertname: PromccDown
                exp_alerts: []
              - eval_time: 7m
                alertname: PromccDown
                exp_alerts:
                  - exp_labels: {severity: critical, job: promcc, instance: "p:9420"}
                    exp_annotations:
                      summary: "promcc on p:9420 cannot be scraped: guest cluster jobs are not \
        kept up to date"
              - eval_time: 15m
                alertname: PromccConfigNotInSync
                exp_alerts: []
              - eval_time: 17m
                alertname: PromccConfigNotInSync
                exp_alerts:
                  - exp_labels: {severity: critical, job: promcc, instance: "p:9420"}
                    exp_annotations:
                      summary: "Prometheus has not run the desired config for 15 minutes; see \
        promcc_reconcile_total by outcome and the controller's log"
              - eval_time: 25m
                alertname: PromccReconcileFailing
                exp_alerts: []
              - eval_time: 27m
                alertname: PromccReconcileFailing
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "p:9420"}
                    exp_annotations:
                      summary: "no successful reconcile for more than 15 minutes (sources not \
        ready, Prometheus unavailable or invalid input)"
          - interval: 1m
            input_series:
              # restarted every 2 minutes until 10m, never 15 minutes without a success
              - series: 'process_start_time_seconds{job="promcc", instance="r:9420"}'
                values: '0 0 120 120 240 240 360 360 480 480 600x40'
            alert_rule_test:
              - eval_time: 3m
                alertname: PromccRestarting
                exp_alerts: []
              - eval_time: 8m
                alertname: PromccRestarting
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "r:9420"}
                    exp_annotations:
                      summary: "promcc on r:9420 restarted 4 times in 30 minutes (a crash loop \
        hides from the other alerts: see its log and its container's last state)"
              - eval_time: 45m
                alertname: PromccRestarting
                exp_alerts: []
          - interval: 1m
            input_series:
              # started at 10m, no successful reconcile yet (the timestamp is 0 until one)
              - series: 'promcc_last_successful_reconcile_timestamp_seconds{job="promcc", \
        instance="q:9420"}'
                values: '0x40'
              - series: 'process_start_time_seconds{job="promcc", instance="q:9420"}'
                values: '600x40'
            alert_rule_test:
              - eval_time: 28m
                alertname: PromccReconcileFailing
                exp_alerts: []
              - eval_time: 32m
                alertname: PromccReconcileFailing
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "q:9420"}
                    exp_annotations:
                      summary: "no successful reconcile for more than 15 minutes (sources not \
        ready, Prometheus unavailable or invalid input)"
          - interval: 1m
            input_series:
              - series: 'promcc_reconcile_total{outcome="rejected", job="promcc"}'
                values: '0 0 1 1 2 2 3x30'
              - series: 'promcc_reconcile_total{outcome="unchanged", job="promcc"}'
                values: '0+1x40'
              - series: 'promcc_source_errors_total{source="clusters-file", job="promcc"}'
                values: '0 0 1 1x40'
              - series: 'promcc_source_errors_total{source="cert-dir", job="promcc"}'
                values: '0x40'
            alert_rule_test:
              - eval_time: 8m
                alertname: PromccConfigRejected
                exp_alerts:
                  - exp_labels: {severity: critical, outcome: rejected, job: promcc}
                    exp_annotations:
                      summary: "Prometheus rejects the config promcc wants (it runs the last \
        verified one); fix the base config or profile named in the controller's log"
              - eval_time: 30m
                alertname: PromccConfigRejected
                exp_alerts: []
              - eval_time: 5m
                alertname: PromccSourceErrors
                exp_alerts:
                  - exp_labels: {severity: warning, source: clusters-file, job: promcc}
                    exp_annotations:
                      summary: "source clusters-file failed and keeps its last good content (e.g. \
        a clusters file edit that does not parse)"
              - eval_time: 40m
                alertname: PromccSourceErrors
                exp_alerts: []
          - interval: 1m
            input_series:
              - series: 'promcc_certificate_not_after_seconds{cluster="soon", job="promcc"}'
                values: '87000x40'
              - series: 'promcc_certificate_not_after_seconds{cluster="later", job="promcc"}'
                values: '200000x40'
              - series: 'promcc_guest_clusters{state="waiting", job="promcc"}'
                values: '2x70'
              - series: 'promcc_guest_clusters{state="active", job="promcc"}'
                values: '5x70'
              - series: 'promcc_rejections{reason="duplicate-id", job="promcc"}'
                values: '1x70'
              - series: 'promcc_rejections{reason="certificate-missing", job="promcc"}'
                values: '2x70'
              - series: 'promcc_rejections{reason="vault-sealed", job="promcc"}'
                values: '1x70'
              - series: 'promcc_rejections{reason="secret-missing", job="promcc"}'
                values: '1x70'
              - series: 'promcc_rejections{reason="local-ca-failed", job="promcc"}'
                values: '1x70'
              - series: 'promcc_rejections{reason="source-not-ready", job="promcc"}'
                values: '1x70'
              - series: 'promcc_rejections{reason="cluster-unreadable", job="promcc"}'
                values: '1x70'
            alert_rule_test:
              - eval_time: 20m
                alertname: PromccCertificateExpiresSoon
                exp_alerts: []
              - eval_time: 30m
                alertname: PromccCertificateExpiresSoon
                exp_alerts:
                  - exp_labels: {severity: warning, cluster: soon, job: promcc}
                    exp_annotations:
                      summary: "the client certificate for guest cluster soon ends within a day; \
        its renewal is overdue"
              - eval_time: 31m
                alertname: PromccClustersWithoutCertificate
                exp_alerts:
                  - exp_labels: {severity: warning, state: waiting, job: promcc}
                    exp_annotations:
                      summary: "2 guest clusters are waiting: their certificate source fails for \
        them, or their Service cannot be read (reasons in promcc_rejections)"
              - eval_time: 61m
                alertname: PromccObjectsRejected
                exp_alerts:
                  - exp_labels: {severity: info, reason: duplicate-id, job: promcc}
                    exp_annotations:
                      summary: "1 guest clusters or Services are left out for reason duplicate-id; \
        the controller's log names each"
          - interval: 1m
            input_series:
              - series: 'promcc_certificate_not_after_seconds{cluster="old", job="promcc"}'
                values: '600x30'
            alert_rule_test:
              - eval_time: 15m
                alertname: PromccCertificateExpired
                exp_alerts: []
              - eval_time: 17m
                alertname: PromccCertificateExpired
                exp_alerts:
                  - exp_labels: {severity: critical, cluster: old, job: promcc}
                    exp_annotations:
                      summary: "the client certificate for guest cluster old has expired: its \
        targets are down"
          - interval: 1m
            input_series:
              - series: 'promcc_guest_cluster_targets{cluster="refused", health="up", job="promcc"}'
                values: '0x30'
              - series: 'promcc_guest_cluster_targets{cluster="refused", health="down", \
        job="promcc"}'
                values: '1x30'
              - series: 'promcc_guest_cluster_targets{cluster="fine", health="up", job="promcc"}'
                values: '12x30'
            alert_rule_test:
              - eval_time: 10m
                alertname: PromccGuestClusterNotScraped
                exp_alerts: []
              - eval_time: 16m
                alertname: PromccGuestClusterNotScraped
                exp_alerts:
                  - exp_labels: {severity: warning, cluster: refused, health: up, job: promcc}
                    exp_annotations:
                      summary: "Prometheus scrapes no target of guest cluster refused although its \
        jobs are loaded: its API server refuses the client certificate or is unreachable (see \
        Prometheus' targets page and log)"
          - interval: 5m
            input_series:
              # one Event refused for good (a Role without create events), tried as the
              # controller does: at 5, 15, 35, 75, 135, 195 and 255 minutes (its wait doubling
              # from 5 minutes up to an hour); failing for now throughout, elsewhere; refused once
              - series: 'promcc_events_failed_total{kind="refused", job="promcc", \
        instance="e:9420"}'
                values: '0 1x1 2x3 3x7 4x11 5x11 6x11 7x3'
              - series: 'promcc_events_failed_total{kind="failed", job="promcc", instance="f:9420"}'
                values: '0+1x54'
              - series: 'promcc_events_failed_total{kind="refused", job="promcc", \
        instance="o:9420"}'
                values: '0 1x53'
            alert_rule_test:
              - eval_time: 10m
                alertname: PromccEventsRefused
                exp_alerts: []
              - eval_time: 20m
                alertname: PromccEventsRefused
                exp_alerts:
                  - exp_labels: {severity: warning, kind: refused, job: promcc, instance: "e:9420"}
                    exp_annotations:
                      summary: "the Kubernetes API server refuses the Events promcc on e:9420 \
        writes on rejected or waiting guest cluster Services: check that its RBAC allows create \
        events in their namespaces (deploy/rbac.yaml); the controller's log names the status"
              - eval_time: 3h
                alertname: PromccEventsRefused
                exp_alerts:
                  - exp_labels: {severity: warning, kind: refused, job: promcc, instance: "e:9420"}
                    exp_annotations:
                      summary: "the Kubernetes API server refuses the Events promcc on e:9420 \
        writes on rejected or waiting guest cluster Services: check that its RBAC allows create \
        events in their namespaces (deploy/rbac.yaml); the controller's log names the status"
              - eval_time: 4h10m
                alertname: PromccEventsRefused
                exp_alerts:
                  - exp_labels: {severity: warning, kind: refused, job: promcc, instance: "e:9420"}
                    exp_annotations:
                      summary: "the Kubernetes API server refuses the Events promcc on e:9420 \
        writes on rejected or waiting guest cluster Services: check that its RBAC allows create \
        events in their namespaces (deploy/rbac.yaml); the controller's log names the status"
              - eval_time: 4h30m
                alertname: PromccEventsRefused
                exp_alerts:
                  - exp_labels: {severity: warning, kind: refused, job: promcc, instance: "e:9420"}
                    exp_annotations:
                      summary: "the Kubernetes API server refuses the Events promcc on e:9420 \
        writes on rejected or waiting guest cluster Services: check that its RBAC allows create \
        events in their namespaces (deploy/rbac.yaml); the controller's log names the status"
          - interval: 1m
            input_series:
              # a local CA that ends 30 days and 10 minutes after the start; one that ends later
              - series: 'promcc_local_ca_not_after_seconds{job="promcc", instance="c:9420"}'
                values: '2592600x30'
              - series: 'promcc_local_ca_not_after_seconds{job="promcc", instance="l:9420"}'
                values: '2600000x30'
            alert_rule_test:
              - eval_time: 10m
                alertname: PromccLocalCaExpiresSoon
                exp_alerts: []
              - eval_time: 11m
                alertname: PromccLocalCaExpiresSoon
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "c:9420"}
                    exp_annotations:
                      summary: "the local CA of promcc on c:9420 ends within 30 days and is not \
        renewed: create a new one and make the guest API servers trust it"
          - interval: 1m
            input_series:
              # logins failing from 5m on; a login that failed once and worked again elsewhere
              - series: 'promcc_vault_login_failing{job="promcc", instance="v:9420"}'
                values: '0x4 1x40'
              - series: 'promcc_vault_login_failing{job="promcc", instance="w:9420"}'
                values: '0 1 0x40'
            alert_rule_test:
              - eval_time: 34m
                alertname: PromccVaultLoginFailing
                exp_alerts: []
              - eval_time: 36m
                alertname: PromccVaultLoginFailing
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "v:9420"}
                    exp_annotations:
                      summary: "promcc on v:9420 cannot log in to Vault: its token is not \
        replaced, and certificates fail once it ends (the controller's log names the reason)"
          - interval: 1m
            input_series:
              # a reload of 200 s every 5 minutes
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="10"}'
                values: '0x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="60"}'
                values: '0x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="120"}'
                values: '0x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="300"}'
                values: '0+0.2x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="+Inf"}'
                values: '0+0.2x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="write", le="10"}'
                values: '0x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="write", le="+Inf"}'
                values: '0+1x90'
            alert_rule_test:
              - eval_time: 55m
                alertname: PromccSlowReloads
                exp_alerts: []
              - eval_time: 65m
                alertname: PromccSlowReloads
                exp_alerts:
                  - exp_labels: {severity: info}
                    exp_annotations:
                      summary: "reloads of Prometheus take more than 2 minutes: consider more \
        shards (--shard K/N)"
          - interval: 1m
            input_series:
              # a reload of 15 s every 5 minutes; other phases take long
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="10"}'
                values: '0x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="60"}'
                values: '0+0.2x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="120"}'
                values: '0+0.2x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="reload", le="+Inf"}'
                values: '0+0.2x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="verify", le="120"}'
                values: '0x90'
              - series: 'promcc_reconcile_duration_seconds_bucket{phase="verify", le="+Inf"}'
                values: '0+1x90'
            alert_rule_test:
              - eval_time: 65m
                alertname: PromccSlowReloads
                exp_alerts: []
              - eval_time: 90m
                alertname: PromccSlowReloads
                exp_alerts: []
        """);

    promtool("test", "rules", tests.toString());
  }

  private void promtool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(PrometheusTools.promtool().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(temp.toFile())
        .redirectErrorStream(true).start();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
  }
}
