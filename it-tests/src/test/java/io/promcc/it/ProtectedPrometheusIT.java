package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A production Prometheus whose web endpoints ask for credentials: the real Prometheus 2.53.3
 * with a {@code --web.config.file} whose {@code basic_auth_users} holds a bcrypt hash, and
 * {@code promcc run --prometheus-basic-auth-user promcc --prometheus-password-file FILE}. With a
 * wrong password the controller says that Prometheus refused the credentials and reports
 * {@code prometheus-unavailable}; once the file holds the right one (replaced in one rename, as
 * the kubelet updates a mounted Secret) the same process verifies the config and reloads a new
 * cluster; rotated to a wrong one again, a change waits and says why. What counts is what
 * Prometheus reports; no password reaches the log.
 */
class ProtectedPrometheusIT {
  private static final Duration WAIT = LocalModeStack.CLUSTER_TIMEOUT;
  private static final String RIGHT = "r1ght-pr0metheus-pass";
  private static final String WRONG = "wr0ng-pr0metheus-pass";
  private static final String UNAVAILABLE =
      "promcc_reconcile_total{outcome=\"prometheus-unavailable\"}";

  @TempDir
  Path dir;

  private LocalModeStack stack;

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  /** Replaces the password file in one rename, as the kubelet updates a Secret's files. */
  private static void rotate(Path file, String password) throws IOException {
    Path next = Files.writeString(file.resolveSibling("password.next"), password + "\n");
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aWrongPasswordIsRefusedClearlyAndTheRotatedRightOneIsVerifiedWithoutARestart()
      throws Exception {
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Path password = secrets.resolve("password");
    rotate(password, WRONG);
    stack = LocalModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .prometheusBasicAuth("promcc", RIGHT)
        .controllerFlag("prometheus-basic-auth-user", "promcc")
        .controllerFlag("prometheus-password-file", password.toString())
        .create();
    GuestApi api = stack.startGuest();
    GuestCluster alpha = api.cluster("alpha", "aws", Map.of(), false);
    GuestCluster beta = api.cluster("beta", "azure", Map.of(), false);
    GuestCluster gamma = api.cluster("gamma", "kvm", Map.of(), false);
    stack.clustersFile().write(List.of(api.entry(alpha)));

    // a wrong password: the files are written (Prometheus starts on them), the refusal is said
    stack.start();
    ControllerProcess controller = stack.controller();
    PrometheusServer prometheus = stack.prometheus();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "a reconcile reported prometheus-unavailable", () ->
        controller.metric(UNAVAILABLE).orElse(0) >= 1, () -> controller.log().tail(20));
    String refused = "prometheus at \"http://127.0.0.1:" + stack.prometheusPort() + "\" refused "
        + "the credentials (basic auth as \"promcc\" with the password in \"" + password
        + "\"): GET ";
    assertTrue(controller.log().contains(Pattern.compile("WARNING .*reconcile "
        + "prometheus-unavailable \\(files written; " + Pattern.quote(refused)
        + "\\S+ answered status 401: \"Unauthorized\"\\)")), controller.log().tail(20));
    Http.Response ready = controller.readiness();
    assertEquals(503, ready.status(), ready.body());
    assertTrue(ready.body().contains("refused the credentials"), ready.body());
    assertEquals(0, controller.metric("promcc_config_in_sync").orElse(-1));
    assertEquals(0, controller.metric("promcc_reloads_total{result=\"success\"}").orElse(-1));
    assertEquals(1, prometheus.configLoads(), "only the load at its start");
    assertEquals(ProfileJobs.scrapePools(alpha), stack.loadedJobsOf("alpha"));

    // the right password, rotated in: the same process verifies without a restart
    long pid = controller.handle().pid();
    double refusals = controller.metric(UNAVAILABLE).orElse(0);
    long rotated = System.nanoTime();
    rotate(password, RIGHT);
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "in sync with the rotated password",
        controller::inSync, () -> controller.log().tail(20));
    System.out.println("ProtectedPrometheusIT: reconciles refused: " + (long) refusals
        + "; in sync " + (System.nanoTime() - rotated) / 1_000_000 + " ms after the password "
        + "file was rotated");
    assertEquals(200, controller.readyz());

    // a new cluster: reloaded with the right password and verified
    double reloads = controller.metric("promcc_reloads_total{result=\"success\"}").orElse(0);
    stack.clustersFile().write(List.of(api.entry(alpha), api.entry(beta)));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "beta's jobs loaded", () ->
        stack.loadedJobsOf("beta").equals(ProfileJobs.scrapePools(beta)),
        () -> controller.log().tail(20));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the reload of beta verified", () ->
        controller.inSync() && controller.metric("promcc_reloads_total{result=\"success\"}")
            .orElse(0) > reloads, () -> controller.log().tail(20));

    // a wrong password again: a change waits for Prometheus and says why
    rotate(password, WRONG);
    long loads = prometheus.configLoads();
    stack.clustersFile().write(List.of(api.entry(alpha), api.entry(beta), api.entry(gamma)));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the change waits, naming the refusal", () ->
        controller.log().contains(Pattern.compile("reconcile prometheus-unavailable \\(the "
            + "config change waits for prometheus: " + Pattern.quote(refused))),
        () -> controller.log().tail(20));
    assertEquals(0, controller.metric("promcc_config_in_sync").orElse(-1));
    assertEquals(loads, prometheus.configLoads(), "no reload with the wrong password");
    assertEquals(List.of(), List.copyOf(stack.loadedJobsOf("gamma")));
    assertEquals(pid, controller.handle().pid());
    assertTrue(controller.isAlive());

    String log = String.join("\n", controller.log().lines());
    assertFalse(log.contains(RIGHT) || log.contains(WRONG), "a password in the log");
  }
}
