package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.UnknownVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code --option} the README, the operator docs and the manifests of deploy/ name is an
 * option of a promcc command, so a renamed or removed option cannot stay documented, every
 * option of {@code promcc run} is in docs/operations.md, and every {@code PROMCC_*} variable
 * they name is one promcc reads or knows. Prometheus' own flags (dotted, or
 * {@code --enable-feature}) and the benchmark scripts' options are not promcc's.
 */
class DocumentedOptionsTest {
  private static final List<String> DOCS = List.of("README.md", "docs/operations.md",
      "docs/metrics.md", "docs/delivery.md", "docs/reliability.md", "docs/vault.md",
      "docs/kube-adapter.md", "docs/profile.md", "docs/design.md",
      // the manifests: an option that does not exist there stops every Pod
      "deploy/statefulset.yaml", "deploy/promcc-settings.yaml", "deploy/rbac.yaml",
      "deploy/networkpolicy.yaml", "deploy/service.yaml", "deploy/kustomization.yaml",
      "deploy/prometheus-base-config.yaml", "deploy/upgrade-check/job.yaml",
      "deploy/upgrade-check/kustomization.yaml");
  /**
   * Not promcc's: Prometheus' feature flag, scripts/bench-shapes.sh's mode, and kubectl's and
   * docker's in the deployment's commands (the upgrade check's delete and wait among them, and
   * the log of a container's previous run), and timeout's, which scripts/test.sh leaves out.
   */
  private static final Set<String> OTHERS = Set.of("--enable-feature", "--mode",
      "--from-file", "--build-arg", "--ignore-not-found", "--for", "--timeout", "--previous",
      "--foreground");
  /**
   * Named in the docs but not promcc's to read: the example of a mistyped variable, and the
   * switches of the tests against a real cluster.
   */
  private static final Set<String> OTHER_VARIABLES = Set.of("PROMCC_PROMETHEUS_URLS",
      "PROMCC_REAL_CLUSTER_TESTS", "PROMCC_TEST_NAMESPACE");
  private static final Pattern VARIABLE = Pattern.compile("\\bPROMCC_[A-Z0-9_]*[A-Z0-9]\\b");
  private static final Pattern OPTION =
      Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9-]*[a-z0-9])(?![\\w.-])");

  @Test
  void everyOptionTheDocsNameIsAnOptionOfPromcc() throws IOException {
    Set<String> options = new TreeSet<>();
    for (CommandLine command : Main.commandLine(Map.of()).getSubcommands().values()) {
      command.getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
    }
    SortedSet<String> unknown = new TreeSet<>();
    for (String doc : DOCS) {
      Matcher named = OPTION.matcher(Files.readString(Path.of("..").resolve(doc)));
      while (named.find()) {
        if (!options.contains(named.group(1)) && !OTHERS.contains(named.group(1))) {
          unknown.add(doc + ": " + named.group(1));
        }
      }
    }

    assertEquals(Set.of(), unknown);
  }

  /** "promcc run --help lists every option" and docs/operations.md says what each is for. */
  @Test
  void everyOptionOfRunIsDocumentedInTheOperatorsGuide() throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "operations.md"));
    SortedSet<String> undocumented = new TreeSet<>();
    for (var option : Main.commandLine(Map.of()).getSubcommands().get("run").getCommandSpec()
        .options()) {
      if (!option.hidden() && !option.usageHelp() && !option.versionHelp()
          && !guide.contains("`" + option.longestName())) {
        undocumented.add(option.longestName());
      }
    }

    assertEquals(Set.of(), undocumented);
  }

  /**
   * Every {@code PROMCC_*} variable the docs and manifests name is one promcc reads, or one it
   * knows not to warn of (its scripts', Kubernetes' service links): a variable left behind by a
   * renamed option would be ignored with a warning at every start.
   */
  @Test
  void everyVariableTheDocsNameIsOnePromccReadsOrKnows() throws IOException {
    SortedSet<String> unknown = new TreeSet<>();
    for (String doc : DOCS) {
      Matcher named = VARIABLE.matcher(Files.readString(Path.of("..").resolve(doc)));
      while (named.find()) {
        String variable = named.group();
        if (!OTHER_VARIABLES.contains(variable)
            && !UnknownVariables.warnings(RunSettings.TABLE, Map.of(variable, "")).isEmpty()) {
          unknown.add(doc + ": " + variable);
        }
      }
    }

    assertEquals(Set.of(), unknown);
  }
}
