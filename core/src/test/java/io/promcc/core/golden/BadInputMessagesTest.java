package io.promcc.core.golden;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code *.bad.yml} fixture under {@code golden/bad/profile} and
 * {@code golden/bad/base-config} is rejected with exactly the message in the tables below: the
 * subject, the problem count and every problem, in order. A base config is parsed and then
 * planned with no clusters, since duplicate job names and durations are checked on the planned
 * config. Each fixture is loaded under its file name, which the message quotes.
 */
class BadInputMessagesTest {
  private static final String PROFILES = "bad/profile/";
  private static final String BASE_CONFIGS = "bad/base-config/";

  private static final Map<String, String> PROFILE_MESSAGES = new TreeMap<>(Map.ofEntries(
      entry("unknown-field.bad.yml", message(
          "profile \"unknown-field.bad.yml\" is invalid (1 problem)",
          "field \"interval\" not found in job template \"kubelet\"")),
      entry("missing-role.bad.yml", message(
          "profile \"missing-role.bad.yml\" is invalid (1 problem)",
          "missing field \"role\" in job template \"kubelet\"")),
      entry("unknown-target.bad.yml", message(
          "profile \"unknown-target.bad.yml\" is invalid (1 problem)",
          "unknown target \"node-port\" in job template \"kubelet\" "
              + "(one of api-server, node-proxy, pod-proxy, direct, etcd)")),
      entry("bad-regex.bad.yml", message(
          "profile \"bad-regex.bad.yml\" is invalid (1 problem)",
          "invalid regex \"(kube-system|giantswarm\" in relabel_configs[0] of job template "
              + "\"workload\": error parsing regexp: missing closing ): "
              + "`^(?:(kube-system|giantswarm)$`")),
      entry("bad-duration.bad.yml", message(
          "profile \"bad-duration.bad.yml\" is invalid (1 problem)",
          "not a valid duration string: \"30 seconds\" (scrape_interval of job template "
              + "\"kubelet\")")),
      entry("duplicate-job-names.bad.yml", message(
          "profile \"duplicate-job-names.bad.yml\" is invalid (1 problem)",
          "found multiple job templates with name \"kubelet\"")),
      entry("port-on-api-server.bad.yml", message(
          "profile \"port-on-api-server.bad.yml\" is invalid (1 problem)",
          "field \"port\" of job template \"apiserver\" only applies to node-proxy and pod-proxy")),
      entry("remove-without-extends.bad.yml", message(
          "profile \"remove-without-extends.bad.yml\" is invalid (1 problem)",
          "\"remove\" needs \"extends: default\"")),
      entry("unknown-base-profile.bad.yml", message(
          "profile \"unknown-base-profile.bad.yml\" is invalid (1 problem)",
          "unknown base profile \"defaults\" (only \"default\" exists)")),
      entry("non-mapping-root.bad.yml", message(
          "profile \"non-mapping-root.bad.yml\" is invalid (1 problem)",
          "expected a mapping at the top level, found a sequence")),
      entry("invalid-yaml.bad.yml", message(
          "profile \"invalid-yaml.bad.yml\" is invalid (1 problem)",
          "invalid yaml at line 4, column 4: expected <block end>, but found "
              + "'<block mapping start>' (while parsing a block collection at line 2, column 3)")),
      entry("duplicate-key.bad.yml", message(
          "profile \"duplicate-key.bad.yml\" is invalid (1 problem)",
          "invalid yaml at line 5, column 5: found duplicate key role "
              + "(while constructing a mapping at line 2, column 5)")),
      entry("several-problems.bad.yml", message(
          "profile \"several-problems.bad.yml\" is invalid (16 problems)",
          "field \"timeout\" not found in profile",
          "cannot remove job template \"ingress\": not in the base profile",
          "invalid job template name \"Kubelet\" "
              + "(lower-case letters, digits and '-', at most 40 characters)",
          "unknown kubernetes sd role \"nodes\" in job template \"Kubelet\"",
          "port 70000 of job template \"Kubelet\" is out of range",
          "invalid scheme \"ftp\" in job template \"Kubelet\"",
          "scrape timeout \"30s\" greater than scrape interval \"10s\" in job template "
              + "\"Kubelet\"",
          "missing field \"role\" in job template \"apiserver\"",
          "field \"port\" of job template \"apiserver\" only applies to node-proxy and pod-proxy",
          "invalid source label \"bad-label\" in relabel_configs[0] of job template "
              + "\"apiserver\"",
          "invalid regex \"(?!kube-system).*\" in relabel_configs[0] of job template "
              + "\"apiserver\": error parsing regexp: invalid or unsupported Perl syntax: "
              + "`(?!`",
          "invalid regex \"[\" in relabel_configs[1] of job template \"apiserver\": "
              + "error parsing regexp: missing closing ]: `[)$`",
          "relabel configuration for replace action requires 'target_label' value in "
              + "relabel_configs[1] of job template \"apiserver\"",
          "relabel configuration for hashmod requires non-zero modulus in relabel_configs[2] "
              + "of job template \"apiserver\"",
          "found multiple job templates with name \"apiserver\"",
          "jobs[3] must be a mapping"))));

