package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.run.CheckParts;
import io.promcc.app.run.Controller;
import io.promcc.app.run.ControllerComponent;
import io.promcc.app.run.DaggerControllerComponent;
import io.promcc.app.run.FolderLock;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Settings and files that can never work are refused before anything starts, with exit 2 and a
 * message that names the option (docs/operations.md, "Configuration"), by {@code run} and
 * {@code check} alike.
 */
class StartupRefusalsTest {
  /** Semantically invalid: Prometheus and the planner refuse it, although it parses. */
  private static final String INVALID_BASE_CONFIG =
      "global:\n  scrape_interval: 20s\n  scrape_timeout: 30s\n";

  /**
   * How long a refusing {@code promcc run} process may take: a JVM's start, which on a busy 2-core
   * machine (load 25) took 16 s for 1.2 s of CPU; nothing in promcc waits before the refusal.
   */
  private static final long PROCESS_SECONDS = 180;

  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int inProcess(String... args) {
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  private Path clusters() throws Exception {
    return Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
  }

  /** {@code promcc run} as its own process; its exit code, or a failure if it keeps running. */
  private ProcessResult runAsProcess(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
    command.addAll(List.of(args));
    Path log = temp.resolve("run.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(15, TimeUnit.SECONDS);
        fail("promcc run was still running after " + PROCESS_SECONDS + " s instead of refusing "
            + "its settings:\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new ProcessResult(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }

  private record ProcessResult(int code, String output) {}

  @Test
  void checkRefusesAnOutThatIsARegularFileAsABadSetting() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-folder"), "x");

    int code = inProcess("check", "--clusters", clusters().toString(), "--out", file.toString(),
        "--state-dir", temp.resolve("state").toString());

    assertEquals(2, code, "an --out that is a file is a bad setting:\n" + err);
    assertTrue(err.toString().contains("--out"), "the option is named:\n" + err);
  }

  @Test
  void runRefusesAnOutThatIsARegularFileBeforeStarting() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-folder"), "x");

    ProcessResult run = runAsProcess("--clusters", clusters().toString(), "--out",
        file.toString(), "--state-dir", temp.resolve("state").toString(), "--http-address",
        "127.0.0.1:0");

    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("--out"), "the option is named:\n" + run.output());
  }

  @Test
  void checkRefusesAnInvalidBaseConfigAsABadSetting() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), INVALID_BASE_CONFIG);

    int code = inProcess("check", "--clusters", clusters().toString(), "--base-config",
        base.toString(), "--out", temp.resolve("out").toString(), "--state-dir",
        temp.resolve("state").toString());

    assertTrue(err.toString().contains("scrape timeout greater than scrape interval"),
        err.toString());
    assertEquals(2, code, "a base config that does not load is a bad setting:\n" + err);
  }

  @Test
  void runRefusesAnInvalidBaseConfigBeforeStarting() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), INVALID_BASE_CONFIG);

    ProcessResult run = runAsProcess("--clusters", clusters().toString(), "--base-config",
        base.toString(), "--out", temp.resolve("out").toString(), "--state-dir",
        temp.resolve("state").toString(), "--http-address", "127.0.0.1:0");

    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("scrape timeout greater than scrape interval"),
        run.output());
  }

  /**
   * The Vault connection reads at most 1 MiB of the CA bundle: a larger one is a bad setting,
   * refused with the others before anything starts, not a failure to start.
   */
  @Test
  void runRefusesAVaultCaBundleLargerThanOneMebibyteBeforeStarting() throws Exception {
    Path bundle = Files.writeString(temp.resolve("ca.pem"), "#".repeat(2 << 20));
    Path token = Files.writeString(temp.resolve("token"), "hvs.token\n");

    ProcessResult run = runAsProcess("--clusters", clusters().toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--http-address", "127.0.0.1:0", "--certificates", "vault", "--vault-address",
        "https://vault.example:8200", "--vault-token-file", token.toString(),
        "--vault-ca-bundle", bundle.toString());

    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("--vault-ca-bundle must be at most 1048576 bytes, found \""
        + bundle + "\""), run.output());
    assertFalse(run.output().contains("\tat "), "no stack trace:\n" + run.output());
  }

  /**
   * The client for an https Prometheus trusts the certificates of its CA bundle: a file without
   * one is a bad setting, refused before anything starts, not a failure at the first request.
   */
  @Test
  void runRefusesAPrometheusCaBundleWithoutACertificateBeforeStarting() throws Exception {
    Path bundle = Files.writeString(temp.resolve("prometheus-ca.pem"), "not pem\n");

    ProcessResult run = runAsProcess("--clusters", clusters().toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--http-address", "127.0.0.1:0", "--prometheus-url", "https://127.0.0.1:9090",
        "--prometheus-ca-bundle", bundle.toString());

    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("--prometheus-ca-bundle holds no pem certificate "
        + "(\"-----BEGIN CERTIFICATE-----\"), found \"" + bundle + "\""), run.output());
    assertFalse(run.output().contains("\tat "), "no stack trace:\n" + run.output());
  }

  /** A header cannot carry a token with a line break: refused before anything starts. */
  @Test
  void runRefusesAVaultTokenFileWithTwoTokensBeforeStarting() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\nhvs.second\n");

    ProcessResult run = runAsProcess("--clusters", clusters().toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--http-address", "127.0.0.1:0", "--certificates", "vault", "--vault-address",
        "https://vault.example:8200", "--vault-token-file", token.toString());

    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("--vault-token-file must hold one token on one line"),
        run.output());
    assertFalse(run.output().contains("hvs."), "the token shown:\n" + run.output());
  }

  /** A certificate folder inside --out would be read back from the controller's own files. */
  @Test
  void runRefusesACertDirInsideItsOutBeforeStarting() throws Exception {
    Path out = temp.resolve("out");
    Path certs = Files.createDirectories(out.resolve("certs"));

    ProcessResult run = runAsProcess("--clusters", clusters().toString(), "--out",
        out.toString(), "--certificates", "dir", "--cert-dir", certs.toString(),
        "--http-address", "127.0.0.1:0");

    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("error: --cert-dir must be a folder outside --out \"" + out
        + "\""), run.output());
    assertTrue(run.output().contains("found \"" + certs + "\""), run.output());
    assertTrue(run.output().contains("nothing was started"), run.output());
  }

  /** A second promcc run on the folders of a running one exits 2, naming the first. */
  @Test
  void runRefusesTheFoldersOfARunningControllerBeforeStarting() throws Exception {
    Path out = temp.resolve("out");
    Path state = temp.resolve("state");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of("clusters",
        clusters().toString(), "out", out.toString(), "state-dir", state.toString(),
        "http-address", "127.0.0.1:0"), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Controller first = ControllerComponent.of(settings).controller();
    first.start();
    Thread runner = new Thread(first::run, "first controller");
    runner.start();
    try {
      ProcessResult second = runAsProcess("--clusters", clusters().toString(), "--out",
          out.toString(), "--state-dir", state.toString(), "--http-address", "127.0.0.1:0");

      assertEquals(2, second.code(), second.output());
      assertTrue(second.output().contains("error: --out \"" + out + "\" is used by another "
          + "promcc run or render (pid " + ProcessHandle.current().pid() + ", "), second.output());
      assertTrue(second.output().contains("nothing was started"), second.output());
    } finally {
      first.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }

  @Test
  void anHttpAddressInUseIsNamedInTheError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      int code = inProcess("run", "--clusters", clusters().toString(), "--out",
          temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
          "--http-address", address);

      assertEquals(2, code, err.toString());
      assertTrue(err.toString().contains(address) || err.toString().contains("--http-address"),
          "the error names the address or the option:\n" + err);
    }
  }

  /**
   * A start refused for its status address (in use, or a host that does not resolve) left the
   * --out and --state-dir folders it had made, with their lock files: "nothing was started"
   * left something behind.
   */
  @Test
  void anHttpAddressRefusedLeavesNoFolderBehind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      for (String address : List.of("127.0.0.1:" + taken.getLocalPort(),
          "nosuchhost.invalid:9420")) {
        int code = inProcess("run", "--clusters", clusters().toString(), "--out",
            temp.resolve("out/prometheus").toString(), "--state-dir",
            temp.resolve("state/promcc").toString(), "--http-address", address);

        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("nothing was started"), err.toString());
        assertFalse(Files.exists(temp.resolve("out")), address + ": --out was made");
        assertFalse(Files.exists(temp.resolve("state")), address + ": --state-dir was made");
      }
    }
  }

  /** An IPv6 address was named as 2001:db8::1:9420: which part is the port? */
  @Test
  void anIpv6HttpAddressIsNamedWithItsBrackets() throws Exception {
    // a documentation address, which no host has: the bind fails
    int code = inProcess("run", "--clusters", clusters().toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--http-address", "[2001:db8::1]:9420");

    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("cannot listen on --http-address [2001:db8::1]:9420: "),
        err.toString());
  }

  /**
   * A host that does not resolve said only "Unresolved address": of which setting, and why? A
   * name may fail to resolve because the name service does not answer yet (a Pod's start): the
   * error says so, and which forms need no name service.
   */
  @Test
  void anHttpAddressWhoseHostDoesNotResolveIsNamedInTheError() throws Exception {
    int code = inProcess("run", "--clusters", clusters().toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--http-address", "nosuchhost.invalid:9420");

    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("error: cannot listen on --http-address "
        + "nosuchhost.invalid:9420: the host \"nosuchhost.invalid\" does not resolve (no such "
        + "name, or the name service did not answer); an IP address (0.0.0.0, the Pod's IP) or "
        + "a name of /etc/hosts (localhost) needs no name service\n"), err.toString());
  }

  /**
   * An Error at start (a class that fails to load, the heap exhausted) ended the main thread
   * with the status port's non-daemon thread running: the process hung without a controller,
   * so Kubernetes never restarted it. Now what was started is closed and run exits 1.
   */
  @Test
  void aFailureOfAnyKindAtStartClosesWhatWasStartedAndExits1() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path out = temp.resolve("out");
    FailingClock clock = new FailingClock();
    CommandLine run = new CommandLine(RunCommand.spec(Map.of(), settings -> {
      ControllerComponent graph = DaggerControllerComponent.factory().create(settings, clock);
      return new ControllerComponent() {
        @Override
        public Controller controller() {
          Controller controller = graph.controller();
          // the local CA reads the clock when it starts, after the status port is bound
          clock.failure = new NoClassDefFoundError("io/promcc/Missing");
          return controller;
        }

        @Override
        public CheckParts checkParts() {
          return graph.checkParts();
        }
      };
    }));
    run.setOut(new PrintWriter(this.out));
    run.setErr(new PrintWriter(err));

    int code = run.execute("--clusters", clusters().toString(), "--out", out.toString(),
        "--state-dir", temp.resolve("state").toString(), "--http-address", "127.0.0.1:" + port);

    assertEquals(1, code, err.toString());
    assertTrue(err.toString().contains("error: promcc run failed to start: "
        + "java.lang.NoClassDefFoundError: io/promcc/Missing"), err.toString());
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, again.getLocalPort(), "the status port was closed");
    }
    try (FolderLock lock = FolderLock.output(out)) {
      assertTrue(Files.isDirectory(out), "the --out lock was released");
    }
  }

  /** The system clock until {@link #failure} is set; then every reading throws it. */
  private static final class FailingClock extends Clock {
    volatile Error failure;

    @Override
    public Instant instant() {
      Error e = failure;
      if (e != null) {
        throw e;
      }
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
