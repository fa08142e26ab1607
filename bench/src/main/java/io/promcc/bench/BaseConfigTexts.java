package io.promcc.bench;

/**
 * Base configs of about a given size for {@link YamlReadingSideBySide}: plain jobs, jobs sharing
 * anchored blocks through aliases and merge keys, and jobs of many short labels. Stateless.
 */
final class BaseConfigTexts {
  private BaseConfigTexts() {}

  /** Jobs of six labels, two targets, TLS settings and a relabelling. */
  static String jobs(int chars) {
    StringBuilder text = new StringBuilder("global:\n  scrape_interval: 30s\n"
        + "  external_labels:\n    region: eu-1\nscrape_configs:\n");
    for (int i = 0; text.length() < chars; i++) {
      text.append("- job_name: user-job-").append(i).append('\n')
          .append("  scrape_interval: 15s\n  metrics_path: /metrics\n  scheme: https\n")
          .append("  tls_config:\n    ca_file: /etc/prometheus/ca.pem\n")
          .append("    insecure_skip_verify: false\n  static_configs:\n")
          .append("  - targets: ['host-").append(i).append(".example.com:9100', 'host-")
          .append(i).append("b.example.com:9100']\n    labels:\n");
      for (int label = 0; label < 6; label++) {
        text.append("      label_").append(label).append(": \"value-").append(i).append('-')
            .append(label).append("\"\n");
      }
      text.append("  relabel_configs:\n  - source_labels: [__address__]\n")
          .append("    regex: '(.*):9100'\n    target_label: instance\n    replacement: $1\n");
    }
    return text.toString();
  }

  /** Jobs that take their settings, TLS, labels and relabelling from anchored blocks. */
  static String aliased(int chars) {
    StringBuilder text = new StringBuilder("global:\n  scrape_interval: 30s\n")
        .append("x-defaults: &defaults\n  scrape_interval: 15s\n  metrics_path: /metrics\n")
        .append("  scheme: https\nx-tls: &tls\n  ca_file: /etc/prometheus/ca.pem\n")
        .append("  cert_file: /etc/prometheus/c.pem\n  key_file: /etc/prometheus/k.pem\n")
        .append("x-relabel: &relabel\n- source_labels: [__address__]\n  regex: '(.*):9100'\n")
        .append("  target_label: instance\n  replacement: $1\n- action: labelmap\n")
        .append("  regex: __meta_(.+)\nx-labels: &labels\n");
    for (int label = 0; label < 6; label++) {
      text.append("  label_").append(label).append(": value-").append(label).append('\n');
    }
    text.append("scrape_configs:\n");
    for (int i = 0; text.length() < chars; i++) {
      text.append("- <<: *defaults\n  job_name: user-job-").append(i).append('\n')
          .append("  tls_config: *tls\n  static_configs:\n  - targets: ['host-").append(i)
          .append(".example.com:9100']\n    labels: *labels\n  relabel_configs: *relabel\n");
    }
    return text.toString();
  }

  /** Jobs of one target and 100 short labels each. */
  static String manyLabels(int chars) {
    StringBuilder text = new StringBuilder("scrape_configs:\n");
    for (int i = 0; text.length() < chars; i++) {
      text.append("- job_name: j").append(i)
          .append("\n  static_configs:\n  - targets: [h:1]\n    labels:\n");
      for (int label = 0; label < 100; label++) {
        text.append("      l").append(label).append(": v").append(label).append('\n');
      }
    }
    return text.toString();
  }
}
