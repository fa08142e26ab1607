package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.StartReads;
import io.promcc.app.local.TestFileWatchers;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.ValidationException;
import io.promcc.core.yaml.BaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base config and the profile on a volume that begins to hang once the controller has read
 * them (as it was made), before they are watched: the start fails within one bound, naming the
 * base config, whose watch gave up its first look at it, where the profile's watch waited the
 * bound again for the same volume and the base config's read again at start once more. Reads
 * are waited for 200 ms; the hung reads are released after the test.
 */
class PlannerFileWatchesStartBoundTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  private static final Duration BOUND = Duration.ofMillis(200);
  /** The test's patience for what should happen at once: generous for a busy machine. */
  private static final long PATIENCE_SECONDS = 30;
  private static final String PROFILE = "jobs:\n- name: x\n  role: node\n  target: direct\n";

  @TempDir Path temp;

  /** Counted down when the volume answers again (the test's end). */
  private final CountDownLatch back = new CountDownLatch(1);
  /** Counted down when a read reaches the volume once it hangs. */
  private final CountDownLatch hungReadBegun = new CountDownLatch(1);
  private volatile Path volume;
  private boolean hanging; // guarded by this
  private int hungReads; // guarded by this

  @AfterEach
  void releaseTheVolume() {
    back.countDown();
  }

  @Test
  void filesWhoseVolumeHangsOnceReadFailTheStartWithinOneBoundNamingTheFirst() throws Exception {
    volume = Files.createDirectories(temp.resolve("volume")).toAbsolutePath();
    Path base = Files.writeString(volume.resolve("prometheus.yml"), "global: {}\n");
    Path profile = Files.writeString(volume.resolve("profile.yml"), PROFILE);
    PlanInputs inputs = inputs(base, profile);
    synchronized (this) {
      hanging = true;
    }
    AtomicBoolean current = new AtomicBoolean();
    try (FileWatcher watcher = TestFileWatchers.reaching(path -> reach(path, current), BOUND)) {
      long begun = System.nanoTime();
      String failure = assertTimeoutPreemptively(Duration.ofSeconds(PATIENCE_SECONDS / 3),
          () -> {
            // as the controller's start: the files watched, then read again
            try (PlannerFileWatches watches = PlannerFileWatches.watch(watcher,
                List.of(base, profile), inputs, why -> { }, Runnable::run)) {
              watches.readNow();
              return "none";
            } catch (ValidationException e) {
              return e.getMessage();
            }
          });
      Duration took = Duration.ofNanos(System.nanoTime() - begun);

      assertTrue(hungReadBegun.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "a read hung");
      assertEquals(1, hungReads(), "the start's reads of the hung volume, each waited for "
          + BOUND + " (the start took " + took.toMillis() + " ms)");
      assertEquals("base config \"" + base + "\" is invalid (1 problem)\n  - was not read: its "
          + "read at start did not end within 200ms (is its volume hanging?)", failure);
    }
  }

  private synchronized int hungReads() {
    return hungReads;
  }

  /**
   * The inputs of the files, read as the controller is made, made again while a read of one
   * (its volume not hanging yet) was late past the short bound on a busy machine, within the
   * patience: the reads of an attempt given up do not reach the volume once it hangs.
   */
  private PlanInputs inputs(Path base, Path profile) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (true) {
      AtomicBoolean stale = new AtomicBoolean();
      try {
        return new PlanInputs(Optional.of(base), Optional.of(profile), SETTINGS,
            (source, message) -> { }, System::nanoTime, duration -> { }, BaseConfig::parse,
            new StartReads(BOUND, path -> reach(path, stale)));
      } catch (ValidationException late) {
        synchronized (this) {
          stale.set(true);
        }
        if (!late.getMessage().contains("did not end within")
            || System.nanoTime() - deadline > 0) {
          throw late;
        }
      }
    }
  }

  /**
   * Reaches the volume with {@code path}, as a read of it begins: once the volume hangs, a read
   * of a file on it (not of an attempt given up) waits until the volume is back, ignoring its
   * interrupt as a hung NFS read does.
   */
  private void reach(Path path, AtomicBoolean stale) {
    synchronized (this) {
      if (!hanging || stale.get() || !path.startsWith(volume)) {
        return;
      }
      hungReads++;
    }
    hungReadBegun.countDown();
    while (true) {
      try {
        back.await();
        return;
      } catch (InterruptedException ignored) {
        // still hung
      }
    }
  }
}
