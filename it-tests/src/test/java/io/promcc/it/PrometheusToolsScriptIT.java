package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.Versions;
import io.promcc.kube.fake.Poll;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code scripts/prometheus-tools.sh} over a tool folder and a download cache of its own, with
 * no network: the cache holds {@code .deb} files built here ({@link FakePrometheusDebs}) whose
 * tools are shell scripts, and the Debian mirror is an address nothing answers on, so a run
 * that would download fails instead. Needs bash, dpkg-deb and flock (a Debian machine).
 */
class PrometheusToolsScriptIT {
  /** The release line 2 fetches, which the script reads where promcc version does. */
  private static final String TWO = Versions.testedPrometheus(2);
  private static final long RUN_SECONDS = 120;

  @TempDir
  Path dir;
  private Path tools;
  private Path cache;
  private Path installed;

  /** The exit code, stdout and stderr of a run of the script. */
  private record Ran(int code, String out, String err) {
    String lastLine() {
      List<String> lines = out.lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  @BeforeEach
  void cacheOfFakeDebs() throws Exception {
    for (String tool : List.of("bash", "dpkg-deb", "flock", "sha256sum")) {
      assumeTrue(onPath(tool), "needs " + tool);
    }
    tools = dir.resolve("tools");
    cache = dir.resolve("cache");
    installed = tools.resolve("prometheus-" + TWO);
    FakePrometheusDebs.cache(cache.resolve("prometheus-" + TWO), TWO + "+ds1-2",
        dir.resolve("build"));
  }

  /**
   * The script installs the tested 2.x ({@code promcc version}'s, from the app's resource) into
   * the folder named after it, from the download cache folder named after it, and uses it as it
   * is from then on.
   */
  @Test
  void aSoundInstallIsUsedAsItIsWithoutAWord() throws Exception {
    Ran first = run();
    assertEquals(new Ran(0, installed.resolve("bin") + "\n", first.err()), first, first.err());

    Ran again = run();

    assertEquals(new Ran(0, installed.resolve("bin") + "\n", ""), again);
  }

  /**
   * A stamped install whose tool was deleted, truncated, made not executable or replaced by
   * another version is installed again, saying why, where it was taken as it was: the run
   * printed its folder (exit 0) and the tests failed on the broken tool.
   */
  @ParameterizedTest
  @ValueSource(strings = {"deleted", "truncated", "not executable", "another version"})
  void aBrokenInstallIsInstalledAgainSayingWhy(String damage) throws Exception {
    assertEquals(0, run().code());
    Path promtool = installed.resolve("bin/promtool");
    String why = switch (damage) {
      case "deleted" -> {
        Files.delete(promtool);
        yield "its promtool is missing";
      }
      case "truncated" -> {
        // an executable cut short, as a full disk or an interrupted copy leaves one
        byte[] executable = Files.readAllBytes(Path.of("/bin/true"));
        Files.write(promtool, Arrays.copyOf(executable, executable.length / 8));
        yield "its 'promtool --version' fails (exit ";
      }
      case "not executable" -> {
        Files.setPosixFilePermissions(promtool, PosixFilePermissions.fromString("rw-r--r--"));
        yield "its promtool is not executable";
      }
      default -> {
        FakePrometheusDebs.tool(promtool, "promtool", "2.53.2+ds1");
        yield "its 'promtool --version' says 'promtool, version 2.53.2+ds1 (fake)', where the"
            + " install recorded version " + TWO;
      }
    };

    Ran repaired = run();

    assertEquals(0, repaired.code(), repaired.err());
    assertEquals(installed.resolve("bin").toString(), repaired.lastLine());
    assertTrue(repaired.err().startsWith("prometheus-tools: WARNING: " + installed
        + " is installed but " + why), repaired.err());
    assertTrue(repaired.err().contains("installing it again\n"), repaired.err());
    assertTrue(repaired.err().endsWith("installed into " + installed.resolve("bin") + "\n"),
        repaired.err());
    assertEquals(new Ran(0, installed.resolve("bin") + "\n", ""), run(), "sound again");
  }

  /**
   * The folders runs killed by SIGKILL left (a stage in the tool folder; a copy being kept and a
   * refused one being deleted in the download cache; the work folder under $TMPDIR) are removed
   * by the next run that installs, where they stayed for good; while another run holds the
   * folder's lock they could be its own, and are kept.
   */
  @Test
  void foldersOfKilledRunsAreRemovedOnlyWhenNoOtherRunIsAtWork() throws Exception {
    Files.createDirectories(tools);
    Path work = dir.resolve("tmp").resolve("prometheus-tools-" + Files.getAttribute(dir,
        "unix:uid"));
    List<Path> left = List.of(tools.resolve(".prometheus-" + TWO + ".Ab12Cd"),
        cache.resolve(".prometheus-" + TWO + ".Ef34Gh"),
        cache.resolve(".refused.prometheus-" + TWO + ".Ij56Kl"), work.resolve("work.Qr90St"));
    for (Path folder : left) {
      Files.createDirectories(folder.resolve("bin"));
    }
    Path others = tools.resolve(".prometheus-3.Mn78Op");
    Files.createDirectories(others);

    Process otherRun = holdShared(tools.resolve(".prometheus-tools.lock"));
    Ran whileAnotherRuns;
    try {
      whileAnotherRuns = run();
    } finally {
      otherRun.getOutputStream().close();
      assertTrue(otherRun.waitFor(RUN_SECONDS, TimeUnit.SECONDS), "the lock holder ended");
    }
    assertEquals(0, whileAnotherRuns.code(), whileAnotherRuns.err());
    assertTrue(Files.isDirectory(left.get(0)), "kept while another run holds the tool folder");
    assertFalse(Files.exists(left.get(1)), whileAnotherRuns.err());

    Files.delete(installed.resolve(".complete"));
    Ran alone = run();

    assertEquals(0, alone.code(), alone.err());
    for (Path folder : left) {
      assertFalse(Files.exists(folder), folder + ": " + alone.err());
    }
    assertTrue(alone.err().startsWith("prometheus-tools: removing " + left.get(0) + ", left by a"
        + " run that was killed before it could clean up\n"), alone.err());
    assertTrue(Files.isDirectory(others), "another release line's folders are its own to sweep");
  }

  /**
   * A 3.x of the download cache or of the tool folder that is not the one {@code promcc version}
   * names (prometheus.3 moved on, the caches kept the old one) is taken with a warning at every
   * run, where it was taken silently.
   */
  @Test
  void anotherReleaseThanTheTestedOneIsTakenWithAWarning() throws Exception {
    String three = Versions.testedPrometheus(3);
    FakePrometheusDebs.cache(cache.resolve("prometheus-3"), "3.0.0+ds1-1", dir.resolve("build3"));
    String warning = "prometheus-tools: WARNING: " + tools.resolve("prometheus-3")
        + " holds prometheus 3.0.0+ds1-1, not " + three + ", the release of line 3 that `promcc"
        + " version` names as tested";

    Ran installing = run(script(), "3");
    Ran installedBefore = run(script(), "3");

    for (Ran ran : List.of(installing, installedBefore)) {
      assertEquals(0, ran.code(), ran.err());
      assertEquals(tools.resolve("prometheus-3/bin").toString(), ran.lastLine());
      assertTrue(ran.err().contains(warning), ran.err());
    }
  }

  /**
   * The script reads the tested 2.x from the resource as {@code promcc version} does
   * ({@link Properties}): spaces or a colon around the separator, a CRLF, no newline at the end,
   * a line defined twice (the last counts). It took only "prometheus.2=" at a line's start, and
   * the first of two, and then stopped ("names no prometheus.2") or fetched another release.
   */
  @ParameterizedTest
  @ValueSource(strings = {"prometheus.2 = %s\n", "  prometheus.2=%s\r\n", "prometheus.2:%s",
      "prometheus.2\t%s\n", "prometheus.2=2.53.1\n# prometheus.2=2.53.2\nprometheus.2=%s\n"})
  void theTestedReleaseIsReadAsPromccVersionReadsIt(String spelling) throws Exception {
    String text = "# tested\r\n" + spelling.formatted(TWO);
    Properties read = new Properties();
    read.load(new StringReader(text));
    assertEquals(TWO, read.getProperty("prometheus.2").strip(), "as promcc version reads it");
    Path repo = dir.resolve("repo");
    Path scripts = Files.createDirectories(repo.resolve("scripts"));
    try (var files = Files.list(script().getParent())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
        Files.copy(file, scripts.resolve(file.getFileName()));
      }
    }
    Path resource = repo.resolve("app/src/main/resources/io/promcc/app")
        .resolve("tested-prometheus.properties");
    Files.createDirectories(resource.getParent());
    Files.writeString(resource, text);

    Ran ran = run(scripts.resolve("prometheus-tools.sh"));

    assertEquals(0, ran.code(), ran.err());
    assertEquals(installed.resolve("bin").toString(), ran.lastLine());
  }

