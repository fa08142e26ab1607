package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.ModelArbitraries;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * promtool accepts what the planner writes for inputs drawn from {@link ModelArbitraries}: label
 * values and providers full of quotes, {@code : }, {@code $1}, {@code ${1}}, right-to-left and
 * astral-plane text, 1024-character values, 63-character IDs, both output modes, nested config
 * files and base configs with secrets and comments. So the escaping the properties check against
 * snakeyaml also holds for Prometheus' own parser. Skipped like {@link PromtoolOracleIT}
 * without promtool.
 */
@AddLifecycleHook(PrometheusTools.Required.class)
class ModelArbitrariesOracleIT {
  private static final int SETS = 60;

  record Input(ControllerSettings settings, String baseConfig, List<GuestCluster> clusters) {}

  @Provide
  Arbitrary<List<Input>> sets() {
    return ModelArbitraries.controllerSettings().flatMap(settings -> Combinators.combine(
            ModelArbitraries.prometheusBaseConfigs(settings.jobPrefix()),
            ModelArbitraries.guestClusterLists(1, 6))
        .as((base, clusters) -> new Input(settings, base, clusters)))
        .list().ofSize(SETS);
  }

  /** One try over 60 sets, so promtool starts once; a fixed seed makes the draw repeatable. */
  @Property(tries = 1, seed = "20261125", shrinking = ShrinkingMode.OFF,
      edgeCases = EdgeCasesMode.NONE)
  void promtoolAcceptsTheOutputForArbitraryClustersSettingsAndBaseConfigs(
      @ForAll("sets") List<Input> sets) throws IOException {
    Promtool promtool = Promtool.require();
    Path temp = Files.createTempDirectory("promcc-oracle");
    try {
      List<Path> configs = new ArrayList<>();
      for (int i = 0; i < sets.size(); i++) {
        Input input = sets.get(i);
        DesiredState state = new Planner(ScrapeProfile.defaultProfile(),
            BaseConfig.parse(input.baseConfig(), "base.yml"))
            .plan(input.clusters(), TestCertificates.forAll(input.clusters()), input.settings());
        configs.add(DesiredStateFiles.write(state,
            Files.createDirectory(temp.resolve("set-" + i))));
      }

      Promtool.Result result = promtool.checkConfigs(configs,
          Files.createDirectory(temp.resolve("cwd")));

      assertEquals(0, result.exitCode(), () -> "promtool " + promtool.version() + " rejected:\n"
          + String.join("\n", result.output().lines().filter(line -> line.contains("FAILED"))
          .toList()));
      assertEquals(SETS, result.output().lines().filter(line -> line.contains("SUCCESS:"))
          .count(), result::output);
    } finally {
      try (Stream<Path> paths = Files.walk(temp)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
