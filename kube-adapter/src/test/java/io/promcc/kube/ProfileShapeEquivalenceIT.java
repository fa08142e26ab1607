package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.Profiles;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default profile (system templates in one shared job per cluster) and the legacy profile
 * (one job per template) make a real Prometheus 2.53.3 scrape exactly the same targets with the
 * same labels, and keep the same series after metric relabelling: two guest clusters in one
 * Kubernetes API fake, planned with each profile, each loaded into a fresh Prometheus; the
 * {@code up} series, the active targets with their scrape URLs, every series of the clusters and
 * the per-target sample counts before and after metric relabelling are compared.
 */
class ProfileShapeEquivalenceIT {
  private static final String BASE = "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n";
  /** Every target's best over the run: one failed scrape on a busy machine changes nothing. */
  private static final String EVER_UP = "max_over_time(up[10m])";

  @TempDir
  Path dir;

  private FakeKubeApi fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  /** What one Prometheus showed. */
  private record Seen(Set<Map<String, String>> up, Map<Map<String, String>, String> targets,
      Set<Map<String, String>> series, Map<Map<String, String>, String> scraped,
      Map<Map<String, String>, String> kept, List<String> jobNames) {}

  @Test
  void theDefaultShapeScrapesWhatTheLegacyShapeScrapes() throws Exception {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE).start();
    GuestClusterFixture.seed(fake);
    List<GuestCluster> clusters = List.of(
        GuestClusterFixture.cluster(fake, "alpha", "aws", Map.of("customer", "acme"), true),
        GuestClusterFixture.cluster(fake, "bravo", "azure", Map.of("region", "westeurope"),
            false));
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    clusters.forEach(c -> certificates.put(c.id(), GuestClusterFixture.certificate(fake,
        c.id().value())));
    Set<Map<String, String>> expectedUp = ordered();
    clusters.forEach(c -> expectedUp.addAll(GuestClusterFixture.expectedUp(c, fake)));
    Map<Map<String, String>, String> everyTargetUp = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    expectedUp.forEach(labels -> {
      Map<String, String> target = new TreeMap<>(labels);
      target.remove("__name__");
      everyTargetUp.put(target, "1");
    });

    Seen legacy = run("legacy", Profiles.legacy(), clusters, certificates, everyTargetUp);
    Seen shared = run("default", ScrapeProfile.defaultProfile(), clusters, certificates,
        everyTargetUp);

    assertEquals(13, legacy.jobNames().size(), "legacy: 7 jobs for alpha, 6 for bravo");
    assertEquals(9, shared.jobNames().size(), "default: 5 jobs for alpha, 4 for bravo");
    assertEquals(expectedUp, legacy.up());
    assertEquals(legacy.up(), shared.up(), "up series");
    // 23 targets; each has up and four other scrape_* series, and its page's series
    assertEquals(23, legacy.targets().size());
    assertEquals(154, legacy.series().size());
    assertEquals(legacy.targets(), shared.targets(), "active targets and their scrape URLs");
    assertEquals(legacy.series(), shared.series(), "every series of the guest clusters");
    assertEquals(legacy.scraped(), shared.scraped(), "samples scraped per target");
    assertEquals(legacy.kept(), shared.kept(), "samples left after metric relabelling");
    assertTrue(legacy.kept().values().stream().anyMatch(kept -> !kept.equals("0")));
    assertTrue(!legacy.scraped().equals(legacy.kept()), "some job's metric rules dropped samples");
  }

  private Seen run(String name, ScrapeProfile profile, List<GuestCluster> clusters,
      Map<ClusterId, CertificateBundle> certificates,
      Map<Map<String, String>, String> everyTargetUp) throws Exception {
    DesiredState state = new Planner(profile, BaseConfig.parse(BASE, "base.yml"))
        .plan(clusters, certificates, ControllerSettings.DEFAULTS);
    List<String> jobNames = new ArrayList<>();
    state.config().text().lines().filter(line -> line.startsWith("- job_name: "))
        .forEach(line -> jobNames.add(line.substring("- job_name: ".length())));
    try (PlannedPrometheus prometheus = PlannedPrometheus.start(state, dir.resolve(name))) {
      try {
        Poll.until(PlannedPrometheus.WAIT, name + ": every target scraped successfully",
            () -> prometheus.values(EVER_UP).equals(everyTargetUp));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nup: " + prometheus.values("up")
            + "\ntargets: " + prometheus.targetsJson() + "\nlog:\n" + prometheus.logTail(40), e);
      }
      return new Seen(prometheus.seriesEver("up"), prometheus.activeTargets(),
          prometheus.seriesEver("{cluster_type=\"guest\"}"),
          prometheus.values("max_over_time(scrape_samples_scraped[10m])"),
          prometheus.values("max_over_time(scrape_samples_post_metric_relabeling[10m])"),
          jobNames);
    }
  }

  private static Set<Map<String, String>> ordered() {
    return new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
  }
}
