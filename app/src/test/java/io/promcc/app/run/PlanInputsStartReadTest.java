package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.app.local.StartReads;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.ValidationException;
import io.promcc.core.yaml.BaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base config's and the profile's reads when {@code promcc run} starts, on a volume that
 * hangs: the start fails within the bound, naming the file and the bound, where it hung for
 * good. The hung read is released after each test.
 */
class PlanInputsStartReadTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  private static final Duration BOUND = Duration.ofSeconds(1);
  private static final String PROFILE = "jobs:\n- name: x\n  role: node\n  target: direct\n";

  @TempDir Path temp;

  /** Counted down when the volume answers again (each test's end). */
  private final CountDownLatch back = new CountDownLatch(1);
  private volatile Path hanging;

  @AfterEach
  void releaseTheVolume() {
    back.countDown();
  }

  /** A read of {@link #hanging} waits until the volume is back, ignoring its interrupt. */
  private void volume(Path file) {
    while (file.equals(hanging)) {
      try {
        back.await();
        return;
      } catch (InterruptedException ignored) {
        // still hung
      }
    }
  }

  private PlanInputs inputs(Optional<Path> base, Optional<Path> profile) {
    return new PlanInputs(base, profile, SETTINGS, (source, message) -> { }, System::nanoTime,
        duration -> { }, BaseConfig::parse, new StartReads(BOUND, this::volume));
  }

  @Test
  void aProfileWhoseFirstReadHangsFailsTheStartNamingItAndTheBound() throws Exception {
    Path profile = Files.writeString(temp.resolve("profile.yml"), PROFILE);
    hanging = profile;

    ValidationException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(ValidationException.class,
            () -> inputs(Optional.empty(), Optional.of(profile))));

    assertEquals("profile \"" + profile + "\" is invalid (1 problem)\n  - was not read: its "
        + "read at start did not end within 1s (is its volume hanging?)", e.getMessage());
  }

  @Test
  void aReadAgainAtStartWhoseBaseConfigHangsFailsTheStartNamingItAlone() throws Exception {
    Path base = Files.writeString(temp.resolve("prometheus.yml"), "global: {}\n");
    Path profile = Files.writeString(temp.resolve("profile.yml"), PROFILE);
    PlanInputs inputs = inputs(Optional.of(base), Optional.of(profile));
    hanging = base;

    ValidationException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(ValidationException.class, () -> inputs.atStart(inputs::reload)));

    assertEquals("base config \"" + base + "\" is invalid (1 problem)\n  - was not read: its "
        + "read at start did not end within 1s (is its volume hanging?)", e.getMessage());
  }

  @Test
  void aReadAgainAtStartWhoseProfileHangsFailsTheStartNamingItAlone() throws Exception {
    Path base = Files.writeString(temp.resolve("prometheus.yml"), "global: {}\n");
    Path profile = Files.writeString(temp.resolve("profile.yml"), PROFILE);
    PlanInputs inputs = inputs(Optional.of(base), Optional.of(profile));
    hanging = profile;

    ValidationException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(ValidationException.class, () -> inputs.atStart(inputs::reload)));

    assertEquals("profile \"" + profile + "\" is invalid (1 problem)\n  - was not read: its "
        + "read at start did not end within 1s (is its volume hanging?)", e.getMessage());
  }
}