  /**
   * A leftover the run cannot delete (another user's, as a killed {@code sudo} run leaves one)
   * is warned about and left, and the run installs, where it failed on it (exit 1, with rm's
   * words alone) although such a folder was harmless before there was a sweep.
   */
  @Test
  void aLeftoverThatCannotBeDeletedIsWarnedAboutAndLeft() throws Exception {
    Path left = tools.resolve(".prometheus-" + TWO + ".Uv12Wx");
    Path bin = Files.createDirectories(left.resolve("bin"));
    Path file = Files.writeString(bin.resolve("prometheus"), "");
    Ran ran;
    try (Undeletable held = Undeletable.make(bin, file)) {
      ran = run();
    }

    assertEquals(0, ran.code(), ran.err());
    assertEquals(installed.resolve("bin").toString(), ran.lastLine());
    assertTrue(ran.err().contains("prometheus-tools: WARNING: could not remove " + left
        + ": rm: cannot remove '" + file + "'"), ran.err());
    assertTrue(Files.exists(file), "left where it is");
  }

  /**
   * A file its folder's owner cannot delete until closed: for root, made immutable (chattr +i,
   * the test skipped where the file system has no such flag); for anyone else, in a folder
   * made read-only.
   */
  private record Undeletable(Path folder, Path file, boolean immutable) implements AutoCloseable {
    static Undeletable make(Path folder, Path file) throws Exception {
      if (!Integer.valueOf(0).equals(Files.getAttribute(folder, "unix:uid"))) {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        return new Undeletable(folder, file, false);
      }
      assumeTrue(onPath("chattr") && chattr("+i", file) == 0, "chattr +i works on " + file);
      return new Undeletable(folder, file, true);
    }

