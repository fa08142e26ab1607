package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Selector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 9: a high-availability pair, as two StatefulSets run it: two Prometheus servers, each
 * with its own {@code promcc run} and output folder, over the same host API and Vault. Both
 * write byte-identical config files and both Prometheus servers load every cluster. An Event
 * for a rejected Service is published once, by the holder of the Lease (the other replica never
 * even tries). When the holder's controller is killed with SIGKILL (it cannot release the
 * Lease), the other takes the Lease over after the lease duration (3 s here) and publishes the
 * Event of a Service rejected after the kill.
 */
class HaPairIT {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Predicate<FakeRequest> EVENT_CREATES =
      r -> r.method().equals("POST") && r.isFor(ApiResource.EVENTS);

  @TempDir
  Path dir;

  private KubernetesModeStack stack;
  private ControllerProcess replicaB;
  private PrometheusServer prometheusB;

  @AfterEach
  void stop() {
    if (replicaB != null) {
      replicaB.close();
    }
    if (prometheusB != null) {
      prometheusB.stop();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void bothConvergeOnTheSameFilesAndTheLeaseHolderAloneReportsUntilItIsKilled()
      throws Exception {
    stack = KubernetesModeStack.builder(dir.resolve("a"), ItEnvironment.appJar(),
            ItEnvironment.prometheus())
        .controllerFlag("identity", "replica-a")
        .controllerFlag("lease-duration", LEASE.toSeconds() + "s")
        .controllerFlag("vault-pki-mount", "pki-shared")
        .controllerFlag("vault-pki-role", "role-shared")
        .create();
    GuestApi guest = stack.startGuest("shared");
    stack.putService("ha-one", guest, "aws");
    stack.putService("ha-two", guest, "azure");
    rejectedService("ha-bad"); // http: rejected with api-server-not-https
    stack.start();
    Path workB = Files.createDirectories(dir.resolve("b"));
    int prometheusPortB = Ports.free();
    replicaB = startReplicaB(workB, prometheusPortB);
    Path configB = workB.resolve("out/prometheus.yml");
    Wait.until(WAIT, "replica b's first config", () -> Files.isRegularFile(configB));
    prometheusB = PrometheusServer.builder(ItEnvironment.prometheus(), configB,
        workB.resolve("prometheus")).port(prometheusPortB).start();

    // both converge on byte-identical config files, and both Prometheus servers load them
    Path configA = stack.outDir().resolve("prometheus.yml");
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "both configs with ha-one and ha-two, identical",
        () -> {
          String a = Files.readString(configA);
          return a.contains("job_name: guest-cluster-ha-one-")
              && a.contains("job_name: guest-cluster-ha-two-")
              && Files.readString(configB).equals(a);
        }, () -> "replica b log:\n" + replicaB.log().tail(20));
    for (PrometheusServer prometheus : List.of(stack.prometheus(), prometheusB)) {
      Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "ha-one and ha-two loaded by " + prometheus,
          () -> loads(prometheus, "ha-one") && loads(prometheus, "ha-two"),
          () -> prometheus.log().tail(20));
    }
    assertArrayEquals(Files.readAllBytes(configA), Files.readAllBytes(configB));

    // the Event of the rejected Service: one, from the Lease holder; the other never tried
    Wait.until(WAIT, "the event on ha-bad", () -> stack.events("ha-bad").size() == 1);
    Wait.until(WAIT, "both replicas reconciled", () -> stack.controller().readyz() == 200
        && replicaB.readyz() == 200);
    String holder = leaseHolder();
    JsonObject event = stack.events("ha-bad").get(0);
    assertEquals("ApiServerNotHttps", event.get("reason").getAsString());
    String reporter = event.get("reportingInstance").getAsString();
    if (leaseTransitions() == 0) { // one holder since the start: the reporter is it
      assertEquals(holder, reporter);
    } else { // a busy machine may outlast a renewal of the 3 s lease: it moved meanwhile
      assertTrue(List.of("replica-a", "replica-b").contains(reporter), reporter);
      System.out.println("HaPairIT: the lease moved before the checks; the event on ha-bad "
          + "was published by " + reporter + ", the lease now held by " + holder);
    }
    assertEquals(1, stack.host().requestCount(EVENT_CREATES.and(
        r -> r.path().contains("/namespaces/ha-bad/"))), "one attempt to publish it");

    // SIGKILL the holder's controller: the Lease stays held by it until it expires
    ControllerProcess killed = holder.equals("replica-a") ? stack.controller() : replicaB;
    String survivor = holder.equals("replica-a") ? "replica-b" : "replica-a";
    killed.kill();
    long killedAt = System.nanoTime();
    Instant killedWall = Instant.now();
    rejectedService("ha-late");
    Wait.until(WAIT, "the survivor publishes the event on ha-late",
        () -> stack.events("ha-late").size() == 1);
    Duration published = Duration.ofNanos(System.nanoTime() - killedAt);
    JsonObject late = stack.events("ha-late").get(0);
    assertEquals(survivor, late.get("reportingInstance").getAsString());
    assertEquals(survivor, leaseHolder());
    assertEquals(1, stack.events("ha-bad").size(), "no second event on ha-bad");
    // the takeover is when the survivor wrote itself into the Lease as its holder (the Lease's
    // acquireTime, on this machine's clock); the reconcile and the Event after it, which a busy
    // machine may hold up far longer, are bounded by WAIT above
    Duration takeover = Duration.between(killedWall, leaseAcquired());
    System.out.printf("HaPairIT: identical configs (%d bytes); %s took the Lease over %d ms"
        + " after the kill of %s and published the event on a Service rejected at the kill"
        + " %d ms after it (lease %d s)%n", Files.size(configA), survivor, takeover.toMillis(),
        holder, published.toMillis(), LEASE.toSeconds());
    // the follower takes over once the lease duration has passed since it last saw the Lease
    // change: a lease plus one retry period (2/15 of it), with room for a busy machine
    assertTrue(takeover.compareTo(LEASE.multipliedBy(2).plusSeconds(10)) < 0,
        "took the Lease over " + takeover + " after the kill");
  }

