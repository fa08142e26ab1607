package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.prometheus.AtomicFileStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** What promcc run and check say about their settings before they start anything. */
class RunCommandTest {
  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    CommandLine command = Main.commandLine(env);
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  @Test
  void badSettingsPrintEveryProblemAndExit2BeforeAnythingStarts() {
    int code = run(Map.of("PROMCC_RESYNC", "often"), "run", "--debounce", "x",
        "--http-address", "nowhere", "--out", temp.resolve("out").toString());

    assertEquals(2, code);
    String text = err.toString();
    assertTrue(text.contains("error: --clusters or --discovery is required"), text);
    assertTrue(text.contains("error: --debounce must be a duration such as 250ms, 2s, 5m or "
        + "1h30m, found \"x\""), text);
    assertTrue(text.contains("error: --http-address must be HOST:PORT"), text);
    assertTrue(text.contains("error: PROMCC_RESYNC must be a duration"), text);
    assertTrue(text.contains("nothing was started"), text);
    assertFalse(Files.exists(temp.resolve("out")));
  }

  /**
   * A mistyped variable was ignored without a word: PROMCC_PROMETHEUS_URLS left promcc writing
   * files that no Prometheus reloaded. Kubernetes' variables of a Service named promcc are not
   * settings either, and are not warned of.
   */
  @Test
  void anUnknownPromccVariableIsAWarningNamingTheClosestSetting() {
    int code = run(Map.of("PROMCC_CLUSTER_FILE", "clusters.yml", "PROMCC_PROMETHEUS_URLS",
        "http://127.0.0.1:9090", "PROMCC_DEBOUNCE", "1s", "PROMCC_SERVICE_HOST", "10.0.0.7",
        "PROMCC_SERVICE_PORT_HTTP", "9420", "PROMCC_PORT", "tcp://10.0.0.7:9420",
        "PROMCC_PORT_9420_TCP_ADDR", "10.0.0.7", "OTHER_PROMCC_X", "y"), "run", "--out",
        temp.resolve("out").toString());

    assertEquals(2, code);
    List<String> warnings = err.toString().lines().filter(l -> l.startsWith("warning:")).toList();
    assertEquals(List.of(
        "warning: PROMCC_CLUSTER_FILE is not a promcc setting and is ignored (the closest is "
            + "PROMCC_CLUSTERS, --clusters)",
        "warning: PROMCC_PROMETHEUS_URLS is not a promcc setting and is ignored (the closest is "
            + "PROMCC_PROMETHEUS_URL, --prometheus-url)"), warnings);
    assertTrue(err.toString().contains("error: --clusters or --discovery is required"),
        err.toString());
  }

  /**
   * The variables of the project's own scripts (scripts/demo.sh's PROMCC_DEMO_*, the build's)
   * reach the promcc the demo starts: setting one as the README says made it warn of it.
   */
  @Test
  void theVariablesOfTheProjectsScriptsAreNotWarnedOf() {
    int code = run(Map.of("PROMCC_DEMO_CLUSTERS", "3", "PROMCC_DEMO_DIR", "/tmp/demo",
        "PROMCC_DEMO_PROMETHEUS_PORT", "0", "PROMCC_DEMO_METRICS_PORT", "0", "PROMCC_BUILD",
        "never", "PROMCC_TOOLS_DIR", "/opt/tools", "PROMCC_DEBIAN_MIRROR", "http://m",
        "PROMCC_TOOLS_CACHE", "/var/cache/promcc-tools", "PROMCC_DEBIAN_SUITES", "trixie",
        "PROMCC_DEBIAN_SUITES3", "forky sid"), "run",
        "--out", temp.resolve("out").toString());

    assertEquals(2, code);
    assertEquals(List.of(), err.toString().lines().filter(l -> l.startsWith("warning:"))
        .toList(), err.toString());
  }

  @Test
  void aVaultTokenFlagIsRefusedWithoutRepeatingIt() {
    int code = run(Map.of(), "run", "--vault-token", "hvs.s3cret");
    assertEquals(2, code);
    assertFalse((err.toString() + out).contains("hvs.s3cret"), err.toString());
  }

  @Test
  void unusablePrometheusCredentialsExit2NamingTheOptionAndTheFileNeverWhatItHolds()
      throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    Path token = Files.writeString(temp.resolve("token"), "tok-s3cret\n");
    Path empty = Files.writeString(temp.resolve("password"), "\n");

