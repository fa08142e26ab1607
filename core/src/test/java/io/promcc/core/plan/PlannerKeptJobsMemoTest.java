package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A planner kept from one plan to the next reuses its last config while a cluster is kept as it
 * is on disk (present, unreadable): the kept jobs the observer reads again each reconcile are
 * new instances of the same bytes, and a merged config of 10,000 clusters is 87 MB to join and
 * hash again. The output stays byte for byte a fresh planner's.
 */
class PlannerKeptJobsMemoTest {
  private static final ScrapeProfile PROFILE = ScrapeProfile.defaultProfile();
  private static final List<GuestCluster> ALL = List.of(
      GuestCluster.of("a", "aws", "https://a.example:6443"),
      GuestCluster.of("b", "aws", "https://b.example:6443"),
      GuestCluster.of("c", "aws", "https://c.example:6443"));

  /** What an observer makes of the files on disk with {@code b} unreadable: new instances. */
  private static Observation bKept(SortedMap<String, DesiredFile> onDisk,
      ControllerSettings settings) {
    SortedMap<ClusterId, DesiredFile> jobs = new TreeMap<>();
    Planner.keptJobs(List.of(ClusterId.of("b")), onDisk, settings).forEach((id, file) ->
        jobs.put(id, DesiredFile.of(file.kind(), file.content()).withMode(file.mode())));
    return new Observation(List.of(ALL.get(0), ALL.get(2)),
        new TreeMap<>(TestCertificates.forAll(ALL)), new TreeMap<>(), List.of(), jobs);
  }

  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void withAClusterKeptAsItIsOnDiskAndNothingChangedThePlanIsTheLastPlanItself(
      OutputMode mode) {
    ControllerSettings settings = ControllerSettings.DEFAULTS.toBuilder().outputMode(mode)
        .build();
    DesiredState written = new Planner(PROFILE, BaseConfig.empty())
        .plan(ALL, TestCertificates.forAll(ALL), settings);
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    DesiredState first = planner.plan(bKept(written.files(), settings), settings);
    assertEquals(written.files(), first.files(), "b keeps its jobs, byte for byte");

    DesiredState next = planner.plan(bKept(first.files(), settings), settings);

    assertSame(first.config(), next.config(), "the config is not joined or hashed again");
    assertSame(first, next, "nothing changed: the last plan is this plan");
  }

  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void keptJobsThatChangedOnDiskAreTakenAsAFreshPlannerTakesThem(OutputMode mode) {
    ControllerSettings settings = ControllerSettings.DEFAULTS.toBuilder().outputMode(mode)
        .build();
    DesiredState written = new Planner(PROFILE, BaseConfig.empty())
        .plan(ALL, TestCertificates.forAll(ALL), settings);
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    DesiredState first = planner.plan(bKept(written.files(), settings), settings);
    Observation observed = bKept(first.files(), settings);
    DesiredFile jobs = observed.keptJobs().get(ClusterId.of("b"));
    String edited = jobs.text().replace("https://b.example:6443", "https://b2.example:6443");
    assertTrue(!edited.equals(jobs.text()), edited);
    Observation changed = new Observation(observed.clusters(), observed.certificates(),
        observed.certificateProblems(), observed.rejections(),
        new TreeMap<>(java.util.Map.of(ClusterId.of("b"),
            DesiredFile.of(jobs.kind(), edited).withMode(jobs.mode()))));

    DesiredState next = planner.plan(changed, settings);

    assertNotSame(first, next);
    DesiredState fresh = new Planner(PROFILE, BaseConfig.empty()).plan(changed, settings);
    assertEquals(fresh, next);
    assertEquals(fresh.hash(), next.hash());
    assertTrue(fresh.files().values().stream().anyMatch(f -> f.kind() != FileKind.CERTIFICATE
        && f.text().contains("b2.example")), "the edit is in the plan");
  }

  /**
   * A cluster whose certificate source fails is listed, planned on the certificate it has on
   * disk, read back as a new bundle at every reconcile: equal to the last one, so its jobs, its
   * certificate files and the merged config are the last plan's, as for any unchanged cluster.
   */
  @Test
  void aClusterWhoseCertificateSourceFailsIsReusedWithTheConfigLikeAnyUnchangedCluster() {
    ControllerSettings settings = ControllerSettings.DEFAULTS;
    Planner planner = new Planner(PROFILE, BaseConfig.empty());
    DesiredState first = planner.plan(ALL, TestCertificates.forAll(ALL), settings);
    List<DesiredState> plans = new java.util.ArrayList<>();
    for (int round = 0; round < 2; round++) {
      CertificatePaths paths = CertificatePaths.of(ClusterId.of("b"), settings);
      CertificateBundle kept = CertificateBundle.fromPem(first.files().get(paths.ca()).text(),
          first.files().get(paths.certificate()).text(),
          Secret.of(first.files().get(paths.key()).text()));
      SortedMap<ClusterId, CertificateBundle> certificates =
          new TreeMap<>(TestCertificates.forAll(ALL));
      certificates.put(ClusterId.of("b"), kept);
      plans.add(planner.plan(new Observation(ALL, certificates, new TreeMap<>(
          java.util.Map.of(ClusterId.of("b"), new Rejection("b", "vault-sealed", "sealed"))),
          List.of()), settings));
    }

    assertSame(first.config(), plans.get(0).config());
    assertSame(plans.get(0), plans.get(1));
  }
}
