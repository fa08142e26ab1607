package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.settings.RunSettings;
import io.promcc.kube.fake.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base config is read once when the controller is made ({@code PlanInputs}) and watched
 * from {@link Controller#start()} on. An edit that lands between the two (a ConfigMap the
 * kubelet updates while the container starts, an operator's edit during a restart) must still
 * reach the config: the watch takes what the file holds at {@code start()} as its starting
 * point, so nothing after that tells the controller that what it read is already old.
 */
class BaseConfigEditDuringStartTest {
  @TempDir Path temp;

  @Test
  void anEditBetweenTheFirstReadAndTheWatchReachesTheWrittenConfig() throws Exception {
    RunSettings settings = BaseConfigRunFiles.settings(temp);
    Path base = temp.resolve("base.yml");
    Path out = temp.resolve("out");

    // the graph reads the base config (30s) ...
    Controller controller = DaggerControllerComponent.factory()
        .create(settings, Clock.systemUTC()).controller();
    // ... the file changes before the watch begins ...
    Files.writeString(base, "global: {scrape_interval: 17s}\n");
    // ... and start() takes the new content as the watch's starting point
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    try {
      Path config = out.resolve("prometheus.yml");
      Poll.until(Duration.ofSeconds(30), "the first config written",
          () -> Files.exists(config));
      String global = Files.readString(config).lines()
          .filter(line -> line.contains("scrape_interval")).findFirst().orElse("(none)");

      assertTrue(global.contains("17s"),
          "the base config on disk since before start() says 17s; written: " + global);
    } finally {
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }
}
