package io.promcc.core.plan;

import static java.util.stream.Collectors.toCollection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.promcc.core.testing.ModelArbitraries;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link Planner} over generated clusters, settings and base configs. */
class PlannerPropertyTest {
  private static final ScrapeProfile PROFILE = ScrapeProfile.defaultProfile();

  /**
   * One planning input: settings, base config text, clusters and which of them have a
   * certificate.
   */
  record PlanInput(ControllerSettings settings, String baseConfig, List<GuestCluster> clusters,
      Set<ClusterId> certified) {
    Map<ClusterId, CertificateBundle> certificates() {
      Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
      certified.forEach(id -> certificates.put(id, TestCertificates.bundle()));
      return certificates;
    }

    Planner planner() {
      return new Planner(PROFILE, BaseConfig.parse(baseConfig, "base.yml"));
    }

    DesiredState plan() {
      return planner().plan(clusters, certificates(), settings);
    }
  }

  @Provide
  Arbitrary<PlanInput> inputs() {
    return ModelArbitraries.controllerSettings().flatMap(settings -> Combinators.combine(
            ModelArbitraries.baseConfigs(settings.jobPrefix()),
            ModelArbitraries.guestClusterLists(0, 6))
        .flatAs((base, clusters) -> Arbitraries.subsetOf(clusters.stream().map(GuestCluster::id)
                .toList())
            .map(certified -> new PlanInput(settings, base, clusters, new TreeSet<>(certified)))));
  }

  @Property(tries = 40)
  void sameClustersInAnyOrderGiveByteIdenticalOutput(@ForAll("inputs") PlanInput input,
      @ForAll Random random) {
    DesiredState first = input.plan();
    List<GuestCluster> shuffled = new ArrayList<>(input.clusters());
    Collections.shuffle(shuffled, random);
    // a hash map iterates in another order than the tree map the first plan saw
    Map<ClusterId, CertificateBundle> certificates = new HashMap<>(input.certificates());
    DesiredState second = input.planner().plan(shuffled, certificates, input.settings());

    assertEquals(first, second);
    assertEquals(first.hash(), second.hash());
    assertEquals(first.files().keySet(), second.files().keySet());
    first.files().forEach((path, file) ->
        assertTrue(file.contentEquals(second.files().get(path).content()), path));
  }

  @Property(tries = 40)
  void sameInputGivesTheSameOutputInBothOutputModes(@ForAll("inputs") PlanInput input) {
    for (OutputMode mode : OutputMode.values()) {
      ControllerSettings settings = input.settings().toBuilder().outputMode(mode).build();
      DesiredState first = input.planner().plan(input.clusters(), input.certificates(), settings);
      List<GuestCluster> reversed = new ArrayList<>(input.clusters());
      Collections.reverse(reversed);
      DesiredState second = input.planner().plan(reversed, input.certificates(), settings);
      assertEquals(first, second);
      assertEquals(first.hash(), second.hash());
    }
  }

  @Property(tries = 40)
  void jobNamesAreUnique(@ForAll("inputs") PlanInput input) {
    List<String> names = PlannedOutput.jobs(input.plan()).stream()
        .map(PlannedOutput.Job::name).toList();
    assertEquals(names.size(), new HashSet<>(names).size(), () -> "duplicates in " + names);
  }

