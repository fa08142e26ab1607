package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class BaseConfigTest {
  private static final String OWNED = "- job_name: guest-cluster-a-apiserver\n";

  @Test
  void emptyBaseConfigRendersOnlyTheGeneratedJobs() {
    assertEquals("{}\n", BaseConfig.empty().render("guest-cluster", "", null));
    assertEquals("scrape_configs:\n" + OWNED,
        BaseConfig.empty().render("guest-cluster", OWNED, null));
    assertEquals("scrape_config_files:\n- scrape_configs/*.yml\n",
        BaseConfig.empty().render("guest-cluster", "", "scrape_configs/*.yml"));
  }

  @Test
  void framesTheOwnedJobsWithWhatRenderPutsAroundThem() {
    assertEquals(new BaseConfig.Frame("", "{}\n"), BaseConfig.empty().frame("gc", false, null));
    assertEquals(new BaseConfig.Frame("scrape_configs:\n", ""),
        BaseConfig.empty().frame("gc", true, null));
    BaseConfig base = BaseConfig.parse("""
        global:
          scrape_interval: 1m
        scrape_configs:
        - job_name: prometheus
        - job_name: gc-old-x
        """, "base.yml");
    String kept = "global:\n  scrape_interval: 1m\nscrape_configs:\n- job_name: prometheus\n";
    assertEquals(new BaseConfig.Frame(kept, ""), base.frame("gc", true, null));
    assertEquals(new BaseConfig.Frame(kept, ""), base.frame("gc", false, null));
    assertEquals(kept + OWNED, base.render("gc", OWNED, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "# only a comment\n", "# one\n\n# two\n", "---\n", "---\n# c\n",
      "{}\n"})
  void emptyDocumentsRenderLikeTheEmptyBaseConfig(String text) {
    BaseConfig base = BaseConfig.parse(text, "base.yml");
    assertEquals("scrape_config_files:\n- s/*.yml\n", base.render("gc", "", "s/*.yml"));
    assertEquals("scrape_configs:\n- job_name: gc-a-x\n",
        base.render("gc", "- job_name: gc-a-x\n", null));
  }

  @Test
  void keepsCommentsOfTheBaseConfig() {
    String text = "# written by hand\nglobal:\n  scrape_interval: 30s # slow on purpose\n";
    String rendered = BaseConfig.parse(text, "base.yml").render("guest-cluster", OWNED, null);
    assertEquals(text + "scrape_configs:\n" + OWNED, rendered);
  }

  @Test
  void dropsOwnedJobsAndKeepsEveryOtherJobInOrder() {
    String text = """
        scrape_configs:
        - job_name: prometheus
        - job_name: guest-cluster-old-apiserver
          static_configs: [{targets: [a]}]
        - job_name: guest-cluster
        - job_name: guest-clusterx
        - job_name: guest-cluster-other-kubelet
        - job_name: my-guest-cluster-x
        """;
    BaseConfig base = BaseConfig.parse(text, "base.yml");
    String rendered = base.render("guest-cluster", OWNED, null);
    assertEquals("""
        scrape_configs:
        - job_name: prometheus
        - job_name: guest-cluster
        - job_name: guest-clusterx
        - job_name: my-guest-cluster-x
        """ + OWNED, rendered);
    assertEquals(List.of("prometheus", "guest-cluster", "guest-clusterx", "my-guest-cluster-x"),
        base.unownedJobs("guest-cluster").stream().map(job -> job.get("job_name")).toList());
  }

  @Test
  void movesScrapeConfigsToTheEndAndKeepsOtherKeysInOrder() {
    String text = """
        scrape_configs:
        - job_name: prometheus
        global:
          scrape_interval: 1m
        x_unknown: {a: [1, 2]}
        """;
    assertEquals("""
        global:
          scrape_interval: 1m
        x_unknown: {a: [1, 2]}
        scrape_configs:
        - job_name: prometheus
        """, BaseConfig.parse(text, "base.yml").render("gc", "", null));
  }

  @Test
  void addsTheScrapeConfigFilesGlobOnce() {
    BaseConfig base = BaseConfig.parse("scrape_config_files:\n- other/*.yml\n", "base.yml");
    String once = base.render("gc", "", "s/*.yml");
    assertEquals("scrape_config_files:\n- other/*.yml\n- s/*.yml\n", once);
    // rendering the output again (it is the next base config) adds nothing
    assertEquals(once, BaseConfig.parse(once, "again.yml").render("gc", "", "s/*.yml"));
  }

  @Test
  void keepsSecretsAsWritten() {
    String text = """
        remote_write:
        - url: https://metrics.example.com/write
          basic_auth:
            username: prometheus
            password: "s3cr:t \\" #1"
          authorization:
            credentials: plain-token
        scrape_configs:
        - job_name: federate
          basic_auth:
            password: '<secret>'
        """;
    String rendered = BaseConfig.parse(text, "base.yml").render("gc", "", null);
    assertEquals(text, rendered);
    Map<?, ?> parsed =
        (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(rendered);
    Map<?, ?> write = (Map<?, ?>) ((List<?>) parsed.get("remote_write")).get(0);
    assertEquals("s3cr:t \" #1", ((Map<?, ?>) write.get("basic_auth")).get("password"));
  }

  @Test
  void keepsFlowStyleAndAnchorsOfKeptJobs() {
    String text = """
        {global: {scrape_interval: 1m}, scrape_configs: [
          {job_name: gc-a-x, tls_config: &tls {ca_file: ca.pem}},
          {job_name: mine, tls_config: *tls}]}
        """;
    String rendered = BaseConfig.parse(text, "base.yml").render("gc", "- job_name: gc-b-y\n", null);
    Map<?, ?> parsed =
        (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(rendered);
    assertEquals(Map.of("scrape_interval", "1m"), parsed.get("global"));
    assertEquals(List.of(Map.of("job_name", "mine", "tls_config", Map.of("ca_file", "ca.pem")),
        Map.of("job_name", "gc-b-y")), parsed.get("scrape_configs"));
  }

  @Test
  void rejectsARootThatIsNotAMapping() {
    assertProblems("- a\n", "expected a mapping at the top level, found a sequence");
    assertProblems("just text\n", "expected a mapping at the top level, found a string");
  }

  @Test
  void rejectsScrapeConfigsThatAreNotASequence() {
    assertProblems("scrape_configs: {job_name: x}\n",
        "\"scrape_configs\" must be a sequence, found a mapping");
  }

  @Test
  void rejectsJobsWithoutJobNameListingEveryOne() {
    assertProblems("scrape_configs:\n- job_name: a\n- static_configs: []\n- just text\n"
            + "scrape_config_files: x\n",
        "scrape_configs[1] must be a mapping with a \"job_name\"",
        "scrape_configs[2] must be a mapping with a \"job_name\"",
        "\"scrape_config_files\" must be a sequence, found a string");
  }

  @Test
  void rejectsInvalidYamlNamingTheFile() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse("a: [1\n", "base.yml"));
    assertEquals("base config \"base.yml\"", e.subject());
    assertEquals(List.of("invalid yaml at line 2, column 1: expected ',' or ']', but got "
        + "<stream end> (while parsing a flow sequence at line 1, column 4)"), e.problems());
  }

  @Test
  void rejectsDuplicateKeys() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse("global: {}\nglobal: {}\n", "base.yml"));
    assertEquals(List.of("invalid yaml at line 2, column 1: found duplicate key global (while "
        + "constructing a mapping at line 1, column 1)"), e.problems());
  }

  private static void assertProblems(String text, String... problems) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse(text, "base.yml"));
    assertEquals(List.of(problems), e.problems());
    StringBuilder message = new StringBuilder("base config \"base.yml\" is invalid (")
        .append(problems.length).append(problems.length == 1 ? " problem)" : " problems)");
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    assertEquals(message.toString(), e.getMessage());
  }
}
