package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.ValidationException;
import io.promcc.core.testing.ModelArbitraries;
import io.promcc.core.testing.TestCertificates;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile text in IDs, labels, providers, endpoints and settings is either rejected by the model
 * with an {@link InvalidValueException} or reaches Prometheus exactly as given: it never adds a
 * key, a job or a file of its own.
 */
class HostileInputTest {
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> JOB_KEYS = Set.of("job_name", "metrics_path", "scheme",
      "kubernetes_sd_configs", "static_configs", "tls_config", "relabel_configs",
      "metric_relabel_configs", "honor_labels", "scrape_interval", "scrape_timeout");
  private static final Set<String> RULE_KEYS = Set.of("source_labels", "separator", "regex",
      "modulus", "target_label", "replacement", "action");
  private static final Planner PLANNER = Planner.withDefaults();

  @Provide
  Arbitrary<String> hostile() {
    return ModelArbitraries.hostileStrings();
  }

  @Provide
  Arbitrary<OutputMode> modes() {
    return Arbitraries.of(OutputMode.class);
  }

  @Property(tries = 200)
  void hostileClusterIdsAreRejectedUnlessTheyAreDnsLabels(@ForAll("hostile") String value) {
    boolean valid = value.length() <= 63 && DNS_1123_LABEL.matcher(value).matches();
    try {
      ClusterId id = ClusterId.of(value);
      assertTrue(valid, () -> "accepted " + id);
      DesiredState state = planOne(GuestCluster.of(value, "aws", "https://api.example.com"),
          OutputMode.PER_CLUSTER_FILES);
      assertTrue(state.files().containsKey("scrape_configs/" + value + ".yml"));
    } catch (InvalidValueException e) {
      assertFalse(valid, () -> "rejected " + value);
      assertReadable(e);
    }
  }

  @Property(tries = 120)
  void hostileLabelValuesComeBackExactlyOrAreRejected(@ForAll("hostile") String value,
      @ForAll("modes") OutputMode mode) {
    GuestCluster cluster;
    try {
      cluster = GuestCluster.of("c1", "aws", "https://api.example.com")
          .withLabels(Map.of("team", value));
    } catch (InvalidValueException e) {
      assertFalse(ModelArbitraries.isPrintableText(value));
      assertReadable(e);
      return;
    }
    DesiredState state = planOne(cluster, mode);
    for (PlannedOutput.Job job : PlannedOutput.jobs(state)) {
      assertSafeJob(job);
      assertEquals(List.of(Map.of("target_label", "team",
              "replacement", value.replace("$", "$$"))),
          rulesSetting(job, "team"), job.name());
      assertEquals(List.of(Map.of("target_label", "cluster_id", "replacement", "c1")),
          rulesSetting(job, "cluster_id"), job.name());
    }
  }

  @Property(tries = 100)
  void hostileProvidersComeBackExactlyOrAreRejected(@ForAll("hostile") String value,
      @ForAll("modes") OutputMode mode) {
    GuestCluster cluster;
    try {
      cluster = GuestCluster.of("c1", value, "https://api.example.com");
    } catch (InvalidValueException e) {
      assertFalse(ModelArbitraries.isPrintableText(value));
      assertReadable(e);
      return;
    }
    for (PlannedOutput.Job job : PlannedOutput.jobs(planOne(cluster, mode))) {
      assertSafeJob(job);
      assertEquals(List.of(Map.of("target_label", "provider",
          "replacement", value.replace("$", "$$"))), rulesSetting(job, "provider"), job.name());
    }
  }

  @Property(tries = 150)
  void hostileLabelNamesAreRejectedUnlessValid(@ForAll("hostile") String name) {
    boolean valid = LABEL_NAME.matcher(name).matches() && !name.startsWith("__");
    try {
      GuestCluster cluster = GuestCluster.of("c1", "aws", "https://api.example.com")
          .withLabels(Map.of(name, "v"));
      assertTrue(valid, () -> "accepted " + cluster);
    } catch (InvalidValueException e) {
      assertFalse(valid, () -> "rejected " + name);
      assertReadable(e);
    }
  }

