package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.prometheus.TargetHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md and what the controller exposes, side by side: the doc and its alert rules,
 * the exposition of metrics that have seen one of everything with its types and labels, and
 * promtool run in a temporary folder.
 */
abstract class MetricsDocFixture {
  static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(promcc_[a-z_]+)` \\|");
  static final Pattern TYPE_LINE = Pattern.compile("(?m)^# TYPE (promcc_[a-z_]+) ([a-z]+)");
  static final Pattern SAMPLE = Pattern.compile("(?m)^(promcc_[a-z_]+)\\{([^}]*)}");
  static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
  static final Pattern RULE_METRIC = Pattern.compile("\\b(promcc_[a-z_]+)");

  @TempDir Path temp;

  static String doc() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docs/metrics.md"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    return Files.readString(dir.resolve("docs/metrics.md"));
  }

  /** The yaml block that starts with {@code groups:}. */
  static String rules(String doc) {
    Matcher block = Pattern.compile("(?s)```yaml\n(groups:\n.*?)```").matcher(doc);
    assertTrue(block.find(), "no alert rules in docs/metrics.md");
    return block.group(1);
  }

  /** The exposition of metrics that have seen one of everything: every series exists. */
  static String exposition() {
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");
    metrics.sourceError("clusters-file");
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", Instant.EPOCH)
        .waiting("b", "certificate-missing").scrapeDiscovery(ScrapeDiscovery.read(1)).build(),
        Instant.EPOCH);
    metrics.targetsRead(new TreeMap<>(Map.of("a", new TargetHealth(1, 0, 0))));
    metrics.localCaNotAfter(() -> java.util.Optional.of(Instant.EPOCH));
    VaultMetrics vault = new VaultMetrics(metrics.registry());
    vault.loginFailing("vault-unreachable");
    vault.keptReadHung(true);
    PrometheusProbeMetrics probes = new PrometheusProbeMetrics(metrics.registry(),
        new LoopHealth(java.time.Clock.systemUTC(), LoopHealth.Bounds.DEFAULTS));
    probes.probed(true);
    probes.probed(false);
    return Exposition.of(metrics.registry()).text();
  }

  static Set<String> exposedFamilies() {
    return exposedTypes().keySet();
  }

  static SortedMap<String, String> exposedTypes() {
    SortedMap<String, String> types = new TreeMap<>();
    Matcher type = TYPE_LINE.matcher(exposition());
    while (type.find()) {
      types.put(type.group(1), type.group(2));
    }
    return types;
  }

  /** Family, label name, the values seen; a histogram's {@code le} left out. */
  static SortedMap<String, SortedMap<String, SortedSet<String>>> exposedLabels() {
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

  void promtool(String... args) throws Exception {
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