  private static final Map<String, String> BASE_CONFIG_MESSAGES = new TreeMap<>(Map.ofEntries(
      entry("scrape-configs-not-a-list.bad.yml", message(
          "base config \"scrape-configs-not-a-list.bad.yml\" is invalid (1 problem)",
          "\"scrape_configs\" must be a sequence, found a mapping")),
      entry("job-without-job-name.bad.yml", message(
          "base config \"job-without-job-name.bad.yml\" is invalid (1 problem)",
          "scrape_configs[1] must be a mapping with a \"job_name\"")),
      entry("duplicate-unowned-job-names.bad.yml", message(
          "base config \"duplicate-unowned-job-names.bad.yml\" is invalid (1 problem)",
          "found multiple scrape configs with job name \"node\"")),
      entry("bad-global-duration.bad.yml", message(
          "base config \"bad-global-duration.bad.yml\" is invalid (1 problem)",
          "not a valid duration string: \"30 seconds\" (scrape_interval of global config)")),
      entry("invalid-yaml.bad.yml", message(
          "base config \"invalid-yaml.bad.yml\" is invalid (1 problem)",
          "invalid yaml at line 7, column 1: found unexpected end of stream "
              + "(while scanning a quoted scalar at line 4, column 15)")),
      entry("duplicate-key.bad.yml", message(
          "base config \"duplicate-key.bad.yml\" is invalid (1 problem)",
          "invalid yaml at line 3, column 1: found duplicate key global "
              + "(while constructing a mapping at line 1, column 1)")),
      entry("several-problems.bad.yml", message(
          "base config \"several-problems.bad.yml\" is invalid (4 problems)",
          "scrape_configs[1] must be a mapping with a \"job_name\"",
          "scrape_configs[2] must be a mapping with a \"job_name\"",
          "scrape_configs[3] must be a mapping with a \"job_name\"",
          "\"scrape_config_files\" must be a sequence, found a string")),
      entry("several-planning-problems.bad.yml", message(
          "base config \"several-planning-problems.bad.yml\" is invalid (5 problems)",
          "not a valid duration string: \"1 minute\" (evaluation_interval of global config)",
          "scrape timeout greater than scrape interval for global config",
          "not a valid duration string: \"10x\" (scrape_interval of scrape config \"node\")",
          "found multiple scrape configs with job name \"node\"",
          "scrape timeout greater than scrape interval for scrape config \"prometheus\""))));

  static Stream<String> profileFixtures() {
    return PROFILE_MESSAGES.keySet().stream();
  }

  static Stream<String> baseConfigFixtures() {
    return BASE_CONFIG_MESSAGES.keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("profileFixtures")
  void badProfileIsRejectedWithItsExactMessage(String fixture) {
    String yaml = GoldenCases.read(PROFILES + fixture);
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(yaml, fixture));
    assertEquals(PROFILE_MESSAGES.get(fixture), e.getMessage());
    assertEquals("profile \"" + fixture + "\"", e.subject());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baseConfigFixtures")
  void badBaseConfigIsRejectedWithItsExactMessage(String fixture) {
    String yaml = GoldenCases.read(BASE_CONFIGS + fixture);
    ValidationException e = assertThrows(ValidationException.class,
        () -> new Planner(ScrapeProfile.defaultProfile(), BaseConfig.parse(yaml, fixture))
            .plan(List.of(), Map.of(), ControllerSettings.DEFAULTS));
    assertEquals(BASE_CONFIG_MESSAGES.get(fixture), e.getMessage());
  }

  @Test
  void everyProfileFixtureHasAnExpectedMessage() throws IOException {
    assertEquals(PROFILE_MESSAGES.keySet(), fixturesIn(PROFILES));
  }

  @Test
  void everyBaseConfigFixtureHasAnExpectedMessage() throws IOException {
    assertEquals(BASE_CONFIG_MESSAGES.keySet(), fixturesIn(BASE_CONFIGS));
  }

  /** A ValidationException message: the subject line, then one indented line per problem. */
  private static String message(String subjectLine, String... problems) {
    StringBuilder message = new StringBuilder(subjectLine);
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    return message.toString();
  }

  private static Set<String> fixturesIn(String folder) throws IOException {
    URL url = BadInputMessagesTest.class.getResource("/" + GoldenCases.RESOURCE_DIR + "/" + folder);
    if (url == null) {
      throw new IllegalStateException("missing test resource folder " + folder);
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files.map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".bad.yml"))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