    @Override
    public void close() throws Exception {
      if (immutable) {
        assertEquals(0, chattr("-i", file), "chattr -i " + file);
      } else {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }

    private static int chattr(String flag, Path file) throws Exception {
      Process chattr = new ProcessBuilder("chattr", flag, file.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!chattr.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
        chattr.destroyForcibly();
        return -1;
      }
      return chattr.exitValue();
    }
  }

  private Ran run() throws IOException, InterruptedException {
    return run(script());
  }

  private Ran run(Path script, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().keySet().removeIf(name -> name.startsWith("PROMETHEUS")
        || name.startsWith("PROMCC_") || name.equals("XDG_CACHE_HOME"));
    builder.environment().put("PROMCC_TOOLS_DIR", tools.toString());
    builder.environment().put("PROMCC_TOOLS_CACHE", cache.toString());
    builder.environment().put("PROMCC_DEBIAN_MIRROR", "http://127.0.0.1:9/debian");
    builder.environment().put("TMPDIR", tmp.toString());
    Process process = builder.start();
    if (!process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("prometheus-tools.sh did not end within " + RUN_SECONDS + " s: "
          + Files.readString(err));
    }
    return new Ran(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A run at work elsewhere: the lock held shared, as each run holds it, until stdin closes. */
  private static Process holdShared(Path lock) throws IOException {
    Path ready = lock.resolveSibling("holding");
    Process process = new ProcessBuilder("flock", "-s", lock.toString(), "sh", "-c",
        "touch '" + ready + "' && cat >/dev/null").start();
    Poll.until(Duration.ofSeconds(RUN_SECONDS), "flock holds " + lock,
        () -> Files.exists(ready) || !process.isAlive());
    assertTrue(process.isAlive(), "flock holds " + lock);
    Files.delete(ready);
    return process;
  }

  private static Path script() {
    return Path.of("..", "scripts", "prometheus-tools.sh").toAbsolutePath().normalize();
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    return path != null && List.of(path.split(":")).stream()
        .anyMatch(folder -> Files.isExecutable(Path.of(folder, tool)));
  }
}