  /** The second replica: the same host API, Vault and base config, its own folders and port. */
  private ControllerProcess startReplicaB(Path work, int prometheusPort) {
    return ControllerProcess.builder(ItEnvironment.appJar(), work.resolve("promcc.log"))
        .workDir(work)
        .flag("discovery", "kubernetes")
        .flag("kubeconfig", stack.kubeconfig())
        .flag("certificates", "vault")
        .flag("vault-address", stack.vault().address())
        .flag("vault-ca-bundle", stack.vaultCaBundle())
        .flag("vault-pki-mount", "pki-shared")
        .flag("vault-pki-role", "role-shared")
        .flag("api-server-allow-list", "127.0.0.1")
        .flag("lease-namespace", KubernetesModeStack.LEASE_NAMESPACE)
        .flag("lease-duration", LEASE.toSeconds() + "s")
        .flag("identity", "replica-b")
        .flag("debounce", "100ms")
        .flag("out", work.resolve("out"))
        .flag("state-dir", work.resolve("state"))
        .flag("base-config", stack.baseConfig())
        .flag("prometheus-url", "http://127.0.0.1:" + prometheusPort)
        .env("PROMCC_VAULT_TOKEN", stack.vaultToken().reveal())
        .start();
  }

  private static boolean loads(PrometheusServer prometheus, String id) throws IOException {
    return prometheus.loadedJobs().stream().anyMatch(j -> j.startsWith(ProfileJobs.prefixOf(id)));
  }

  private String leaseHolder() {
    return leaseSpec().get("holderIdentity").getAsString();
  }

  /** When the Lease's holder acquired it (its {@code acquireTime}). */
  private Instant leaseAcquired() {
    return OffsetDateTime.parse(leaseSpec().get("acquireTime").getAsString()).toInstant();
  }

  /** How many times the Lease changed holder since its first (0 if never, or not said). */
  private int leaseTransitions() {
    JsonObject spec = leaseSpec();
    return spec.has("leaseTransitions") ? spec.get("leaseTransitions").getAsInt() : 0;
  }

  private JsonObject leaseSpec() {
    List<JsonObject> leases = stack.host().store().list(ApiResource.LEASES,
        KubernetesModeStack.LEASE_NAMESPACE, Selector.everything(), Selector.everything());
    assertEquals(1, leases.size(), leases.toString());
    return leases.get(0).getAsJsonObject("spec");
  }

  /** A Service whose API server URL is plain http: rejected with {@code api-server-not-https}. */
  private void rejectedService(String id) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", id);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("giantswarm.io/prometheus-cluster", id);
    annotations.put("promcc.io/api-server-url", "http://api." + id + ".example.com");
    stack.host().store().create(ApiResource.SERVICES, id, new V1Service()
        .metadata(new V1ObjectMeta().namespace(id).name("master").labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(443)))));
  }
}
