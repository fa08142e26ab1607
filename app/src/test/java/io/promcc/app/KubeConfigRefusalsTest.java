package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.run.FakeKubeconfigs;
import io.promcc.kube.fake.FakeKubeApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Where the Kubernetes client's configuration comes from is said, and a lookup that finds none
 * (no --kubeconfig, no KUBECONFIG, no ~/.kube/config, not in a Pod) or a kubeconfig that cannot
 * be used is a bad setting (exit 2) naming the places looked at or the file and its fault, not
 * a retry against client-java's last resort, http://localhost:8080. The environment is the
 * command's ({@link Main#commandLine(Map)}), with a HOME of the test's: the machine's own
 * ~/.kube is never read.
 */
class KubeConfigRefusalsTest {
  /**
   * How long the {@code promcc run} process may take to refuse: a JVM's start, on a busy 2-core
   * machine many times its CPU time (at load 50 it had printed nothing after 25 s); a run that
   * retried instead of refusing would run on past any bound.
   */
  private static final long PROCESS_SECONDS = 180;

  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int check(Map<String, String> env, String... args) {
    CommandLine command = Main.commandLine(env);
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    List<String> all = Stream.concat(Stream.of("check", "--discovery", "kubernetes",
        "--certificates", "secrets", "--lease-namespace", "monitoring", "--sync-timeout", "60s",
        "--out", temp.resolve("out").toString(), "--state-dir",
        temp.resolve("state").toString()), Stream.of(args)).toList();
    return command.execute(all.toArray(String[]::new));
  }

  @Test
  void checkRefusesToStartWhenNoKubernetesConfigurationIsFoundNamingThePlacesLookedAt()
      throws Exception {
    Path home = Files.createDirectories(temp.resolve("home"));

    int code = check(Map.of("HOME", home.toString()));

    assertEquals(2, code, err.toString());
    String error = err.toString();
    assertTrue(error.contains("error: no kubernetes api configuration found: --kubeconfig is "
        + "not set, KUBECONFIG is not set, \"" + home.resolve(".kube/config")
        + "\" (~/.kube/config) does not exist, and KUBERNETES_SERVICE_HOST is not set (no "
        + "in-cluster service account)"), error);
    assertTrue(error.contains("nothing was checked"), error);
    assertFalse(error.contains("localhost:8080"), error);
  }

  /**
   * {@code promcc run} as its own process, in an environment without any configuration (HOME
   * the test's, no KUBECONFIG, not in a Pod): refused at start, within a bound, not retried.
   */
  @Test
  void runRefusesToStartWhenNoKubernetesConfigurationIsFound() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home"));
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "run", "--discovery",
        "kubernetes", "--certificates", "secrets", "--lease-namespace", "monitoring",
        "--out", temp.resolve("out").toString(), "--state-dir",
        temp.resolve("state").toString(), "--http-address", "127.0.0.1:0");
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("KUBE") || name.startsWith("PROMCC_"));
    env.put("HOME", home.toString());
    Path log = temp.resolve("run.log");
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean ended = process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(ended, "promcc run still ran after " + PROCESS_SECONDS + " s instead of "
          + "refusing:\n" + output);
      assertEquals(2, process.exitValue(), output);
      assertTrue(output.contains("error: no kubernetes api configuration found: --kubeconfig "
          + "is not set, KUBECONFIG is not set, \"" + home.resolve(".kube/config") + "\""),
          output);
      assertTrue(output.contains("nothing was started"), output);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aKubeconfigWhoseCurrentContextIsMissingIsNamedWithTheContext() throws Exception {
    Path file = Files.writeString(temp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://api.example:6443"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: a, context: {cluster: c, user: u}}]
        current-context: b
        """);

    int code = check(Map.of(), "--kubeconfig", file.toString());

    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("error: kubeconfig \"" + file + "\" (from --kubeconfig) "
        + "names current-context \"b\", which is not one of its contexts (\"a\")"),
        err.toString());
  }

  @Test
  void aKubeconfigThatIsNotYamlIsNamed() throws Exception {
    Path file = Files.writeString(temp.resolve("kubeconfig"), "clusters: [unclosed\n");
    Path home = Files.createDirectories(temp.resolve("home"));

    int code = check(Map.of("HOME", home.toString(), "KUBECONFIG", file.toString()));

    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("error: kubeconfig \"" + file + "\" (from KUBECONFIG) "
        + "is not a kubeconfig: "), err.toString());
  }

  @Test
  void checkSaysWhichConfigurationItUsesAndTheApiServerItNames() throws Exception {
    try (FakeKubeApi host = FakeKubeApi.start()) {
      Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
      Path file = FakeKubeconfigs.write(host, home.resolve(".kube/config"));

      int code = check(Map.of("HOME", home.toString()));

      assertEquals(CheckCommand.EXIT_CHANGES, code, err + "\n" + out);
      assertTrue(out.toString().startsWith("kubernetes api \"" + host.url().toString()
          .replaceAll("/$", "") + "\" from ~/.kube/config \"" + file + "\" (context "
          + "\"fake\")\n"), out.toString());
    }
  }
}
