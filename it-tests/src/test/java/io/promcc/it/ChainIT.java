package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.vault.fake.FakeCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain of Kubernetes mode, as it runs in a host cluster: a labelled Service appears
 * in the host API, the controller gets the cluster's client certificate from Vault (sign mode),
 * writes certificate and config files and reloads Prometheus, and Prometheus itself discovers the
 * guest's nodes and endpoints through {@code kubernetes_sd_configs} against the guest API,
 * authenticating with that certificate, and scrapes every target through the guest API's proxy
 * paths. A guest API that does not trust the certificate is not discovered.
 */
class ChainIT {
  private static final Duration WAIT = KubernetesModeStack.CLUSTER_TIMEOUT;

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

  /** A series of the controller's metrics; -1 while it does not exist. */
  private static double metric(String series) throws IOException {
    return stack.controller().metric(series).orElse(-1);
  }

  @Test
  void aServiceBecomesEveryJobDiscoveredAndScrapedWithTheCertificateVaultSigned()
      throws Exception {
    GuestApi guest = stack.startGuest("chain-a");
    long appeared = System.nanoTime();
    GuestCluster cluster = stack.putService("chain-a", guest, "aws");

    // the certificate from Vault's sign endpoint, written with the cluster's CA and its key
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "certificate files of chain-a",
        () -> stack.certificateFiles("chain-a").size() == 3, () -> stack.diagnostics("chain-a"));
    assertTrue(stack.vault().requestCount("pki-chain-a/sign/role-chain-a") >= 1,
        "asked Vault's sign endpoint: " + stack.vault().requests());
    Path certs = stack.outDir().resolve("certs");
    FakeCa pki = stack.pkiCa("chain-a");
    X509Certificate issued = CertificateBundle.parseCertificate(
        Files.readString(certs.resolve("chain-a-crt.pem")), "client certificate");
    issued.verify(pki.certificate().getPublicKey());
    assertEquals(pki.pem().strip(), Files.readString(certs.resolve("chain-a-ca.pem")).strip());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(certs.resolve("chain-a-key.pem"))));
    String commonName = "prometheus.chain-a." + KubernetesModeStack.CLIENT_DOMAIN;
    assertEquals("CN=" + commonName, issued.getSubjectX500Principal().getName());

    // Prometheus reloaded: every job of the default profile is loaded
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the jobs of chain-a loaded by Prometheus",
        () -> stack.loadedJobsOf("chain-a").equals(ProfileJobs.scrapePools(cluster)),
        () -> stack.diagnostics("chain-a"));

    // Prometheus discovered the guest's nodes and endpoints and scraped every target: exactly
    // the expected up series, each 1, with the cluster's labels
    stack.awaitUp(guest, cluster, WAIT);
    Duration converged = Duration.ofNanos(System.nanoTime() - appeared);

    // every target healthy, read again while not: awaitUp saw each series at 1, and a scrape
    // after it may have run out of its timeout on a busy machine (the next one succeeds)
    List<PrometheusApi.Target> targets = new ArrayList<>();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "every target of chain-a up, and its up series",
        () -> {
          targets.clear();
          targets.addAll(stack.prometheus().activeTargets().stream()
              .filter(t -> "chain-a".equals(t.labels().get("cluster_id"))).toList());
          return targets.stream().allMatch(t -> t.health().equals("up"))
              && stack.prometheus().query("up{cluster_id=\"chain-a\"}").stream()
                  .allMatch(s -> s.value() == 1);
        }, () -> stack.diagnostics("chain-a"));
    SortedSet<String> jobs = targets.stream().map(t -> t.labels().get("job"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(ProfileJobs.jobLabels(cluster), jobs, "every job of the default profile");
    for (PrometheusApi.Target target : targets) {
      assertEquals("up", target.health(), target.toString());
      assertEquals("guest", target.labels().get("cluster_type"), target.toString());
      assertEquals("aws", target.labels().get("provider"), target.toString());
    }
    List<PrometheusApi.Sample> up = stack.prometheus().query("up{cluster_id=\"chain-a\"}");
    assertEquals(ProfileJobs.jobLabels(cluster), up.stream().map(s -> s.labels().get("job"))
        .collect(Collectors.toCollection(TreeSet::new)), "an up series of every job: " + up);

    // it was Prometheus, with the issued certificate, that listed and watched the guest API
    // and went through its proxy paths
    assertEquals(List.of(commonName), guest.clientNames());
    assertTrue(guest.fake().requests().stream().anyMatch(r -> r.path().endsWith("/nodes")),
        "nodes listed: " + guest.fake().requests());
    assertTrue(guest.fake().requests().stream().anyMatch(r -> r.path().endsWith("/endpoints")),
        "endpoints listed: " + guest.fake().requests());
    assertTrue(guest.fake().proxyHits() > 0, "scrapes through the proxy paths");
    // and the controller reports what Prometheus scrapes of the cluster: every target up
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "promcc_guest_cluster_targets of chain-a",
        () -> metric("promcc_guest_cluster_targets{cluster=\"chain-a\",health=\"up\"}")
            == targets.size()
            && metric("promcc_guest_cluster_targets{cluster=\"chain-a\",health=\"down\"}")
            == 0,
        () -> stack.diagnostics("chain-a"));
    System.out.printf("ChainIT: Service to every target up in %d ms%n", converged.toMillis());
  }

  @Test
  void aGuestApiThatDoesNotTrustTheCertificateIsNotDiscovered() throws Exception {
    FakeCa stranger = FakeCa.create("a CA the controller's certificates do not come from",
        Instant.now());
    GuestApi distrustful = stack.startGuestTrusting("chain-b", stranger.certificate());
    GuestCluster cluster = stack.putService("chain-b", distrustful, "aws");

    // the controller did its part: certificate and jobs loaded by Prometheus
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the jobs of chain-b loaded by Prometheus",
        () -> stack.loadedJobsOf("chain-b").equals(ProfileJobs.scrapePools(cluster)),
        () -> stack.diagnostics("chain-b"));

    // Prometheus' discovery against the guest API fails in the TLS handshake (the API closes
    // the connection on a client certificate it does not trust): Prometheus logs the failed
    // lists of that API server, and its targets show the etcd job's static target down
    Pattern refused = Pattern.compile("failed to list \\*v1\\.(Node|Endpoints|Pod|Service): Get "
        + "\"https://" + Pattern.quote(distrustful.authority()) + "/");
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "Prometheus' discovery refused by chain-b's API",
        () -> stack.prometheus().log().contains(refused) && stack.prometheus().activeTargets()
            .stream().anyMatch(t -> "chain-b".equals(t.labels().get("cluster_id"))
                && t.health().equals("down"))
            // a target's health is set just before its up sample is stored
            && !stack.prometheus().query("up{cluster_id=\"chain-b\"}").isEmpty(),
        () -> stack.diagnostics("chain-b"));

    // nothing was discovered: the one target of the cluster is the etcd job's (not discovered,
    // named by the Service), down with the refusal; the API saw no request from a client
    // certificate; the jobs stay loaded
    List<PrometheusApi.Target> targets = stack.prometheus().activeTargets().stream()
        .filter(t -> "chain-b".equals(t.labels().get("cluster_id"))).toList();
    assertEquals(1, targets.size(), targets.toString());
    PrometheusApi.Target etcd = targets.get(0);
    assertEquals("guest-cluster-chain-b-etcd", etcd.labels().get("job"), etcd.toString());
    assertEquals("down", etcd.health(), etcd.toString());
    assertTrue(!etcd.lastError().isEmpty(), etcd.toString());
    List<PrometheusApi.Sample> up = stack.prometheus().query("up{cluster_id=\"chain-b\"}");
    assertEquals(1, up.size(), up.toString());
    assertEquals(0, up.get(0).value(), up.toString());
    assertEquals(List.of(), distrustful.clientNames());
    assertEquals(Set.copyOf(ProfileJobs.scrapePools(cluster)), stack.loadedJobsOf("chain-b"));

    // the controller's metrics show it too: jobs loaded, no target up, the etcd one down
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "promcc_guest_cluster_targets of chain-b",
        () -> metric("promcc_guest_cluster_targets{cluster=\"chain-b\",health=\"up\"}") == 0
            && metric("promcc_guest_cluster_targets{cluster=\"chain-b\",health=\"down\"}")
            == 1,
        () -> stack.diagnostics("chain-b"));
  }
}
