package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.HostAndPort;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.LabelNames;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Quoting;
import io.promcc.core.yaml.BaseConfig;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The arbitraries yield what their Javadoc promises, edge cases included. */
class ModelArbitrariesTest {
  /** Fixed, so that each run draws what the last one drew; its samples hold every case asked. */
  private static final String SEED = "20261206";

  private static <T> List<T> sample(Arbitrary<T> arbitrary, int count) {
    return arbitrary.sampleStream().limit(count).toList();
  }

  private static <T> void assertSome(List<T> values, String what, Predicate<T> predicate) {
    assertTrue(values.stream().anyMatch(predicate), () -> "no " + what + " among " + values.size());
  }

  /**
   * Outside a property, jqwik draws samples from a random it seeds with the clock: each run drew
   * other values, and a draw that missed a case could not be drawn again. Each test is a property
   * of one try with a fixed seed, whose random the samples are drawn from.
   */
  @Test
  void everyTestDrawsFromAFixedSeed() {
    List<String> unseeded = Arrays.stream(ModelArbitrariesTest.class.getDeclaredMethods())
        .filter(method -> method.isAnnotationPresent(Test.class)
            ? !method.getName().equals("everyTestDrawsFromAFixedSeed")
            : method.isAnnotationPresent(Property.class)
                && method.getAnnotation(Property.class).seed().isEmpty())
        .map(Method::getName).sorted().toList();
    assertEquals(List.of(), unseeded, "tests that draw from an unseeded random");
  }
  @Property(tries = 1, seed = SEED)
  void apiServersIncludeTheServiceSourcesShapeWithADigitLedLastLabel() {
    List<URI> servers = sample(ModelArbitraries.apiServers(), 2000);
    assertSome(servers, "master.<id> whose last label URI cannot read",
        uri -> uri.getHost() == null && uri.getRawAuthority().startsWith("master."));
    servers.forEach(uri -> GuestCluster.of("c1", "aws", uri.toString()));
  }

  /**
   * Host names are case-insensitive and the model keeps them as written, so upper- and
   * mixed-case hosts must be among the inputs, also of the {@code master.<id>} shape.
   */
  @Property(tries = 1, seed = SEED)
  void apiServersIncludeUpperCaseHostsWhichTheModelKeepsAsWritten() {
    List<URI> servers = sample(ModelArbitraries.apiServers(), 2000);
    assertSome(servers, "upper-case host", uri -> hasUpperCase(uri.getRawAuthority()));
    assertSome(servers, "upper-case master.<id> whose last label URI cannot read",
        uri -> uri.getHost() == null && hasUpperCase(uri.getRawAuthority()));
    assertSome(servers, "lower-case host", uri -> !hasUpperCase(uri.getRawAuthority()));
    servers.forEach(uri -> assertEquals(uri.toString(),
        GuestCluster.of("c1", "aws", uri.toString()).apiServer().toString()));
  }

  /** As for API servers: upper- and mixed-case etcd hosts, which the model keeps as written. */
  @Property(tries = 1, seed = SEED)
  void etcdEndpointsIncludeUpperCaseHostsWhichTheModelKeepsAsWritten() {
    List<HostAndPort> endpoints = sample(ModelArbitraries.etcdEndpoints(), 2000);
    assertSome(endpoints, "upper-case host", endpoint -> hasUpperCase(endpoint.getHost()));
    assertSome(endpoints, "capitalised host name",
        endpoint -> endpoint.getHost().startsWith("Etcd."));
    assertSome(endpoints, "upper-case IPv6 address",
        endpoint -> endpoint.getHost().equals("FD00::E7CD:2"));
    assertSome(endpoints, "lower-case host", endpoint -> !hasUpperCase(endpoint.getHost()));
    endpoints.forEach(endpoint -> assertEquals(endpoint.toString(), GuestCluster.of("c1", "aws",
        "https://c1.example").withEtcd(endpoint.toString()).etcd().orElseThrow().toString()));
  }

  private static boolean hasUpperCase(String text) {
    return !text.equals(text.toLowerCase(Locale.ROOT));
  }


