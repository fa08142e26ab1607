package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.StartReads;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.Sleeper;
import io.promcc.core.yaml.BaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read of the base config and profile again at start waits for a change's reload under
 * way (a change seen once they were watched) no longer than a read of its own: one that does not
 * end (its read of a volume that hangs; held in its wait for the file to hold still here, as a
 * change's read cannot be made to hang) fails the start in a read's words, where the start
 * waited for it for good. Reads at start are waited for 200 ms; the change's reload is released
 * by the test.
 */
class PlanInputsStartLockTest {
  private static final long PATIENCE_SECONDS = 30;

  @TempDir Path temp;

  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch back = new CountDownLatch(1);
  /** A thread of its own for each: the change's reload blocks its thread until the end. */
  private final Executor threads = task -> {
    Thread thread = new Thread(task, "test-planner-files");
    thread.setDaemon(true);
    thread.start();
  };

  @Test
  void aChangesReloadThatDoesNotEndFailsTheStartNamingTheFiles() throws Exception {
    Path base = Files.writeString(temp.resolve("prometheus.yml"),
        "global: {scrape_interval: 30s}\n").toAbsolutePath();
    Sleeper stuck = duration -> {
      held.countDown();
      back.await(2 * PATIENCE_SECONDS, TimeUnit.SECONDS);
    };
    PlanInputs inputs = new PlanInputs(Optional.of(base), Optional.empty(),
        ControllerSettings.builder().build(), (source, message) -> { }, System::nanoTime, stuck,
        BaseConfig::parse, new StartReads(Duration.ofMillis(200), file -> { }));
    CompletableFuture<Boolean> change = CompletableFuture.supplyAsync(inputs::reload, threads);
    try {
      assertTrue(held.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the change's reload runs");

      ExecutionException e = assertThrows(ExecutionException.class,
          () -> CompletableFuture.runAsync(() -> inputs.atStart(inputs::reload), threads)
              .get(PATIENCE_SECONDS, TimeUnit.SECONDS));

      assertEquals("base config \"" + base + "\" is invalid (1 problem)\n  - was not read: its "
          + "read at start did not end within 200ms (is its volume hanging?)",
          assertInstanceOf(ValidationException.class, e.getCause()).getMessage());
    } finally {
      back.countDown();
      change.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }
  }
}
