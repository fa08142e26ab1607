package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --state-dir}'s default, {@code $XDG_STATE_HOME/promcc}, reads XDG_STATE_HOME from the
 * environment the settings are read from, as every other setting does, not from the process's.
 */
class StateDirDefaultTest {
  @TempDir Path temp;
  private Path clusters;
  private final Problems problems = new Problems("settings");

  @BeforeEach
  void files() throws IOException {
    clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
  }

  private RunSettings load(Path out, Map<String, String> env) {
    return SettingsLoader.load(RunSettings.TABLE,
        Map.of("clusters", clusters.toString(), "out", out.toString()), env, problems);
  }

  @Test
  void theDefaultIsUnderTheGivenEnvironmentsXdgStateHome() {
    Path xdg = temp.resolve("xdg-state");

    RunSettings settings = load(temp.resolve("out"), Map.of("XDG_STATE_HOME", xdg.toString()));

    assertEquals(List.of(), problems.list());
    assertEquals(xdg.resolve("promcc"), settings.stateDir());
  }

  @Test
  void withoutXdgStateHomeTheDefaultIsUnderTheHomeFolder() {
    RunSettings settings = load(temp.resolve("out"), Map.of("XDG_STATE_HOME", " "));

    assertEquals(List.of(), problems.list());
    assertEquals(Path.of(System.getProperty("user.home"), ".local", "state", "promcc"),
        settings.stateDir());
  }

  /** The default is a default still: a problem with it names it so, with its value. */
  @Test
  void aDefaultInsideTheOutputFolderIsNamedAsTheDefault() {
    Path out = temp.resolve("out");

    assertNull(load(out, Map.of("XDG_STATE_HOME", out.toString())));

    assertEquals(List.of("default state-dir must be a folder outside --out \"" + out
        + "\" (the local CA's key would be in the folder shared with Prometheus, beside the "
        + "files promcc writes there), found \"" + out.resolve("promcc") + "\""),
        problems.list());
  }
}