  @Property(tries = 1, seed = SEED)
  void clusterIdsCoverTheDnsLabelEdgeCases() {
    List<String> ids = sample(ModelArbitraries.clusterIdValues(), 2000);
    ids.forEach(id -> assertTrue(id.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), id));
    assertSome(ids, "1-character id", id -> id.length() == 1);
    assertSome(ids, "63-character id", id -> id.length() == 63);
    assertSome(ids, "digits-only id",
        id -> id.length() > 1 && id.chars().allMatch(Character::isDigit));
    assertSome(ids, "id with an inner hyphen", id -> id.contains("-"));
  }

  @Property(tries = 1, seed = SEED)
  void clusterListsHaveDistinctIdsAndTheAskedSize() {
    for (List<GuestCluster> clusters : sample(ModelArbitraries.guestClusterLists(2, 5), 100)) {
      assertTrue(clusters.size() >= 2 && clusters.size() <= 5, clusters::toString);
      assertEquals(clusters.size(), new HashSet<>(clusters.stream().map(GuestCluster::id).toList())
          .size());
    }
  }

  @Property(tries = 1, seed = SEED)
  void clustersMixSchemesPortsLabelsAndEtcd() {
    List<GuestCluster> clusters = sample(ModelArbitraries.guestClusters(), 500);
    assertSome(clusters, "http api server", c -> c.apiServer().getScheme().equals("http"));
    assertSome(clusters, "https api server", c -> c.apiServer().getScheme().equals("https"));
    assertSome(clusters, "api server without port", c -> c.apiServer().getPort() < 0);
    assertSome(clusters, "api server with port", c -> c.apiServer().getPort() > 0);
    assertSome(clusters, "cluster with etcd", c -> c.etcd().isPresent());
    assertSome(clusters, "cluster without etcd", c -> c.etcd().isEmpty());
    assertSome(clusters, "cluster with labels", c -> !c.labels().isEmpty());
    assertSome(clusters, "label value with $", c -> c.labels().values().stream()
        .anyMatch(value -> value.contains("$")));
  }

  @Property(tries = 1, seed = SEED)
  void labelValuesAreValidButHostile() {
    List<String> values = sample(ModelArbitraries.labelValues(), 1000);
    values.forEach(value -> assertTrue(ModelArbitraries.isPrintableText(value), value));
    assertSome(values, "value with a capture group reference", value -> value.contains("${1}"));
    assertSome(values, "value with ': '", value -> value.contains(": "));
    assertSome(values, "value with a quote", value -> value.contains("\""));
    assertSome(values, "astral-plane value",
        value -> value.codePoints().anyMatch(cp -> cp > 0xffff));
    assertSome(values, "1024-character value", value -> value.length() == 1024);
  }

  @Property(tries = 1, seed = SEED)
  void labelNamesAreValidAndNeverTheControllersOwn() {
    List<String> names = sample(ModelArbitraries.labelNames(), 1000);
    for (String name : names) {
      assertTrue(LabelNames.isValidTargetLabel(name), name);
      assertFalse(ModelArbitraries.SETTINGS_LABEL_NAMES.contains(name), name);
      assertFalse(ModelArbitraries.TARGET_LABEL_NAMES.contains(name), name);
      assertTrue(LabelNames.seriesLabelProblem(name).isEmpty(), name);
    }
    assertSome(names, "name that differs from le only in case", name -> name.equals("Le"));
  }

  @Property(tries = 1, seed = SEED)
  void settingsCoverBothModesAndNestedConfigFiles() {
    List<ControllerSettings> settings = sample(ModelArbitraries.controllerSettings(), 300);
    assertSome(settings, "merged mode", s -> s.outputMode() == OutputMode.MERGED);
    assertSome(settings, "per-cluster mode", s -> s.outputMode() == OutputMode.PER_CLUSTER_FILES);
    assertSome(settings, "nested config file",
        s -> s.configFileName().equals("prom/prometheus.yml"));
    assertSome(settings, "other job prefix", s -> !s.jobPrefix().equals("guest-cluster"));
    settings.forEach(s -> assertTrue(ModelArbitraries.SETTINGS_LABEL_NAMES.containsAll(
        Set.of(s.clusterIdLabel(), s.clusterTypeLabel(), s.providerLabel())), s::toString));
  }

  @Property(tries = 1, seed = SEED)
  void baseConfigsParseAndHoldSecretsCommentsAndOwnedJobs() {
    List<String> configs = sample(ModelArbitraries.baseConfigs("gc"), 300);
    configs.forEach(text -> BaseConfig.parse(text, "base.yml"));
    assertSome(configs, "password", text -> text.contains("password: "));
    assertSome(configs, "comment", text -> text.contains("# "));
    assertSome(configs, "owned job", text -> text.contains("job_name: \"gc-"));
    assertSome(configs, "unowned job", text -> text.contains("job_name: \"prometheus\""));
    assertSome(configs, "global block", text -> text.contains("global:"));
    assertSome(configs, "unknown key", text -> text.contains("x_vendor_extension:"));
    List<String> known = sample(ModelArbitraries.prometheusBaseConfigs("gc"), 300);
    known.forEach(text -> assertFalse(text.contains("x_vendor_extension"), text));
    assertSome(known, "password", text -> text.contains("password: "));
  }

  /**
   * The jobs a base config holds as unowned are not owned under its prefix, also for a prefix
   * without letters ("42"), whose upper-case look-alike is itself; the owned ones end in
   * "-apiserver".
   */
  @Property(tries = 1, seed = SEED)
  void baseConfigsUnownedJobsAreNotOwnedWhateverThePrefix() {
    for (String prefix : List.of("gc", "42", "0", "1-2")) {
      for (String text : sample(ModelArbitraries.baseConfigs(prefix), 200)) {
        if (BaseConfig.parse(text, "base.yml").values().get("scrape_configs")
            instanceof List<?> jobs) {
          for (Object job : jobs) {
            String name = String.valueOf(((java.util.Map<?, ?>) job).get("job_name"));
            assertTrue(name.endsWith("-apiserver") || !BaseConfig.isOwned(name, prefix),
                "job " + name + " was generated as unowned, but prefix " + prefix + " owns it");
          }
        }
      }
    }
  }

  @Property(tries = 1, seed = SEED)
  void hostileStringsCoverEveryCategory() {
    List<String> values = sample(ModelArbitraries.hostileStrings(), 3000);
    for (String needle : List.of("\n", "\"", "../", ": ", "{", "#", "$1", "${1}", "\u0000",
        "\u2028", "\u202e", "\ud83d\udd25")) {
      assertSome(values, Quoting.quote(needle), value -> value.contains(needle));
    }
    assertSome(values, "lone surrogate", ModelArbitrariesTest::hasLoneSurrogate);
    assertSome(values, "10,000-character string", value -> value.length() >= 9_990);
    assertSome(values, "empty string", String::isEmpty);
  }

  private static boolean hasLoneSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
