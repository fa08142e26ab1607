package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file or folder the settings name whose volume hangs (an NFS server gone: a stat or read
 * blocks, and no interrupt stops it) is refused after a bounded wait, naming it, with the other
 * bad settings, where the start hung in its checks before any adapter's own bound took effect.
 * The hang is a volume that blocks the checks of the files given until the test ends.
 */
class RunSettingsHungVolumeTest extends RunSettingsFixture {
  private static final Duration BOUND = Duration.ofSeconds(1);
  /** Far longer than the bound, even on a busy machine; a start that hangs fails after it. */
  private static final Duration GENEROUS = Duration.ofSeconds(30);

  private final HungVolume volume = new HungVolume();

  @AfterEach
  void answer() {
    volume.answer();
  }

  /**
   * The token file hangs: it is named with the bound, the CA bundle checked after it is given up
   * at once naming the file that hangs, and the reader thread left blocked is a daemon, which
   * does not hold the JVM's exit (exit 2, as for any bad setting).
   */
  @Test
  void aSecretFileWhoseVolumeHangsIsRefusedNamingItAndTheFilesAfterItAtOnce()
      throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "hvs.x\n");
    Path caBundle = Files.writeString(temp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    volume.hang(token);

    RunSettings settings = assertTimeoutPreemptively(GENEROUS, () -> load(Map.of(
        "clusters", clusters.toString(), "out", temp.resolve("out").toString(),
        "certificates", "vault", "vault-address", "https://vault.example:8200",
        "vault-token-file", token.toString(), "vault-ca-bundle", caBundle.toString())));

    assertNull(settings);
    assertEquals(List.of("--vault-token-file was not read: its read did not end within 1s "
        + "(is its volume hanging?), found \"" + token + "\"",
        "--vault-ca-bundle was not read: the read of \"" + token + "\" has not ended (is its "
        + "volume hanging?), found \"" + caBundle + "\""), problems.list());
    List<Thread> readers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("promcc-settings-") && t.isAlive()).toList();
    assertFalse(readers.isEmpty(), "no reader thread left: was the read run on the caller's?");
    assertTrue(readers.stream().allMatch(Thread::isDaemon), readers.toString());
  }

  /**
   * The settings file (--config), read before every other setting, hangs: it is named with the
   * bound, and the files checked after it are given up at once.
   */
  @Test
  void aConfigFileWhoseVolumeHangsIsRefusedNamingIt() throws IOException {
    Path file = config("debounce: 1s\n");
    volume.hang(file);

    RunSettings settings = assertTimeoutPreemptively(GENEROUS, () -> SettingsLoader.load(
        RunSettings.TABLE, Map.of("config", file.toString(), "clusters", clusters.toString(),
            "out", temp.resolve("out").toString(), "state-dir", temp.resolve("state").toString()),
        Map.of(), new FileChecks(BOUND, volume), problems));

    assertNull(settings);
    assertEquals(List.of("config file \"" + file + "\" was not read: its read did not end "
        + "within 1s (is its volume hanging?)",
        "--clusters was not read: the read of \"" + file + "\" has not ended (is its volume "
        + "hanging?), found \"" + clusters + "\"",
        "--out was not read: the read of \"" + file + "\" has not ended (is its volume "
        + "hanging?), found \"" + temp.resolve("out") + "\"",
        "--state-dir was not read: the read of \"" + file + "\" has not ended (is its volume "
        + "hanging?), found \"" + temp.resolve("state") + "\""), problems.list());
  }

  /**
   * The start's problems name a hang, and nothing logs it: logging is set up after the settings,
   * so a line then came in the JDK's default format, over two lines, before the problems.
   */
  @Test
  void aHangIsAProblemOnlyNotALogLine() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "hvs.x\n");
    volume.hang(token);

    try (LogCapture log = LogCapture.everythingOf(FileChecks.class)) {
      assertTimeoutPreemptively(GENEROUS, () -> load(Map.of("clusters", clusters.toString(),
          "out", temp.resolve("out").toString(), "certificates", "vault", "vault-address",
          "https://vault.example:8200", "vault-token-file", token.toString())));

      assertEquals(1, problems.list().size(), problems.list().toString());
      assertEquals(List.of(), log.lines());
    }
  }

  /** Each file or folder a start checks is waited for at most the bound, named if it hangs. */
  @ParameterizedTest
  @ValueSource(strings = {"clusters", "out", "state-dir", "base-config", "profile", "cert-dir",
      "promtool",
      "kubeconfig", "vault-token-file", "vault-secret-id-file", "vault-ca-bundle",
      "prometheus-password-file", "prometheus-bearer-token-file", "prometheus-ca-bundle"})
  void eachFileTheStartChecksIsRefusedWhenItsVolumeHangs(String name) throws IOException {
    Path file = Files.writeString(temp.resolve("given"), "x\n");
    Map<String, String> flags = new TreeMap<>(Map.of("clusters", clusters.toString(),
        "out", temp.resolve("out").toString()));
    switch (name) {
      case "cert-dir" -> {
        file = Files.createDirectory(temp.resolve("certs"));
        flags.put("certificates", "dir");
      }
      case "out" -> file = Files.createDirectory(temp.resolve("shared"));
      case "state-dir" -> file = Files.createDirectory(temp.resolve("state"));
      case "promtool" -> assertTrue(file.toFile().setExecutable(true));
      case "kubeconfig" -> {
        flags.remove("clusters");
        flags.putAll(Map.of("discovery", "kubernetes", "certificates", "secrets"));
      }
      case "vault-token-file", "vault-secret-id-file", "vault-ca-bundle" -> {
        flags.putAll(Map.of("certificates", "vault", "vault-address",
            "https://vault.example:8200"));
        if (name.equals("vault-secret-id-file")) {
          flags.putAll(Map.of("vault-auth", "approle", "vault-role-id", "role-1"));
        }
      }
      case "prometheus-password-file" -> flags.putAll(Map.of("prometheus-url",
          "http://127.0.0.1:9090", "prometheus-basic-auth-user", "promcc"));
      case "prometheus-bearer-token-file" -> flags.put("prometheus-url",
          "http://127.0.0.1:9090");
      case "prometheus-ca-bundle" -> flags.put("prometheus-url", "https://127.0.0.1:9090");
      default -> { }
    }
    flags.put(name, file.toString());
    volume.hang(file);

    assertTimeoutPreemptively(GENEROUS, () -> load(flags));

    String hung = "--" + name + " was not read: its read did not end within 1s (is its "
        + "volume hanging?), found \"" + file + "\"";
    assertTrue(problems.list().contains(hung), problems.list().toString());
  }

  /**
   * The service account's namespace file (the Lease's namespace without --lease-namespace and
   * POD_NAMESPACE) was read unbounded: its volume hanging held the start for good.
   */
  @Test
  void aServiceAccountNamespaceFileWhoseVolumeHangsIsRefusedNamingIt() throws IOException {
    Path namespace = Files.writeString(temp.resolve("namespace"), "monitoring\n");
    volume.hang(namespace);
    RawSettings raw = RawSettings.gather(RunSettings.TABLE, Map.of("discovery", "kubernetes",
        "certificates", "secrets", "out", temp.resolve("out").toString()), Map.of(), Map.of(),
        "", problems);

    RunSettings settings = assertTimeoutPreemptively(GENEROUS, () -> RunSettings.from(raw,
        Map.of(), namespace, new FileChecks(BOUND, volume), problems));

    assertNull(settings);
    assertEquals(List.of("service account namespace file \"" + namespace + "\" was not read: "
        + "its read did not end within 1s (is its volume hanging?)"), problems.list());
  }

  private RunSettings load(Map<String, String> flags) {
    RawSettings raw = RawSettings.gather(RunSettings.TABLE, flags, Map.of(), Map.of(), "",
        problems);
    return RunSettings.from(raw, Map.of(), temp.resolve("no-namespace-file"),
        new FileChecks(BOUND, volume), problems);
  }

  /**
   * A volume whose files {@link #hang} block every check that reaches them, until {@link
   * #answer}: a stat or read of an NFS volume whose server is gone, which no interrupt stops.
   */
  private static final class HungVolume implements Consumer<String> {
    private final Set<String> hung = ConcurrentHashMap.newKeySet();
    private final CountDownLatch answered = new CountDownLatch(1);

    void hang(Path file) {
      hung.add(file.toString());
    }

    void answer() {
      answered.countDown();
    }

    @Override
    public void accept(String text) {
      if (!hung.contains(Path.of(text).toAbsolutePath().normalize().toString())) {
        return;
      }
      long end = System.nanoTime() + GENEROUS.toNanos() * 2; // bounded: never a stuck thread
      while (true) {
        try {
          if (answered.await(end - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            return;
          }
          throw new IllegalStateException("the test never answered");
        } catch (InterruptedException e) {
          // an NFS read is not stopped by an interrupt: keep blocking
        }
      }
    }
  }
}
