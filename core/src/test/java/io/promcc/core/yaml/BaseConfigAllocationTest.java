package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reading a base config costs about what snakeyaml's own reading of the text costs, measured in
 * bytes allocated (which the machine's load does not change, as it changes time). The text was
 * parsed twice, once for where its first document ends and once for its values, and each plain
 * scalar made regular-expression matchers that could only find text: a config of jobs
 * allocated 1.5 times what snakeyaml's load of it allocates (182 bytes a character to 123),
 * now 0.8 times.
 */
class BaseConfigAllocationTest {
  @Test
  void readingABaseConfigAllocatesNoMoreThanSnakeyamlsOwnLoadOfIt() {
    String text = jobs(200_000);
    assertEquals(3, BaseConfig.parse(text, "warm-up.yml").values().size());
    new Load(LoadSettings.builder().build()).loadFromString(text);

    long load = Long.MAX_VALUE;
    long read = Long.MAX_VALUE;
    for (int round = 0; round < 3; round++) { // the least of each: the JIT settled
      load = Math.min(load,
          Allocated.by(() -> new Load(LoadSettings.builder().build()).loadFromString(text)));
      read = Math.min(read, Allocated.by(() -> BaseConfig.parse(text, "b.yml")));
    }

    // 0.8 of it; a fifth more than the load leaves room for the JIT's changes
    assertTrue(read < load + load / 5, "reading the base config allocated "
        + read / text.length() + " bytes a character, snakeyaml's load of it "
        + load / text.length());
  }

  /** A config of about {@code chars} characters: jobs of labels, targets and a relabelling. */
  private static String jobs(int chars) {
    StringBuilder text = new StringBuilder("global:\n  scrape_interval: 30s\n"
        + "  external_labels:\n    region: eu-1\nrule_files: [a.yml]\nscrape_configs:\n");
    for (int i = 0; text.length() < chars; i++) {
      text.append("- job_name: job-").append(i).append("\n  scrape_interval: 15s\n")
          .append("  metrics_path: /metrics\n  scheme: https\n  tls_config:\n")
          .append("    ca_file: /etc/prometheus/ca.pem\n    insecure_skip_verify: false\n")
          .append("  static_configs:\n  - targets: ['host-").append(i).append(":9100']\n")
          .append("    labels:\n");
      for (int label = 0; label < 6; label++) {
        text.append("      label_").append(label).append(": \"value-").append(i).append('-')
            .append(label).append("\"\n");
      }
      text.append("  relabel_configs:\n  - source_labels: [__address__]\n")
          .append("    regex: '(.*):9100'\n    target_label: instance\n");
    }
    return text.toString();
  }
}