  @Property(tries = 40)
  void everyCertifiedClusterHasAllItsJobsAndOnlyItsOwnFiles(@ForAll("inputs") PlanInput input) {
    ControllerSettings settings = input.settings();
    DesiredState state = input.plan();
    Map<String, PlannedOutput.Job> jobsByName = new LinkedHashMap<>();
    PlannedOutput.jobs(state).forEach(job -> jobsByName.put(job.name(), job));

    assertEquals(List.copyOf(input.certified()), state.clusters());
    Set<String> ownedNames = new TreeSet<>();
    for (GuestCluster cluster : input.clusters()) {
      List<String> expected = expectedJobNames(cluster, settings);
      CertificatePaths certificates = CertificatePaths.of(cluster.id(), settings);
      Set<String> clusterFiles = Set.of(certificates.ca(), certificates.certificate(),
          certificates.key(), scrapeFile(cluster, settings));
      if (!input.certified().contains(cluster.id())) {
        expected.forEach(name -> assertFalse(jobsByName.containsKey(name), name));
        clusterFiles.forEach(path -> assertFalse(state.files().containsKey(path), path));
        assertTrue(state.rejections().contains(new Rejection(cluster.id().value(),
            "certificate-missing", "no client certificate for cluster \"" + cluster.id() + "\"")),
            () -> state.rejections().toString());
        continue;
      }
      ownedNames.addAll(expected);
      assertEquals(FileKind.CERTIFICATE, state.files().get(certificates.ca()).kind());
      assertEquals(FileKind.CERTIFICATE, state.files().get(certificates.certificate()).kind());
      DesiredFile key = state.files().get(certificates.key());
      assertEquals(FileKind.PRIVATE_KEY, key.kind());
      assertEquals(settings.privateKeyMode(), key.mode());
      assertEquals(settings.outputMode() == OutputMode.PER_CLUSTER_FILES,
          state.files().containsKey(scrapeFile(cluster, settings)));
      for (String name : expected) {
        PlannedOutput.Job job = jobsByName.get(name);
        assertTrue(job != null, () -> "missing job " + name + " in " + jobsByName.keySet());
        assertOnlyOwnFiles(job, cluster, certificates);
      }
    }
    assertEquals(input.certified().size(), state.files().values().stream()
        .filter(file -> file.kind() == FileKind.PRIVATE_KEY).count());
    Set<String> plannedOwned = jobsByName.keySet().stream()
        .filter(name -> BaseConfig.isOwned(name, settings.jobPrefix()))
        .collect(toCollection(TreeSet::new));
    // also: the base config's owned jobs are gone unless a current cluster makes them again
    assertEquals(ownedNames, plannedOwned);
    Set<String> rejected = new TreeSet<>();
    state.rejections().forEach(rejection -> rejected.add(rejection.subject()));
    assertEquals(input.clusters().size() - input.certified().size(), rejected.size());
  }

  @Property(tries = 30)
  void ownedJobsOfRemovedClustersDisappear(@ForAll("inputs") PlanInput input,
      @ForAll Random random) {
    DesiredState before = input.plan();
    List<GuestCluster> kept = new ArrayList<>();
    List<GuestCluster> removed = new ArrayList<>();
    input.clusters().forEach(cluster -> (random.nextBoolean() ? kept : removed).add(cluster));
    // the previous output, owned jobs included, is the base config of the next plan
    BaseConfig previous = BaseConfig.parse(before.config().text(), "previous.yml");
    DesiredState after = new Planner(PROFILE, previous)
        .plan(kept, input.certificates(), input.settings());

    Set<String> names = new HashSet<>();
    PlannedOutput.jobs(after).forEach(job -> names.add(job.name()));
    for (GuestCluster cluster : removed) {
      for (String name : expectedJobNames(cluster, input.settings())) {
        assertFalse(names.contains(name), name);
      }
    }
    Set<String> removedFiles = new TreeSet<>(before.files().keySet());
    removedFiles.removeAll(after.files().keySet());
    Set<String> expectedRemoved = new TreeSet<>();
    for (GuestCluster cluster : removed) {
      if (input.certified().contains(cluster.id())) {
        CertificatePaths paths = CertificatePaths.of(cluster.id(), input.settings());
        expectedRemoved.addAll(List.of(paths.ca(), paths.certificate(), paths.key()));
        if (input.settings().outputMode() == OutputMode.PER_CLUSTER_FILES) {
          expectedRemoved.add(scrapeFile(cluster, input.settings()));
        }
      }
    }
    assertEquals(expectedRemoved, removedFiles);
    FileDiff diff = FileDiff.between(after, before.files());
    assertEquals(expectedRemoved, new TreeSet<>(diff.deletes()));
    // config files go before the certificates they name
    List<String> kinds = diff.deletes().stream()
        .map(p -> before.files().get(p).kind().isConfig() ? "config" : "certificate").toList();
    assertEquals(kinds.stream().sorted(java.util.Comparator.reverseOrder()).toList(), kinds);
  }

