package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.settings.RunSettings;
import io.promcc.kube.fake.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base config edited while the controller runs reaches the written config, read on the
 * planner files' thread (off the file watcher's), which the stop ends: the controller as
 * {@code promcc run} wires it, on real threads, waits bounded polls.
 */
class BaseConfigEditWhileRunningTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String THREAD = "promcc-planner-files";

  @TempDir Path temp;

  @Test
  void anEditReachesTheWrittenConfigAndTheStopEndsTheThreadThatReadIt() throws Exception {
    RunSettings settings = BaseConfigRunFiles.settings(temp);
    Path base = temp.resolve("base.yml");
    Path out = temp.resolve("out");
    long threadsBefore = threadsNamed(THREAD);

    Controller controller = DaggerControllerComponent.factory()
        .create(settings, Clock.systemUTC()).controller();
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    Path config = out.resolve("prometheus.yml");
    try {
      Poll.until(PATIENCE, "the first config written", () -> interval(config).contains("30s"));

      Files.writeString(base, "global: {scrape_interval: 17s}\n");

      Poll.until(PATIENCE, "the edit written", () -> interval(config).contains("17s"));
      assertTrue(threadsNamed(THREAD) > threadsBefore, "read on a thread of its own");
    } finally {
      controller.stop();
      runner.join(PATIENCE.toMillis());
    }
    assertFalse(runner.isAlive(), "run() ended");
    // the stop waited for the thread's executor to end, after which the thread itself ends
    Poll.until(PATIENCE, "the stop ended the planner files' thread",
        () -> threadsNamed(THREAD) <= threadsBefore);
  }

  /** The written config's global scrape_interval line, or none. */
  private static String interval(Path config) throws IOException {
    if (!Files.exists(config)) {
      return "(no config)";
    }
    return Files.readString(config).lines().filter(line -> line.contains("scrape_interval"))
        .findFirst().orElse("(none)");
  }

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals(name) && thread.isAlive()).count();
  }
}
