package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.ScrapeProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for a profile's integer and boolean fields: a template's {@code port} takes the
 * forms promtool 2.53.3 takes for an integer port of Prometheus' own ({@code dns_sd_configs}),
 * and {@code honor_labels} those it takes for a job's, and a {@code scrape_interval} or
 * {@code scrape_timeout} the null forms it takes for a job's. Without promtool this fails when
 * {@code CI=true} and is skipped otherwise.
 */
class ProfileScalarsOracleIT {
  private static final List<String> PORTS = List.of("9100", "0x10", "!!int 0x10", "010",
      "!!int 010", "0o10", "0b101", "1_000", "+8", "08", "1e3", "8.0", "9100.5", "!!float 9100",
      "!!int '0x10'", "'9100'", "!!str 9100", "true", "yes", "0x", ".nan", ".inf", "!!int 08");

  private static final List<String> BOOLEANS = List.of("true", "false", "yes", "Yes", "YES",
      "on", "On", "ON", "y", "Y", "True", "TRUE", "no", "No", "NO", "off", "Off", "OFF", "n", "N",
      "False", "FALSE", "!!bool yes", "!!bool Off", "'yes'", "\"on\"", "!!str yes", "yEs", "oN",
      "1", "~", "Null", "NULL", "null", "'~'", "nULL");

  /** The null forms, each of which Prometheus' YAML gives a duration's decoder or not. */
  private static final List<String> DURATIONS = List.of("1m", "0", "~", "null", "Null", "NULL",
      "!!null Null", "''", "'Null'", "nULL");

  private static Promtool promtool;

  @TempDir Path temp;

  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  @Test
  void aPortTakesTheFormsPromtoolTakesForAnIntegerPort() throws IOException {
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < PORTS.size(); i++) {
      String port = PORTS.get(i);
      String config = "scrape_configs:\n- job_name: x\n  dns_sd_configs:\n"
          + "  - {names: [a.example], type: A, port: " + port + "}\n";
      String profile = "jobs:\n- name: x\n  role: node\n  target: node-proxy\n  port: " + port
          + "\n";
      compare(port, config, profile, "port-" + i, disagreements);
    }
    assertEquals(List.of(), disagreements);
  }

  @Test
  void honorLabelsTakesTheFormsPromtoolTakes() throws IOException {
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < BOOLEANS.size(); i++) {
      String flag = BOOLEANS.get(i);
      String config = "scrape_configs:\n- job_name: x\n  honor_labels: " + flag + "\n"
          + "  static_configs: [{targets: ['h:1']}]\n";
      String profile = "jobs:\n- name: x\n  role: node\n  target: direct\n  honor_labels: "
          + flag + "\n";
      compare(flag, config, profile, "honor-labels-" + i, disagreements);
    }
    assertEquals(List.of(), disagreements);
  }

  @Test
  void aScrapeIntervalOrTimeoutTakesTheNullFormsPromtoolTakes() throws IOException {
    List<String> disagreements = new ArrayList<>();
    for (String field : List.of("scrape_interval", "scrape_timeout")) {
      for (int i = 0; i < DURATIONS.size(); i++) {
        String duration = DURATIONS.get(i);
        String config = "scrape_configs:\n- job_name: x\n  " + field + ": " + duration + "\n"
            + "  static_configs: [{targets: ['h:1']}]\n";
        String profile = "jobs:\n- name: x\n  role: node\n  target: direct\n  " + field
            + ": " + duration + "\n";
        compare(field + ": " + duration, config, profile, field + "-" + i, disagreements);
      }
    }
    assertEquals(List.of(), disagreements);
  }

  private void compare(String value, String config, String profile, String name,
      List<String> disagreements) throws IOException {
    Promtool.Result verdict = promtool.checkText(temp, name + ".yml", config);
    String ours;
    try {
      ScrapeProfile.parse(profile, "p.yml");
      ours = null;
    } catch (ValidationException e) {
      ours = String.join("; ", e.problems());
    }
    if ((verdict.exitCode() == 0) != (ours == null)) {
      disagreements.add(value + ": promtool " + verdict.output().strip().replace('\n', ' ')
          + "; the profile " + (ours == null ? "took it" : "refused it: " + ours));
    }
  }
}
