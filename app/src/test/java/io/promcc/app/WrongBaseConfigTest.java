package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A wrong file given as {@code --base-config} (a profile, a Kubernetes manifest) or a field
 * mistyped in it was written through without a word: promcc keeps top-level keys Prometheus
 * does not know (a newer one may know them), and Prometheus 2.53 and 3.x refuse the config.
 * {@code render} warns of each such key, and refuses a file of none of Prometheus' fields as
 * invalid input (exit 1), as {@code check} and {@code run} refuse it as a bad setting (exit 2).
 */
class WrongBaseConfigTest extends RenderCommandFixture {
  private static final String NONE = "has none of Prometheus' top-level fields (global, "
      + "scrape_configs, rule_files, ...): is it a Prometheus config?";
  private static final String NO_VALUE = "is empty (only blanks or comments, no YAML value); "
      + "an empty config (the generated jobs only) is written {}";

  private Path clustersFile() throws IOException {
    return clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
  }

  @Test
  void renderWarnsOfAMistypedFieldAndWritesTheConfig() throws IOException {
    Path base = Files.writeString(temp.resolve("base.yml"),
        "global: {scrape_interval: 30s}\nscrape_config:\n- job_name: a\n");
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", clustersFile().toString(), "--base-config",
        base.toString(), "--cert-dir", certificatesFor("abc12").toString(), "--out",
        outDir.toString());

    assertEquals(0, code, err.toString());
    assertTrue(err.toString().contains("warning: base config \"" + base + "\": top-level field "
        + "\"scrape_config\" is unknown to Prometheus 2.53 and 3.x, which refuse the config; "
        + "did you mean \"scrape_configs\"?\n"), err.toString());
    assertTrue(Files.readString(outDir.resolve("prometheus.yml")).contains("scrape_config:"));
  }

  /** A profile given as the base config: each of its fields named, and nothing written. */
  @Test
  void renderRefusesAFileOfNoneOfPrometheusFieldsAndWritesNothing() throws IOException {
    Path base = Files.writeString(temp.resolve("profile.yml"), "extends: default\njobs: []\n");
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", clustersFile().toString(), "--base-config",
        base.toString(), "--cert-dir", certificatesFor("abc12").toString(), "--out",
        outDir.toString());

    assertEquals(Main.EXIT_INVALID, code, err.toString()); // render's invalid input
    String said = err.toString();
    assertTrue(said.contains("warning: base config \"" + base + "\": top-level field "
        + "\"extends\" is unknown"), said);
    assertTrue(said.contains("warning: base config \"" + base + "\": top-level field "
        + "\"jobs\" is unknown"), said);
    assertTrue(said.contains("error: base config \"" + base + "\" is invalid (1 problem)\n  - "
        + NONE + "\n"), said);
    assertTrue(said.endsWith("nothing was written\n"), said);
    assertFalse(Files.exists(outDir.resolve("prometheus.yml")));
  }

  @Test
  void checkRefusesAKubernetesManifestAsABadSetting() throws IOException {
    Path base = Files.writeString(temp.resolve("configmap.yml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus}\ndata: {}\n");
    StringWriter checkErr = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(checkErr));

    int code = command.execute("check", "--clusters", clustersFile().toString(),
        "--base-config", base.toString(), "--out", temp.resolve("out").toString(),
        "--state-dir", temp.resolve("state").toString());

    assertEquals(2, code, checkErr.toString());
    assertTrue(checkErr.toString().contains("base config \"" + base + "\" is invalid (1 "
        + "problem)\n  - " + NONE), checkErr.toString());
  }

  /**
   * An emptied base config (a failed write, {@code > base.yml}) was rendered as a config of the
   * generated jobs only, and check took it: render refuses it as invalid input (exit 1), check
   * as the bad setting run's start refuses (exit 2), naming {@code {}}, which render takes.
   */
  @Test
  void renderAndCheckRefuseAFileOfNoValueNamingTheEmptyConfig() throws IOException {
    Path base = Files.writeString(temp.resolve("base.yml"), "# emptied\n");
    Path outDir = temp.resolve("out");
    String[] render = {"render", "--clusters", clustersFile().toString(), "--base-config",
        base.toString(), "--cert-dir", certificatesFor("abc12").toString(), "--out",
        outDir.toString()};

    assertEquals(Main.EXIT_INVALID, run(render), err.toString());
    assertEquals("error: base config \"" + base + "\" is invalid (1 problem)\n  - " + NO_VALUE
        + "\nnothing was written\n", err.toString());
    assertFalse(Files.exists(outDir.resolve("prometheus.yml")));

    StringWriter checkErr = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(checkErr));
    int code = command.execute("check", "--clusters", clustersFile().toString(),
        "--base-config", base.toString(), "--out", temp.resolve("out2").toString(),
        "--state-dir", temp.resolve("state").toString());
    assertEquals(2, code, checkErr.toString());
    assertTrue(checkErr.toString().contains("base config \"" + base + "\" is invalid (1 "
        + "problem)\n  - " + NO_VALUE), checkErr.toString());

    Files.writeString(base, "{}\n");
    assertEquals(0, run(render), err.toString());
  }
}
