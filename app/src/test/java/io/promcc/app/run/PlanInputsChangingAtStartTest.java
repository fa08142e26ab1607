package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.local.StartReads;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base config and a profile rewritten without pause while the controller starts: their read
 * again at start waits for each to hold still (up to 4 s each), which is no read that does not
 * answer. The start goes on with what it first read and says the files were still changing,
 * where it failed as a volume that hangs ("did not end within ..."). On a model of time: each
 * sleep moves the ticker as long as asked and rewrites the files, at once. The waits run on the
 * start's thread, outside the reads' bound (each read on a reader thread, waited for at most
 * 30 s, which only a failure reaches): a bound over a wait is seen where the wait runs, not by
 * how long it takes, so no real time decides the test.
 */
class PlanInputsChangingAtStartTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path temp;

  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger writes = new AtomicInteger();
  private final Set<String> waitedOn = ConcurrentHashMap.newKeySet();

  @Test
  void filesRewrittenWithoutPauseAtStartAreStillChangingNotAHungVolume() throws Exception {
    Path base = write(temp.resolve("prometheus.yml"), "global: {scrape_interval: 30s}\n");
    Path profile = write(temp.resolve("profile.yml"), profile(1));
    Sleeper rewriting = duration -> {
      now.addAndGet(duration.toNanos());
      waitedOn.add(Thread.currentThread().getName());
      int n = writes.incrementAndGet();
      write(base, "global: {scrape_interval: " + (10 + n % 50) + "s}\n");
      write(profile, profile(n));
    };
    PlanInputs inputs = new PlanInputs(Optional.of(base), Optional.of(profile), SETTINGS,
        (source, message) -> { }, now::get, rewriting, BaseConfig::parse,
        new StartReads(BOUND, file -> { }));

    try (LogCapture log = LogCapture.of(PlanInputs.class)) {
      inputs.atStart(inputs::reload);

      assertEquals(Set.of(Thread.currentThread().getName()), waitedOn,
          "the threads the waits for the files to hold still ran on");
      assertEquals(Duration.ofSeconds(8), Duration.ofNanos(now.get()),
          "4 s of waits for each file to hold still, on the model's time");
      assertEquals(List.of("the base config or profile was still changing after 4 s of waiting"
          + " for it to hold still; the last good ones are kept, and they are read again at the"
          + " next check"), log.messages(), "said still changing, after " + writes.get()
          + " writes");
    }
  }

  private static String profile(int n) {
    return "jobs:\n- name: x" + n + "\n  role: node\n  target: direct\n";
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