  @Property(tries = 40)
  void unownedJobsAndBaseConfigKeysSurviveTheMerge(@ForAll("inputs") PlanInput input) {
    ControllerSettings settings = input.settings();
    Map<String, Object> base = PlannedOutput.loadMapping(input.baseConfig());
    Map<String, Object> output = PlannedOutput.mainConfig(input.plan());

    Map<String, Object> baseKeys = new TreeMap<>(base);
    baseKeys.remove("scrape_configs");
    Map<String, Object> outputKeys = new TreeMap<>(output);
    outputKeys.remove("scrape_configs");
    if (settings.outputMode() == OutputMode.PER_CLUSTER_FILES) {
      String glob = RelativePaths.relativize(PlannedOutput.parent(settings.configFileName()),
          settings.scrapeConfigDirectory() + "/*.yml");
      assertEquals(List.of(glob), outputKeys.remove("scrape_config_files"));
    }
    assertEquals(baseKeys, outputKeys);

    List<Object> unownedBefore = unowned(base.get("scrape_configs"), settings.jobPrefix());
    List<Object> unownedAfter = unowned(output.get("scrape_configs"), settings.jobPrefix());
    assertEquals(unownedBefore, unownedAfter);
  }

  /**
   * Planning on the previous output as base config gives the same configuration, and from the
   * second round on the same bytes: a comment written above an owned job belongs to that job's
   * node and goes with it, which is the only change the first round may make.
   */
  @Property(tries = 30)
  void planningAgainOnItsOwnOutputChangesNothing(@ForAll("inputs") PlanInput input) {
    DesiredState first = input.plan();
    DesiredState second = replan(first, input);
    DesiredState third = replan(second, input);
    assertEquals(PlannedOutput.mainConfig(first), PlannedOutput.mainConfig(second));
    assertEquals(second.config().text(), third.config().text());
    assertEquals(second.hash(), third.hash());
  }

  private static DesiredState replan(DesiredState previous, PlanInput input) {
    return new Planner(PROFILE, BaseConfig.parse(previous.config().text(), "previous.yml"))
        .plan(input.clusters(), input.certificates(), input.settings());
  }

  /**
   * A planned cluster that is present but unreadable, planned on its jobs and certificate as the
   * plan left them on disk, gives the very files it had when it was listed, in both output
   * modes; so does a second plan of the same planner (its memo), and once the cluster is gone
   * for good its files go with it.
   */
  @Property(tries = 40)
  void aClusterKeptAsItIsOnDiskPlansTheFilesItHadWhenListed(
      @ForAll("inputs") PlanInput input, @ForAll Random random) {
    DesiredState listed = input.plan();
    if (listed.clusters().isEmpty()) {
      return;
    }
    ClusterId id = listed.clusters().get(random.nextInt(listed.clusters().size()));
    SortedMap<ClusterId, DesiredFile> jobs =
        Planner.keptJobs(List.of(id), listed.files(), input.settings());
    assertEquals(Set.of(id), jobs.keySet(), "the jobs of " + id + " are found on disk");
    List<GuestCluster> others = input.clusters().stream().filter(c -> !c.id().equals(id))
        .toList();
    Observation unreadable = new Observation(others, new TreeMap<>(input.certificates()),
        new TreeMap<>(), List.of(), jobs);
    Planner planner = input.planner();
    planner.plan(others, input.certificates(), input.settings()); // a memo without it

    for (int round = 0; round < 2; round++) {
      DesiredState kept = planner.plan(unreadable, input.settings());
      assertEquals(listed.files(), kept.files(), "round " + round);
      assertEquals(listed.config().text(), kept.config().text());
      assertEquals(listed.clusters(), kept.clusters());
      assertEquals(listed.rejections(), kept.rejections());
    }
    DesiredState gone = planner.plan(others, input.certificates(), input.settings());
    assertEquals(input.planner().plan(others, input.certificates(), input.settings()).files(),
        gone.files(), "its files go once it is gone");
    CertificatePaths certificates = CertificatePaths.of(id, input.settings());
    Set<String> itsFiles = new HashSet<>(
        Set.of(certificates.ca(), certificates.certificate(), certificates.key()));
    if (input.settings().outputMode() == OutputMode.PER_CLUSTER_FILES) {
      itsFiles.add(input.settings().scrapeConfigDirectory() + "/" + id.value() + ".yml");
    }
    assertTrue(gone.files().keySet().stream().noneMatch(itsFiles::contains));
  }