    int code = run(Map.of("PROMCC_PROMETHEUS_BEARER_TOKEN_FILE", token.toString()), "run",
        "--clusters", clusters.toString(), "--out", temp.resolve("out").toString(),
        "--prometheus-url", "http://127.0.0.1:9090", "--prometheus-basic-auth-user", "promcc",
        "--prometheus-password-file", empty.toString());

    assertEquals(2, code);
    String text = err.toString();
    assertTrue(text.contains("error: --prometheus-password-file must not be empty (it holds the "
        + "password), found \"" + empty + "\""), text);
    assertTrue(text.contains("error: PROMCC_PROMETHEUS_BEARER_TOKEN_FILE cannot be combined with "
        + "--prometheus-basic-auth-user: choose basic auth or a bearer token, found \"" + token
        + "\""), text);
    assertTrue(text.contains("nothing was started"), text);
    assertFalse(Files.exists(temp.resolve("out")));
    assertFalse((text + out).contains("tok-s3cret"), text);
  }

  @Test
  void aPasswordOrTokenGivenAsAFlagIsRefusedWithoutRepeatingIt() {
    for (String flag : new String[] {"--prometheus-password", "--prometheus-bearer-token"}) {
      assertEquals(2, run(Map.of(), "run", flag, "pw-s3cret"), flag);
    }
    assertFalse((err.toString() + out).contains("pw-s3cret"), err.toString());
  }

  @Test
  void helpExplainsEachOptionWithAnExampleAndItsVariable() {
    assertEquals(0, run(Map.of(), "run", "--help"));
    String help = out.toString().replaceAll("\\s+", " ");
    assertTrue(help.contains("--debounce=DURATION"), help);
    assertTrue(help.contains("PROMCC_DEBOUNCE"), help);
    assertTrue(help.contains("e.g. --debounce 250ms"), help);
    assertFalse(help.contains("--vault-token="), "a secret has no visible flag");
  }

  /** The help shows the default the settings read: from the environment given, not the process. */
  @ParameterizedTest
  @ValueSource(strings = {"run", "check"})
  void helpShowsTheStateDirDefaultOfTheGivenEnvironment(String command) {
    assertEquals(0, run(Map.of("XDG_STATE_HOME", "/xdg-state"), command, "--help"));
    // picocli may wrap a path anywhere in it
    String help = out.toString().replaceAll("\\s+", "");
    assertTrue(help.contains("Default:/xdg-state/promcc."), out.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "check", "render", "profile", "version"})
  void everyCommandHasTheHelpItsErrorsPointTo(String command) {
    assertEquals(0, run(Map.of(), command, "--help"), err.toString());
    assertTrue(out.toString().startsWith("Usage: promcc " + command), out.toString());
    assertEquals("", err.toString());
  }

  /** At the root the command name was repeated: "see 'promcc promcc --help'". */
  @Test
  void aUsageErrorPointsToTheHelpOfItsOwnCommand() {
    assertEquals(2, run(Map.of(), "--no-such-option"));
    assertTrue(err.toString().endsWith("see 'promcc --help'" + System.lineSeparator()),
        err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run(Map.of(), "render", "--no-such-option"));
    assertTrue(err.toString().endsWith("see 'promcc render --help'" + System.lineSeparator()),
        err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run(Map.of(), "check", "--no-such-option"));
    assertTrue(err.toString().endsWith("see 'promcc check --help'" + System.lineSeparator()),
        err.toString());
  }

  @Test
  void versionSaysWhatItIs() {
    assertEquals(0, run(Map.of(), "version"));
    assertTrue(out.toString().startsWith("promcc "), out.toString());
  }

  @Test
  void checkOfAFreshFolderSaysEverythingWouldBeWrittenAndTouchesNothing() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example\n");
    Path outDir = temp.resolve("out");

    int code = run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        outDir.toString(), "--state-dir", temp.resolve("state").toString());

    assertEquals(3, code, err.toString());
    assertTrue(out.toString().contains("would write   prometheus.yml"), out.toString());
    assertTrue(out.toString().contains("waiting: alpha: check does not request certificates"),
        out.toString());
    assertFalse(Files.exists(outDir), "check wrote nothing");
    assertFalse(Files.exists(temp.resolve("state")), "check made no CA");
  }

  @Test
  void checkOfAClustersFileThatDoesNotParseNamesTheProblem() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "- id: Bad_ID\n");

    int code = run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--sync-timeout", "1s");

    assertEquals(1, code, err.toString());
    assertTrue(err.toString().contains("missing field \"apiServer\" in clusters[0]"),
        "the problem is named: " + err);
  }

  /**
   * The clusters file source names what keeps it from syncing itself (for /readyz), and check
   * added the same reason after it: every problem of the file was printed twice.
   */
  @Test
  void checkOfAClustersFileThatDoesNotSyncNamesEachProblemOnce() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "- id: Bad_ID\n");

    int code = run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--sync-timeout", "1s");

    assertEquals(1, code, err.toString());
    String text = err.toString();
    String problem = "missing field \"apiServer\" in clusters[0]";
    assertEquals(text.indexOf(problem), text.lastIndexOf(problem), text);
  }

  /**
   * check read the clusters file at start, found it invalid, then waited the whole
   * --sync-timeout (a minute by default) for an edit that a check never sees: it says so at once.
   */
  @Test
  void checkOfAClustersFileFoundInvalidReportsItWithoutWaitingForTheSyncTimeout()
      throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "- id: alpha\n");

    int code = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> run(Map.of(), "check",
        "--clusters", clusters.toString(), "--out", temp.resolve("out").toString(),
        "--state-dir", temp.resolve("state").toString(), "--sync-timeout", "24h"));

    assertEquals(1, code, err.toString());
    assertEquals("error: clusters file \"" + clusters + "\" is invalid (2 problems)\n"
        + "  - missing field \"provider\" in clusters[0]\n"
        + "  - missing field \"apiServer\" in clusters[0]\n", err.toString());
  }

  /** An empty clusters file is no list of no cluster: check names it, as run's source does. */
  @Test
  void checkOfAnEmptyClustersFileNamesTheEmptyList() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "");

    int code = run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--sync-timeout", "1s");

    assertEquals(1, code, err.toString());
    assertEquals("error: clusters file \"" + clusters + "\" is invalid (1 problem)\n"
        + "  - is empty (only blanks or comments, no YAML value); a list of no cluster is "
        + "written []\n", err.toString());
  }

  @Test
  void checkCountsAClusterWhoseCertificateARunWouldRequestAsAChange() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    Path outDir = temp.resolve("out");
    assertEquals(0, run(Map.of(), "render", "--clusters", clusters.toString(), "--out",
        outDir.toString()), err.toString());
    assertEquals(0, run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        outDir.toString(), "--state-dir", temp.resolve("state").toString()), out.toString());

    Files.writeString(clusters,
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example\n");
    out.getBuffer().setLength(0);
    int code = run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        outDir.toString(), "--state-dir", temp.resolve("state").toString());

    assertEquals(3, code, "a run would issue alpha's certificate and add its jobs:\n" + out);
    assertTrue(out.toString().contains("would request certificates for 1 cluster"),
        out.toString());
  }

  /**
   * A check whose files are in step with the last config Prometheus verified, but which cannot
   * ask Prometheus now (down, or replaying its WAL), cannot tell whether a reconcile would
   * change anything: it exited 3 saying that one would.
   */
  @Test
  void checkThatCannotAskPrometheusSaysItCannotTellAndExits1() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    Path outDir = temp.resolve("out");
    MutableClock clock = MutableClock.startingNow();
    AtomicFileStore store = new AtomicFileStore(outDir);
    FakePrometheusControl prometheus = new FakePrometheusControl(clock, store::readOwned);
    ReconcileResult loaded = Reconciler.builder()
        .clusterSource(GuestClusterSource.fixed(List.of()))
        .certificateSource(new FakeCertificateSource())
        .planner(new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()))
        .store(store).prometheus(prometheus).clock(clock).sleeper(clock::advance)
        .readyTimeout(Duration.ofSeconds(5)).verifyTimeout(Duration.ofSeconds(5))
        .build().reconcile();
    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.toString());
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    int code = run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        outDir.toString(), "--state-dir", temp.resolve("state").toString(),
        "--prometheus-url", "http://127.0.0.1:" + closedPort);

    assertEquals(1, code, out.toString());
    assertTrue(out.toString().contains("prometheus: cannot tell ("), out.toString());
    assertFalse(out.toString().contains("a reconcile would change something"), out.toString());
    assertTrue(out.toString().contains("cannot tell whether prometheus runs the planned "
        + "config; the files in --out are in step"), out.toString());

    Files.delete(outDir.resolve("prometheus.yml"));
    out.getBuffer().setLength(0);
    assertEquals(3, run(Map.of(), "check", "--clusters", clusters.toString(), "--out",
        outDir.toString(), "--state-dir", temp.resolve("state").toString(),
        "--prometheus-url", "http://127.0.0.1:" + closedPort), "a file to write is a change, "
        + "whatever Prometheus runs:\n" + out);
  }
}
