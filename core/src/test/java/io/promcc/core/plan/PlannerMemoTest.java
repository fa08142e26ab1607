package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.testing.ModelArbitraries;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * A planner kept from one plan to the next reuses each cluster's rendered output while the
 * cluster, its certificate and the settings are equal, and its output is always byte for byte
 * what a fresh planner makes.
 */
class PlannerMemoTest {
  private static final ScrapeProfile PROFILE = ScrapeProfile.defaultProfile();

  /** Consecutive plans of one planner: each step's settings, clusters and certificates. */
  record Step(ControllerSettings settings, List<GuestCluster> clusters,
      Map<ClusterId, CertificateBundle> certificates) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<CertificateBundle> bundles = Arbitraries.of(TestCertificates.bundle(),
        TestCertificates.other());
    Arbitrary<Step> step = Combinators.combine(ModelArbitraries.controllerSettings(),
            Arbitraries.of(OutputMode.values()), ModelArbitraries.guestClusterLists(0, 5),
            bundles.list().ofSize(5))
        .as((settings, mode, clusters, certs) -> {
          Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
          for (int i = 0; i < clusters.size(); i++) {
            certificates.put(clusters.get(i).id(), certs.get(i));
          }
          return new Step(settings.toBuilder().outputMode(mode).build(), clusters, certificates);
        });
    return step.list().ofMinSize(2).ofMaxSize(5);
  }

  @Property(tries = 60)
  void aKeptPlannerPlansExactlyWhatAFreshOneDoes(@ForAll("steps") List<Step> steps) {
    Planner kept = new Planner(PROFILE, BaseConfig.empty());
    List<Step> all = new ArrayList<>(steps);
    // the same settings again, with clusters partly kept, partly changed
    Step last = all.get(all.size() - 1);
    all.add(new Step(last.settings(), changeEvery2nd(last.clusters()), last.certificates()));
    all.add(last);
    for (Step step : all) {
      DesiredState fromKept = kept.plan(step.clusters(), step.certificates(), step.settings());
      DesiredState fresh = new Planner(PROFILE, BaseConfig.empty())
          .plan(step.clusters(), step.certificates(), step.settings());
      assertEquals(fresh, fromKept);
      assertEquals(fresh.hash(), fromKept.hash());
      fresh.files().forEach((path, file) ->
          assertTrue(file.contentEquals(fromKept.files().get(path).content()), path));
    }
  }

  /**
   * Clusters that come, go and start or stop scraping etcd, so that job-name collisions appear
   * and disappear, in both output modes, planned one after another by one planner: each plan is
   * exactly a fresh planner's, rejections included.
   */
  @Property(tries = 100)
  void aKeptPlannerMatchesAFreshOneWhileCollisionsComeAndGo(
      @ForAll("collidingSteps") List<Step> steps) {
    Planner kept = new Planner(JobNameCollisionTest.COLLIDING_WITH_ETCD, BaseConfig.empty());
    for (Step step : steps) {
      DesiredState fromKept = kept.plan(step.clusters(), step.certificates(), step.settings());
      DesiredState fresh = new Planner(JobNameCollisionTest.COLLIDING_WITH_ETCD,
          BaseConfig.empty()).plan(step.clusters(), step.certificates(), step.settings());
      assertEquals(fresh, fromKept);
      assertEquals(fresh.rejections(), fromKept.rejections());
      assertEquals(fresh.configHash(), fromKept.configHash());
    }
  }

  @Provide
  Arbitrary<List<Step>> collidingSteps() {
    Arbitrary<ControllerSettings> settings = Arbitraries.of(ControllerSettings.DEFAULTS,
        ControllerSettings.DEFAULTS.toBuilder().outputMode(OutputMode.PER_CLUSTER_FILES).build(),
        ControllerSettings.DEFAULTS.toBuilder().outputMode(OutputMode.PER_CLUSTER_FILES)
            .certificateDirectory("tls").build());
    Arbitrary<CertificateBundle> bundles = Arbitraries.of(TestCertificates.bundle(),
        TestCertificates.other());
    Arbitrary<Step> step = Combinators.combine(Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(ControllerSettings.DEFAULTS)), Tuple.of(1, settings)),
            JobNameCollisionTest.relatedClusters(),
            bundles.list().ofSize(JobNameCollisionTest.RELATED_IDS.size()))
        .as((chosen, clusters, certs) -> {
          Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
          for (int i = 0; i < clusters.size(); i++) {
            certificates.put(clusters.get(i).id(), certs.get(i));
          }
          return new Step(chosen, clusters, certificates);
        });
    return step.list().ofMinSize(2).ofMaxSize(8);
  }

  @Test
  void withNothingChangedTheMainConfigIsTheLastPlansAndAChangeRendersItAgain() {
    GuestCluster a = GuestCluster.of("a", "aws", "https://a.example:6443");
    GuestCluster b = GuestCluster.of("b", "aws", "https://b.example:6443");
    Map<ClusterId, CertificateBundle> certificates = TestCertificates.forAll(List.of(a, b));
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    DesiredState first = planner.plan(List.of(a, b), certificates, ControllerSettings.DEFAULTS);

    DesiredState same = planner.plan(List.of(b, a), certificates, ControllerSettings.DEFAULTS);
    assertSame(first.config(), same.config(), "nothing changed: not rendered or hashed again");

    GuestCluster changed = b.withLabels(Map.of("team", "blue"));
    DesiredState after = planner.plan(List.of(a, changed), certificates,
        ControllerSettings.DEFAULTS);
    assertNotSame(same.config(), after.config());
    assertTrue(after.config().text().contains("team"));
    DesiredState without = planner.plan(List.of(a), certificates, ControllerSettings.DEFAULTS);
    assertFalse(without.config().text().contains("https://b.example"), "b's jobs are gone");
    DesiredState renamed = planner.plan(List.of(a), certificates,
        ControllerSettings.DEFAULTS.toBuilder().jobPrefix("other").build());
    assertEquals(new Planner(PROFILE, BaseConfig.empty()).plan(List.of(a), certificates,
        ControllerSettings.DEFAULTS.toBuilder().jobPrefix("other").build()).config(),
        renamed.config(), "other settings: rendered again");
  }

  private static List<GuestCluster> changeEvery2nd(List<GuestCluster> clusters) {
    List<GuestCluster> out = new ArrayList<>();
    for (int i = 0; i < clusters.size(); i++) {
      GuestCluster c = clusters.get(i);
      Map<String, String> labels = new TreeMap<>(c.labels());
      labels.put("memo_step", "changed");
      out.add(i % 2 == 0 ? c : c.withLabels(labels));
    }
    return out;
  }

  /**
   * With nothing changed the plan is the last plan itself (no state, records or hashes made
   * again); any change of a cluster, a certificate, a rejection or the settings makes a new
   * plan, equal to a fresh planner's.
   */
  @Test
  void withNothingChangedThePlanIsTheLastPlanItself() {
    GuestCluster a = GuestCluster.of("a", "aws", "https://a.example:6443");
    GuestCluster b = GuestCluster.of("b", "aws", "https://b.example:6443");
    Map<ClusterId, CertificateBundle> certificates = TestCertificates.forAll(List.of(a, b));
    ControllerSettings settings = ControllerSettings.DEFAULTS;
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    DesiredState first = planner.plan(List.of(a, b), certificates, settings);

    assertSame(first, planner.plan(List.of(b, a), certificates, settings));
    assertSame(first, planner.plan(List.of(GuestCluster.of("a", "aws", "https://a.example:6443"),
        b), certificates, settings), "an equal cluster is the same input");

    Map<ClusterId, CertificateBundle> renewed = new TreeMap<>(certificates);
    renewed.put(b.id(), TestCertificates.other());
    GuestCluster misnamed = GuestCluster.of("c", "aws", "https://c.example:6443");
    Map<ClusterId, CertificateBundle> withC = new TreeMap<>(certificates);
    withC.put(misnamed.id(), TestCertificates.bundle());
    List<Runnable> changes = List.of(
        () -> assertChanged(planner, first, List.of(a, b.withLabels(Map.of("team", "blue"))),
            certificates, settings),
        () -> assertChanged(planner, first, List.of(a, b), renewed, settings),
        () -> assertChanged(planner, first, List.of(a), certificates, settings),
        () -> assertChanged(planner, first, List.of(a, b), certificates,
            settings.toBuilder().outputMode(OutputMode.PER_CLUSTER_FILES).build()));
    for (Runnable change : changes) {
      planner.plan(List.of(a, b), certificates, settings); // back to the first plan's input
      change.run();
    }
    // a rejection alone: c has no certificate, so it is rejected and no file changes
    planner.plan(List.of(a, b), certificates, settings);
    DesiredState rejecting = planner.plan(List.of(a, b, misnamed), certificates, settings);
    assertNotSame(first, rejecting);
    assertEquals(first.files(), rejecting.files());
    assertEquals(1, rejecting.rejections().size());
    assertSame(rejecting, planner.plan(List.of(a, b, misnamed), certificates, settings));
    assertNotSame(rejecting, planner.plan(List.of(a, b, misnamed), withC, settings));
  }

  private static void assertChanged(Planner planner, DesiredState last,
      List<GuestCluster> clusters, Map<ClusterId, CertificateBundle> certificates,
      ControllerSettings settings) {
    DesiredState next = planner.plan(clusters, certificates, settings);
    assertNotSame(last, next);
    assertEquals(new Planner(PROFILE, BaseConfig.empty()).plan(clusters, certificates, settings),
        next);
  }

  @Test
  void oneChangedClusterIsRenderedAgainAndTheOthersAreReused() {
    ControllerSettings settings = ControllerSettings.DEFAULTS.toBuilder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).build();
    GuestCluster a = GuestCluster.of("a", "aws", "https://a.example:6443");
    GuestCluster b = GuestCluster.of("b", "aws", "https://b.example:6443");
    Map<ClusterId, CertificateBundle> certificates = TestCertificates.forAll(List.of(a, b));
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    DesiredState before = planner.plan(List.of(a, b), certificates, settings);

    GuestCluster changed = a.withLabels(Map.of("team", "blue"));
    DesiredState after = planner.plan(List.of(changed, b), certificates, settings);

    String aFile = "scrape_configs/a.yml";
    String bFile = "scrape_configs/b.yml";
    assertNotSame(before.files().get(aFile), after.files().get(aFile));
    assertTrue(after.files().get(aFile).text().contains("team"));
    assertSame(before.files().get(bFile), after.files().get(bFile));
    assertSame(before.files().get("certs/a-key.pem"), after.files().get("certs/a-key.pem"));
    assertSame(before.files().get("certs/b-crt.pem"), after.files().get("certs/b-crt.pem"));
    assertSame(before.config(), after.config(),
        "the main config names the scrape files' folder, not a cluster: not rendered again");
    GuestCluster c = GuestCluster.of("c", "aws", "https://c.example:6443");
    Map<ClusterId, CertificateBundle> withC = TestCertificates.forAll(List.of(a, b, c));
    assertSame(before.config(), planner.plan(List.of(changed, b, c), withC, settings).config(),
        "nor when a cluster comes");
    // every path is the shared instance a store also keeps, so diffs compare references
    for (String path : after.files().keySet()) {
      assertSame(DesiredState.sharedPath(new String(path)), path, path);
    }
  }

  /**
   * A cluster the last plan accepted is not checked for labels again while the settings are
   * equal; with settings whose controller label is one of its labels, the very same instance is
   * rejected.
   */
  @Test
  void anApiServerWhoseHostChangedOnlyInCaseIsRenderedAgainAsAFreshPlannerWould() {
    // java.net.URI finds such hosts equal, and so does GuestCluster: a kept planner reused the
    // old text, and two replicas (or one before and after a restart) wrote different bytes
    GuestCluster before = GuestCluster.of("abc", "aws", "https://master.abc.example.com");
    GuestCluster after = GuestCluster.of("abc", "aws", "https://Master.ABC.example.com");
    Planner kept = Planner.withDefaults();
    kept.plan(List.of(before), TestCertificates.forAll(List.of(before)),
        ControllerSettings.DEFAULTS);

    DesiredState reused = kept.plan(List.of(after), TestCertificates.forAll(List.of(after)),
        ControllerSettings.DEFAULTS);

    DesiredState fresh = Planner.withDefaults().plan(List.of(after),
        TestCertificates.forAll(List.of(after)), ControllerSettings.DEFAULTS);
    assertTrue(fresh.config().text().contains("Master.ABC.example.com"));
    assertEquals(fresh.config().text(), reused.config().text());
    assertEquals(fresh.hash(), reused.hash());
  }

  @Test
  void theSameClusterIsCheckedForLabelsAgainUnderOtherSettings() {
    GuestCluster a = GuestCluster.of("a", "aws", "https://a.example:6443")
        .withLabels(Map.of("team", "blue"));
    GuestCluster b = GuestCluster.of("b", "aws", "https://b.example:6443");
    Map<ClusterId, CertificateBundle> certificates = TestCertificates.forAll(List.of(a, b));
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    assertEquals(List.of(a.id(), b.id()),
        planner.plan(List.of(a, b), certificates, ControllerSettings.DEFAULTS).clusters());

    ControllerSettings teamLabel = ControllerSettings.DEFAULTS.toBuilder()
        .clusterIdLabel("team").build();
    DesiredState renamed = planner.plan(List.of(a, b), certificates, teamLabel);
    assertEquals(List.of(b.id()), renamed.clusters());
    assertEquals("label-collision", renamed.rejections().get(0).reason());
    assertEquals(new Planner(PROFILE, BaseConfig.empty()).plan(List.of(a, b), certificates,
        teamLabel), renamed);
  }

  @Test
  void aNewCertificateRenewsOnlyThatClustersCertificateFiles() {
    GuestCluster a = GuestCluster.of("a", "aws", "https://a.example:6443");
    GuestCluster b = GuestCluster.of("b", "aws", "https://b.example:6443");
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    Map<ClusterId, CertificateBundle> certificates =
        new TreeMap<>(TestCertificates.forAll(List.of(a, b)));
    DesiredState before = planner.plan(List.of(a, b), certificates, ControllerSettings.DEFAULTS);

    certificates.put(a.id(), TestCertificates.other());
    DesiredState after = planner.plan(List.of(a, b), certificates, ControllerSettings.DEFAULTS);

    assertEquals(TestCertificates.other().certificatePem(),
        after.files().get("certs/a-crt.pem").text());
    assertEquals(TestCertificates.other().caPem(), after.files().get("certs/a-ca.pem").text());
    assertSame(before.files().get("certs/b-crt.pem"), after.files().get("certs/b-crt.pem"));
    assertEquals(before.config(), after.config());
  }

  @Test
  void otherSettingsRenderEveryClusterAgain() {
    GuestCluster a = GuestCluster.of("a", "aws", "https://a.example:6443");
    Map<ClusterId, CertificateBundle> certificates = TestCertificates.forAll(List.of(a));
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    ControllerSettings perCluster = ControllerSettings.DEFAULTS.toBuilder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).build();
    planner.plan(List.of(a), certificates, perCluster);
    ControllerSettings renamed = perCluster.toBuilder().clusterIdLabel("guest_id")
        .certificateDirectory("tls").privateKeyMode(0640).build();

    DesiredState after = planner.plan(List.of(a), certificates, renamed);

    assertEquals(new Planner(PROFILE, BaseConfig.empty()).plan(List.of(a), certificates, renamed),
        after);
    assertTrue(after.files().get("scrape_configs/a.yml").text().contains("guest_id"));
    assertTrue(after.files().get("scrape_configs/a.yml").text().contains("../tls/a-crt.pem"));
    assertEquals(0640, after.files().get("tls/a-key.pem").mode());
  }
}
