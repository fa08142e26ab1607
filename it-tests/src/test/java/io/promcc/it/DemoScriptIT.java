package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code scripts/demo.sh}, run as a user runs it (the build is done
 * by the reactor before this test, so the script is told not to build): it prints where to
 * look, every guest cluster's targets come up in Prometheus, and however it is ended — Ctrl-C,
 * its launcher killed, the script itself killed — no process it started is left and its ports
 * are free.
 */
class DemoScriptIT {
  private static final Duration UP = Duration.ofMinutes(4);
  private static final Duration END = Duration.ofSeconds(90);
  private static final Pattern PROMETHEUS = Pattern.compile("^\\s*Prometheus:\\s+(http://\\S+)");
  private static final Pattern METRICS = Pattern.compile("^\\s*promcc metrics:\\s+(http://\\S+)");
  private static final Pattern CLUSTERS = Pattern.compile("^\\s*clusters file:\\s+(\\S+)");
  private static final Pattern QUERY = Pattern.compile("^\\s*try the query:\\s+(\\S+)");
  private static final Pattern ALL_UP =
      Pattern.compile("^demo: all 2 guest clusters are up after \\d+ s: demo-a 12/12, "
          + "demo-b 11/11$");
  private static final Pattern PORT = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)");
  /** The second line of a record the JDK's default log format writes. */
  private static final Pattern JDK_LOG_LEVEL =
      Pattern.compile("^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): ");

  @TempDir
  Path dir;

  private Process script;
  private final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void leaveNothingBehind() {
    // after a failure: end what the test could not get the script to end
    started.forEach(ProcessHandle::destroyForcibly);
    if (script != null) {
      script.destroyForcibly();
    }
  }

  @Test
  void printsWhereToLookFollowsEditsAndCtrlCStopsEverything() throws Exception {
    Demo demo = startDemo();
    demo.await(ALL_UP);
    String prometheus = demo.line(PROMETHEUS);
    String metrics = demo.line(METRICS);
    Path clustersFile = Path.of(demo.line(CLUSTERS));
    assertEquals("up{cluster_id=\"demo-a\"}", demo.line(QUERY));
    assertTrue(Files.readString(clustersFile).contains("# - {id: demo-c"),
        "the spare cluster is one uncommented line away");
    assertFalse(demo.output.contains(JDK_LOG_LEVEL), "a log line of the launcher in the JDK's "
        + "format, over two lines in local time:\n" + demo.output.tail(30));

    // Prometheus itself says so, at the printed URL
    PrometheusApi api = new PrometheusApi(URI.create(prometheus));
    // read again while a series is 0: the demo saw each at 1, and a scrape after it may have
    // run out of its timeout on a busy machine (the guest APIs answer in the launcher's JVM)
    List<PrometheusApi.Sample> up = new ArrayList<>();
    Wait.until(UP, Wait.DEFAULT_INTERVAL, "every up series of demo-a 1", () -> {
      up.clear();
      up.addAll(api.query("up{cluster_id=\"demo-a\"}"));
      return up.size() == 12 && up.stream().allMatch(sample -> sample.value() == 1);
    }, () -> "demo-a's up series: " + up);
    assertEquals(12, up.size(), "demo-a's targets: " + up);
    assertEquals(11, api.query("up{cluster_id=\"demo-b\"}").size(), "demo-b's targets");
    // the targets can be up before the controller's first reload is made and counted
    Wait.until(UP, "promcc_config_in_sync 1 at the printed metrics URL", () -> Exposition.value(
        Http.getOk(URI.create(metrics)), "promcc_config_in_sync").orElse(-1) == 1);

    List<Integer> ports = demo.ports(prometheus, metrics, clustersFile);

    // the README's edits: uncomment the spare cluster's line, delete an entry
    ClustersFile file = new ClustersFile(clustersFile);
    file.writeText(file.read().replace("# - {id: demo-c", "- {id: demo-c"));
    demo.await(Pattern.compile("^demo: targets up: demo-a 12/12, demo-b 11/11, "
        + "demo-c 11/11$"));
    file.writeText(file.read().replaceAll("(?m)^- id: demo-b\n(  .*\n)+", ""));
    demo.await(Pattern.compile("^demo: targets up: demo-a 12/12, demo-c 11/11$"));
    assertTrue(api.loadedJobs().stream().noneMatch(j -> j.startsWith("guest-cluster-demo-b-")),
        "demo-b's jobs unloaded: " + api.loadedJobs());
    assertTrue(api.loadedJobs().contains("guest-cluster-demo-c-kubelet"),
        "demo-c's jobs loaded: " + api.loadedJobs());

    recordDescendants();
    assertRunning("a Prometheus", "/prometheus ");
    assertRunning("the controller", "promcc.jar run");
    assertRunning("the launcher", "io.promcc.it.demo.Demo");

    // Ctrl-C in a terminal reaches the script alone: the launcher runs in its own group
    signal("INT", script.pid());
    assertTrue(script.waitFor(END.toSeconds(), TimeUnit.SECONDS), "the script ended");
    assertEquals(130, script.exitValue(), "exit code after Ctrl-C");
    assertTrue(demo.output.contains(Pattern.compile("^demo: stopped$")),
        "the launcher stopped what it started:\n" + demo.output.tail(20));
    assertNothingLeft(ports);
  }

  @Test
  void killingTheLauncherStillStopsEverything() throws Exception {
    Demo demo = startDemo();
    demo.await(PROMETHEUS);
    List<Integer> ports = demo.ports(demo.line(PROMETHEUS), demo.line(METRICS),
        Path.of(demo.line(CLUSTERS)));
    recordDescendants();
    ProcessHandle launcher = assertRunning("the launcher", "io.promcc.it.demo.Demo");
    assertRunning("the controller", "promcc.jar run");

    launcher.destroyForcibly();
    assertTrue(script.waitFor(END.toSeconds(), TimeUnit.SECONDS), "the script ended");
    assertEquals(137, script.exitValue(), "the script passes on the launcher's end (SIGKILL)");
    assertNothingLeft(ports);
  }

  @Test
  void killingTheScriptStillStopsEverything() throws Exception {
    Demo demo = startDemo();
    demo.await(PROMETHEUS);
    List<Integer> ports = demo.ports(demo.line(PROMETHEUS), demo.line(METRICS),
        Path.of(demo.line(CLUSTERS)));
    recordDescendants();
    assertRunning("the controller", "promcc.jar run");

    script.destroyForcibly();
    assertTrue(script.waitFor(END.toSeconds(), TimeUnit.SECONDS), "the script ended");
    // the launcher notices that its parent is gone and stops what it started
    assertNothingLeft(ports);
    assertTrue(demo.output.contains(Pattern.compile("^demo: stopped$")),
        "the launcher stopped what it started:\n" + demo.output.tail(20));
  }

  /**
   * The script's run: its output. A wait for a line of it ends when the script does, naming its
   * exit code and last lines, not {@link #UP} later.
   */
  private record Demo(LogFile output, Path workDir, Process script) {
    void await(Pattern pattern) {
      output.await(pattern, UP, script);
    }

    /**
     * The first group of the first complete line matching {@code pattern}, once printed: the
     * launcher prints where to look line by line, so the line after the one awaited may not be
     * there yet.
     */
    String line(Pattern pattern) {
      Matcher m = pattern.matcher(output.awaitCompleteLine(pattern, UP, script));
      assertTrue(m.find());
      return m.group(1);
    }

    /** Prometheus', promcc's and every guest API's port. */
    List<Integer> ports(String prometheus, String metrics, Path clustersFile) throws IOException {
      List<Integer> ports = new ArrayList<>(List.of(URI.create(prometheus).getPort(),
          URI.create(metrics).getPort()));
      Matcher m = PORT.matcher(Files.readString(clustersFile));
      while (m.find()) {
        ports.add(Integer.parseInt(m.group(1)));
      }
      assertEquals(5, ports.size(), "Prometheus, promcc, three guest APIs: " + ports);
      return ports;
    }
  }

  private Demo startDemo() throws IOException {
    Path work = dir.resolve("demo");
    LogFile output = new LogFile(dir.resolve("demo-output.txt"));
    // env resets SIGINT to its default: a JVM started in the background of a non-interactive
    // shell ignores it, its children inherit that, and bash cannot trap an ignored signal
    ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "scripts/demo.sh")
        .directory(ItEnvironment.repoDir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.path().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().put("PROMCC_DEMO_DIR", work.toString());
    builder.environment().put("PROMCC_DEMO_PROMETHEUS_PORT", "0");
    builder.environment().put("PROMCC_DEMO_METRICS_PORT", "0");
    // the reactor built everything before this test: never start Maven inside Maven
    builder.environment().put("PROMCC_BUILD", "never");
    builder.environment().put("PROMETHEUS_BIN_DIR", ItEnvironment.prometheus().getParent()
        .toString());
    script = ChildProcesses.JVM.register(builder.start());
    return new Demo(output, work, script);
  }

  private void recordDescendants() {
    started.addAll(script.toHandle().descendants().toList());
  }

  private ProcessHandle assertRunning(String what, String inCommandLine) {
    return started.stream().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains(inCommandLine))
        .findFirst().orElseThrow(() -> new AssertionError(what + " is not among the script's "
            + "processes: " + started.stream().map(DemoScriptIT::describe).toList()));
  }

  /** Every process the script started has ended, none names the work folder, ports are free. */
  private void assertNothingLeft(List<Integer> ports) {
    for (ProcessHandle process : started) {
      Wait.until(END, describe(process) + " to end", () -> !process.isAlive());
    }
    String work = dir.resolve("demo").toString();
    List<String> left = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(work))
        .map(DemoScriptIT::describe).toList();
    assertEquals(List.of(), left, "processes that name the demo's folder");
    for (int port : ports) {
      Wait.until(Duration.ofSeconds(30), "port " + port + " free", () -> Ports.isFree(port));
    }
    assertFalse(script.isAlive());
  }

  /** PID and the start of the command line. */
  private static String describe(ProcessHandle process) {
    String command = process.info().commandLine().orElse("?");
    return process.pid() + " " + (command.length() > 300 ? command.substring(0, 300) + "..."
        : command);
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
        .redirectErrorStream(true).start();
    assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0,
        "kill -" + signal + " " + pid + ": " + new String(kill.getInputStream().readAllBytes()));
  }
}
