package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.kube.fake.FakeRequest;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of the end-to-end tests: with certificates of a 30-second TTL from Vault, the
 * controller writes each renewed certificate before the previous one ends, and Prometheus goes
 * on discovering and scraping with the new one, without a reload (as Prometheus itself reports)
 * and without a gap in {@code up}.
 */
class CertificateRotationIT {
  private static final Duration WAIT = KubernetesModeStack.CLUSTER_TIMEOUT;
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  private KubernetesModeStack stack;

  /** A certificate as the file showed it, and when the poller first saw it. */
  private record Seen(BigInteger serial, Instant notAfter, Instant firstSeen) {}

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void renewedCertificatesLandBeforeExpiryAndAreUsedWithoutReloadOrGap() throws Exception {
    stack = KubernetesModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .scrapeInterval(SCRAPE_INTERVAL).create();
    stack.certificateTtl("rot", TTL);
    GuestApi api = stack.startGuest("rot");
    GuestCluster cluster = stack.putService("rot", api, "aws");
    stack.start();
    stack.awaitUp(api, cluster, WAIT);
    // Prometheus starts on the first config, so its targets can be up before the controller's
    // first reload: the counts below are taken once that reload was made and counted
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "promcc_config_in_sync 1",
        () -> stack.controller().inSync(),
        () -> stack.controller().log().tail(20));
    Instant upSince = Instant.now();
    double reloadedAt = reloadTimestamp();
    long loads = stack.prometheus().configLoads();
    double controllerReloads = stack.controller().metricSum("promcc_reloads_total");
    double filesWritten = stack.controller().metricSum("promcc_files_written_total");

    // follow the certificate file until three certificates were seen and the first has ended
    Path crt = stack.outDir().resolve("certs/rot-crt.pem");
    List<Seen> seen = new ArrayList<>();
    Wait.until(WAIT, Duration.ofMillis(200), "three certificates, the first of them ended",
        () -> {
          follow(crt, seen);
          return seen.size() >= 3 && Instant.now().isAfter(
              seen.get(0).notAfter().plus(SCRAPE_INTERVAL.multipliedBy(2)));
        }, () -> "seen: " + seen + "\n" + stack.controller().log().tail(20));

    // Prometheus uses the new certificates: once the first has ended, new scrapes through the
    // proxy paths present renewed ones. (A request on a connection Prometheus opened earlier
    // would carry the certificate of its handshake, even an ended one: TLS checks a certificate
    // when a connection is made, and the API fake, like the JDK, does not check it again; such
    // requests are counted, not failed.) With a 30 s TTL the controller renews every 5 to 10 s,
    // so the file is followed on during this wait too: a scrape may present a certificate
    // written after the wait began, and it is a renewed one all the same.
    int mark = api.fake().requests().size();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "30 more requests to the guest API, a scrape among "
        + "them with a renewed certificate", () -> {
          follow(crt, seen);
          Set<String> renewed = renewed(seen);
          List<FakeRequest> since = requestsSince(api, mark);
          return since.size() >= 30 && since.stream().anyMatch(r -> r.path().contains("/proxy/")
              && r.clientSerial().filter(renewed::contains).isPresent());
        }, () -> "certificates seen: " + seen + "\nrequests since the first certificate ended: "
            + requestsSince(api, mark));
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i).firstSeen().isBefore(seen.get(i - 1).notAfter()),
          "certificate " + i + " landed before its predecessor ended: " + seen);
    }
    Set<String> renewed = renewed(seen);
    List<FakeRequest> later = requestsSince(api, mark);
    List<String> stale = later.stream()
        .filter(r -> r.clientSerial().filter(renewed::contains).isEmpty())
        .map(r -> r.method() + " " + r.path()).toList();

    // Prometheus discovers and scrapes as before: every target still up
    stack.awaitUp(api, cluster, WAIT);

    // no reload: Prometheus' own last reload time and its log, and the controller's count
    assertEquals(reloadedAt, reloadTimestamp(), "Prometheus' last reload");
    assertEquals(loads, stack.prometheus().configLoads(), "configs loaded by Prometheus");
    assertEquals(controllerReloads, stack.controller().metricSum("promcc_reloads_total"));
    assertTrue(stack.controller().metricSum("promcc_files_written_total") > filesWritten,
        "the certificate files were rewritten");

    // no gap in up: every series 1 at every scrape since all were up, but for scrapes that ran
    // out of their timeout: on a busy machine the guest API fake may answer one too late, which
    // no certificate causes (a refused one fails the scrape at once)
    long window = Duration.between(upSince, Instant.now()).toSeconds() - 1;
    ScrapeHistory history = new ScrapeHistory(stack.prometheus(), "rot",
        Duration.ofSeconds(window));
    List<PrometheusApi.Sample> min = history.minUp();
    List<PrometheusApi.Sample> count = history.scrapes();
    int targets = api.expectedUp(cluster).size();
    assertEquals(targets, min.size(), min.toString());
    List<PrometheusApi.Sample> timedOut = history.timedOut(stack.scrapeTimeout());
    assertEquals(List.of(), history.failedWithin(stack.scrapeTimeout()),
        "up was 1 throughout but for scrapes that timed out: " + min + "; timed out: "
            + timedOut);
    long scrapes = window / SCRAPE_INTERVAL.toSeconds();
    assertEquals(targets, count.size(), count.toString());
    assertTrue(count.stream().allMatch(s -> s.value() >= scrapes - 2),
        "a sample every scrape interval over " + window + " s: " + count);
    System.out.printf("CertificateRotationIT: %d certificates in %d s, each written %s before"
        + " its predecessor ended; no reload; %d of %d requests after the first ended on"
        + " connections made with an older certificate: %s; series with a scrape that timed"
        + " out: %s%n", seen.size(), window, margins(seen), stale.size(), later.size(), stale,
        timedOut);
  }

  /** Adds the certificate in {@code crt} to {@code seen} if it is not the last one seen. */
  private static void follow(Path crt, List<Seen> seen) throws Exception {
    X509Certificate now = CertificateBundle.parseCertificate(Files.readString(crt),
        "client certificate");
    if (seen.isEmpty() || !seen.get(seen.size() - 1).serial().equals(now.getSerialNumber())) {
      seen.add(new Seen(now.getSerialNumber(), now.getNotAfter().toInstant(), Instant.now()));
    }
  }

  /** The serials (as the API fake records them) of every certificate seen after the first. */
  private static Set<String> renewed(List<Seen> seen) {
    return seen.stream().skip(1).map(s -> s.serial().toString(16)).collect(Collectors.toSet());
  }

  /** The requests the guest API fake saw after the first {@code mark}. */
  private static List<FakeRequest> requestsSince(GuestApi api, int mark) {
    List<FakeRequest> all = api.fake().requests();
    return all.subList(mark, all.size());
  }

  private static List<Long> margins(List<Seen> seen) {
    List<Long> margins = new ArrayList<>();
    for (int i = 1; i < seen.size(); i++) {
      margins.add(Duration.between(seen.get(i).firstSeen(), seen.get(i - 1).notAfter())
          .toSeconds());
    }
    return margins;
  }

  private double reloadTimestamp() throws Exception {
    return stack.prometheus().selfMetric("prometheus_config_last_reload_success_timestamp_seconds")
        .orElseThrow();
  }
}
