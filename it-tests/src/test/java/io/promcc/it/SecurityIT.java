package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.kube.fake.ApiResource;
import io.promcc.vault.fake.FakeCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 10 of the end-to-end tests: private key files are created with mode 0600 (the
 * {@code openat} that creates them already carries it, as the kernel saw it; skipped where
 * {@code strace} is not installed); no private key,
 * Vault token or bearer token appears in anything the run puts out (the controller's log,
 * metrics, health pages and Events, the config, Prometheus' log), errors included; and TLS is
 * verified by default: a Vault or a guest API server with a certificate from an unknown CA is
 * refused, with a reason that says so.
 */
class SecurityIT {
  private static final Duration WAIT = KubernetesModeStack.CLUSTER_TIMEOUT;
  private static final Pattern OPEN_CALL = Pattern.compile(
      "openat\\(AT_FDCWD, \"([^\"]+)\", ([A-Z_|]+)(?:, (0[0-7]+))?");
  private static final Pattern CHMOD_CALL = Pattern.compile(
      "chmod(?:at)?\\((?:AT_FDCWD, )?\"([^\"]+)\", (0[0-7]+)");

  @TempDir
  static Path dir;

  private static KubernetesModeStack stack;

  @BeforeAll
  static void startStack() {
    stack = KubernetesModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .create();
    stack.start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void keyFilesAreCreatedWithMode0600FromTheFirstByte() throws Exception {
    assumeTrue(onPath("strace"), "strace is not installed: the system calls cannot be traced");
    // trace the running controller's file calls (attached before this cluster's key exists)
    Path trace = dir.resolve("syscalls.trace");
    Process strace = attachStrace(stack.controller().handle().pid(), trace);
    try {
      GuestApi api = stack.startGuest("sec-k");
      GuestCluster cluster = stack.putService("sec-k", api, "aws");
      stack.awaitUp(api, cluster, WAIT);
    } finally {
      strace.destroy();
      strace.waitFor(30, TimeUnit.SECONDS);
    }

    // the key file was created with 0600 in its openat, and never given another mode
    List<String> keyCreates = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      Matcher open = OPEN_CALL.matcher(line);
      if (open.find() && open.group(1).contains("sec-k-key.pem")
          && open.group(2).contains("O_CREAT")) {
        keyCreates.add(line);
        assertEquals("0600", open.group(3), "created with 0600: " + line);
      }
      Matcher chmod = CHMOD_CALL.matcher(line);
      if (chmod.find() && chmod.group(1).contains("-key.pem")) {
        assertEquals("0600", chmod.group(2), "never another mode: " + line);
      }
    }
    assertFalse(keyCreates.isEmpty(), "the trace saw the key file created: " + Files.readAllLines(
        trace).stream().filter(l -> l.contains("key.pem")).limit(10).toList() + " of "
        + Files.readAllLines(trace).size() + " lines");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(stack.outDir().resolve("certs/sec-k-key.pem"))));
  }

  @Test
  void noSecretReachesAnyOutputErrorsIncluded() throws Exception {
    GuestApi api = stack.startGuest("sec-a");
    GuestCluster cluster = stack.putService("sec-a", api, "aws");
    stack.awaitUp(api, cluster, WAIT);
    // an error path too: Vault refuses one cluster (403), which is logged and published
    stack.vault().failNext("pki-sec-b", 1000, 403, "permission denied");
    GuestApi other = stack.startGuest("sec-b");
    stack.putService("sec-b", other, "aws");
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "an Event VaultPermissionDenied on sec-b",
        () -> stack.events("sec-b").toString().contains("VaultPermissionDenied"),
        () -> stack.controller().log().tail(20));

    // no secret in any output of the run
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("the vault token", stack.vaultToken().reveal());
    secrets.put("the bearer token of the kubeconfig", stack.hostToken().reveal());
    for (Secret token : stack.vault().issuedTokens()) {
      secrets.put("a token the vault fake issued", token.reveal());
    }
    addKey(secrets, "the kubeconfig's client key", stack.host().adminCertificate()
        .privateKeyPem());
    addKey(secrets, "the client key of sec-a",
        Files.readString(stack.outDir().resolve("certs/sec-a-key.pem")));
    Map<String, String> outputs = outputs();
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      for (Map.Entry<String, String> output : outputs.entrySet()) {
        assertFalse(output.getValue().contains(secret.getValue()),
            secret.getKey() + " appears in " + output.getKey());
      }
    }
    assertTrue(outputs.get("controller log").contains("sec-b"), "the outputs are the run's");
  }

  @Test
  void aGuestApiWithACertificateFromAnUnknownCaIsRefused() throws Exception {
    FakeCa unknown = FakeCa.create("an unknown CA", Instant.now());
    GuestApi impostor = stack.startGuestServedBy("sec-c", unknown);
    stack.putService("sec-c", impostor, "aws");
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "Prometheus refusing sec-c's API server",
        () -> stack.prometheus().activeTargets().stream()
            .anyMatch(t -> "sec-c".equals(t.labels().get("cluster_id"))
                && t.lastError().contains("x509: certificate signed by unknown authority")),
        () -> stack.diagnostics("sec-c"));
    assertEquals(List.of(), impostor.clientNames(), "no request got through");
    assertFalse(Files.readString(stack.outDir().resolve("prometheus.yml"))
        .contains("insecure_skip_verify: true"), "verification is never turned off");
  }

  @Test
  void aVaultWithACertificateFromAnUnknownCaIsRefusedWithTheReason() throws Exception {
    stack.putService("sec-d", stack.startGuest("sec-d"), "aws");
    // a second controller over the same host API and Vault, but without --vault-ca-bundle
    Path work = dir.resolve("no-ca-bundle");
    ControllerProcess plain = ControllerProcess.builder(ItEnvironment.appJar(),
            work.resolve("promcc.log"))
        .flag("discovery", "kubernetes")
        .flag("kubeconfig", stack.kubeconfig())
        .flag("certificates", "vault")
        .flag("vault-address", stack.vault().address())
        .flag("api-server-allow-list", "127.0.0.1")
        .flag("leader-election", "false")
        .flag("out", work.resolve("out"))
        .flag("state-dir", work.resolve("state"))
        .env("PROMCC_VAULT_TOKEN", stack.vaultToken().reveal())
        .start();
    try {
      Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "every cluster waiting with reason vault-tls",
          () -> plain.metric("promcc_rejections{reason=\"vault-tls\"}").orElse(0) >= 1
              && plain.metric("promcc_guest_clusters{state=\"active\"}").orElse(-1) == 0,
          () -> plain.log().tail(30));
      // the log names the cluster, the reason and what TLS said
      Pattern named = Pattern.compile("waiting: sec-d: .*tls handshake with vault at "
          + Pattern.quote(stack.vault().address().toString()) + ".*PKIX path building failed.*"
          + "\\(vault-tls\\)");
      assertTrue(plain.log().contains(named), plain.log().tail(30));
      assertFalse(plain.log().lines().stream().anyMatch(
          l -> l.contains(stack.vaultToken().reveal())), "no token in its log");
      try (Stream<Path> files = Files.list(work.resolve("out"))) {
        assertFalse(files.anyMatch(f -> f.getFileName().toString().equals("certs")
            && f.toFile().list().length > 0), "no certificate written");
      }
    } finally {
      plain.stop();
    }
  }

  /** The key's PEM, its base64 body and each line of it: any of them would be a leak. */
  private static void addKey(Map<String, String> secrets, String name, String pem) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    secrets.put(name + " (PEM body)", body);
    for (String line : pem.lines().toList()) {
      if (line.length() >= 40 && !line.startsWith("-----")) {
        secrets.put(name + " (a line)", line);
      }
    }
    secrets.put(name + " (base64 of the PEM)", Base64.getEncoder().encodeToString(
        pem.getBytes(StandardCharsets.US_ASCII)).substring(0, 60));
  }

  private static Map<String, String> outputs() throws IOException {
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("controller log", String.join("\n", stack.controller().log().lines()));
    outputs.put("controller metrics", stack.controller().metrics());
    outputs.put("healthz", Http.get(stack.controller().statusUrl().resolve("/healthz")).body());
    outputs.put("readyz", Http.get(stack.controller().statusUrl().resolve("/readyz")).body());
    outputs.put("events", stack.host().store().list(ApiResource.EVENTS).toString());
    outputs.put("prometheus.yml", Files.readString(stack.outDir().resolve("prometheus.yml")));
    outputs.put("prometheus log", String.join("\n", stack.prometheus().log().lines()));
    outputs.put("prometheus config", stack.prometheus().loadedConfig());
    return outputs;
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  /**
   * strace on every thread of {@code pid} (and the threads they start); returns once it has
   * attached ({@code strace: Process N attached with M threads}).
   */
  private static Process attachStrace(long pid, Path trace) throws IOException {
    Path errors = trace.resolveSibling("strace.err");
    Process strace = new ProcessBuilder("strace", "-f", "-p", Long.toString(pid), "-o",
        trace.toString(), "-e", "trace=openat,chmod,fchmodat")
        .redirectError(errors.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    LogFile log = new LogFile(errors);
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "strace attached to " + pid,
        () -> {
          if (!strace.isAlive()) {
            throw new IllegalStateException("strace ended: " + log.tail(5));
          }
          return log.contains(Pattern.compile("Process " + pid + " attached"));
        }, () -> log.tail(5));
    return strace;
  }
}