  @Property(tries = 40)
  void everyConfigFileParsesAsYaml(@ForAll("inputs") PlanInput input) {
    DesiredState state = input.plan();
    state.files().forEach((path, file) -> {
      if (file.kind().isConfig()) {
        Object parsed = PlannedOutput.load(file.text());
        if (file.kind() == FileKind.SCRAPE_CONFIG) {
          Map<?, ?> map = assertInstanceOf(Map.class, parsed, path);
          assertEquals(Set.of("scrape_configs"), map.keySet(), path);
        } else {
          assertInstanceOf(Map.class, parsed, path);
        }
      }
    });
  }

  private static List<Object> unowned(Object jobs, String prefix) {
    List<Object> kept = new ArrayList<>();
    if (jobs instanceof List<?> list) {
      for (Object job : list) {
        if (!BaseConfig.isOwned((String) ((Map<?, ?>) job).get("job_name"), prefix)) {
          kept.add(job);
        }
      }
    }
    return kept;
  }

  private static void assertOnlyOwnFiles(PlannedOutput.Job job, GuestCluster cluster,
      CertificatePaths paths) {
    Map<?, ?> tls = (Map<?, ?>) job.map().get("tls_config");
    assertEquals(paths.ca(), job.resolve(tls.get("ca_file")), job.name());
    assertEquals(paths.certificate(), job.resolve(tls.get("cert_file")), job.name());
    assertEquals(paths.key(), job.resolve(tls.get("key_file")), job.name());
    if (job.map().get("kubernetes_sd_configs") instanceof List<?> sds) {
      for (Object sd : sds) {
        Map<?, ?> map = (Map<?, ?>) sd;
        assertEquals(cluster.apiServer().toString(), map.get("api_server"), job.name());
        assertEquals(tls, map.get("tls_config"), job.name());
      }
    } else {
      Map<?, ?> targets = (Map<?, ?>) ((List<?>) job.map().get("static_configs")).get(0);
      assertEquals(List.of(cluster.etcd().orElseThrow().toString()), targets.get("targets"));
    }
  }

  static List<String> expectedJobNames(GuestCluster cluster, ControllerSettings settings) {
    List<String> names = new ArrayList<>();
    // the default's system templates share one job: <prefix>-<cluster>-system
    for (SharedJobs.Unit unit : SharedJobs.units(PROFILE.jobs())) {
      if (unit.first().target() != TargetKind.ETCD || cluster.etcd().isPresent()) {
        names.add(settings.jobPrefix() + "-" + cluster.id().value() + "-" + unit.name());
      }
    }
    return names;
  }

  static String scrapeFile(GuestCluster cluster, ControllerSettings settings) {
    return settings.scrapeConfigDirectory() + "/" + cluster.id().value() + ".yml";
  }
}