  @Property(tries = 100)
  void hostileEndpointsAreRejectedOrWrittenExactly(@ForAll("hostile") String host,
      @ForAll("modes") OutputMode mode) {
    GuestCluster cluster;
    try {
      URI apiServer = GuestCluster.parseApiServer("https://" + host + ":6443", "c1");
      cluster = new GuestCluster(ClusterId.of("c1"), "aws", apiServer, ImmutableSortedMap.of(),
          Optional.of(GuestCluster.parseEtcd(host + ":2379", "c1")));
    } catch (InvalidValueException e) {
      assertReadable(e);
      return;
    }
    for (PlannedOutput.Job job : PlannedOutput.jobs(planOne(cluster, mode))) {
      assertSafeJob(job);
      if (job.map().get("kubernetes_sd_configs") instanceof List<?> sds) {
        assertEquals(cluster.apiServer().toString(), ((Map<?, ?>) sds.get(0)).get("api_server"));
        assertEquals(List.of(Map.of("target_label", "__address__",
            "replacement", cluster.apiServerAddress())), rulesSetting(job, "__address__"));
      }
    }
  }

  @Property(tries = 80)
  void hostileSettingsAreRejectedOrWrittenExactly(@ForAll("hostile") String value,
      @ForAll("modes") OutputMode mode) {
    for (int setting = 0; setting < 5; setting++) {
      ControllerSettings.Builder builder = ControllerSettings.builder().outputMode(mode);
      switch (setting) {
        case 0 -> builder.jobPrefix(value);
        case 1 -> builder.certificateDirectory(value);
        case 2 -> builder.scrapeConfigDirectory(value);
        case 3 -> builder.clusterType(value);
        default -> builder.clusterIdLabel(value);
      }
      ControllerSettings settings;
      try {
        settings = builder.build();
      } catch (ValidationException e) {
        assertReadable(e);
        continue;
      }
      GuestCluster cluster = GuestCluster.of("c1", "aws", "https://api.example.com");
      DesiredState state = PLANNER.plan(List.of(cluster), TestCertificates.forAll(List.of(cluster)),
          settings);
      CertificatePaths paths = CertificatePaths.of(cluster.id(), settings);
      for (PlannedOutput.Job job : PlannedOutput.jobs(state)) {
        assertSafeJob(job);
        assertTrue(job.name().startsWith(settings.jobPrefix() + "-c1-"), job.name());
        Map<?, ?> tls = (Map<?, ?>) job.map().get("tls_config");
        assertEquals(paths.key(), job.resolve(tls.get("key_file")));
        assertEquals(List.of(Map.of("target_label", settings.clusterTypeLabel(),
                "replacement", settings.clusterType().replace("$", "$$"))),
            rulesSetting(job, settings.clusterTypeLabel()));
      }
    }
  }

  private static DesiredState planOne(GuestCluster cluster, OutputMode mode) {
    return PLANNER.plan(List.of(cluster), TestCertificates.forAll(List.of(cluster)),
        ControllerSettings.builder().outputMode(mode).build());
  }

  /** The job has only keys the planner writes, and every relabel rule only rule keys. */
  private static void assertSafeJob(PlannedOutput.Job job) {
    assertTrue(JOB_KEYS.containsAll(job.map().keySet()), () -> job.map().keySet().toString());
    for (String key : List.of("relabel_configs", "metric_relabel_configs")) {
      if (job.map().get(key) instanceof List<?> rules) {
        for (Object rule : rules) {
          assertTrue(RULE_KEYS.containsAll(((Map<?, ?>) rule).keySet()), rule::toString);
        }
      }
    }
  }

  private static List<Map<?, ?>> rulesSetting(PlannedOutput.Job job, String label) {
    List<Map<?, ?>> rules = new ArrayList<>();
    for (Object rule : (List<?>) job.map().get("relabel_configs")) {
      Map<?, ?> map = (Map<?, ?>) rule;
      if (label.equals(map.get("target_label")) && !map.containsKey("source_labels")) {
        rules.add(map);
      }
    }
    return rules;
  }

  /** An error message about hostile input is one short line, whatever the input. */
  /** Each problem is one readable line; the message puts each on a line of its own. */
  static void assertReadable(ValidationException e) {
    e.problems().forEach(HostileInputTest::assertReadableLine);
  }

  static void assertReadable(InvalidValueException e) {
    assertReadableLine(e.getMessage());
  }

  private static void assertReadableLine(String message) {
    assertTrue(message.length() < 400, () -> "message too long: " + message.length());
    assertTrue(message.chars().noneMatch(c -> c == '\n' || c == '\r' || c == '\u0085'
        || c == '\u2028' || c == '\u2029' || Character.isSurrogate((char) c)
        && !validPairAt(message, message.indexOf(c))), () -> "unescaped in " + message);
  }

  private static boolean validPairAt(String text, int index) {
    return Character.isHighSurrogate(text.charAt(index)) && index + 1 < text.length()
        && Character.isLowSurrogate(text.charAt(index + 1))
        || Character.isLowSurrogate(text.charAt(index)) && index > 0
        && Character.isHighSurrogate(text.charAt(index - 1));
  }
}
