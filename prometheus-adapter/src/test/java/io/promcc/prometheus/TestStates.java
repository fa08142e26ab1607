package io.promcc.prometheus;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.testing.ThrowawayCa;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Desired states built by hand for tests and the benchmark: a {@code prometheus.yml} plus
 * per-cluster certificate files named as the original controller named them
 * ({@code certs/<id>-ca.pem}, {@code -crt.pem}, {@code -key.pem}).
 */
public final class TestStates {
  public static final String CONFIG = "prometheus.yml";

  private TestStates() {}

  /** A state of just {@code config} as the main config file. */
  public static DesiredState of(String config) {
    return of(config, new TreeMap<>());
  }

  /** A state of {@code config} plus {@code otherFiles}. */
  public static DesiredState of(String config, Map<String, DesiredFile> otherFiles) {
    SortedMap<String, DesiredFile> files = new TreeMap<>(otherFiles);
    files.put(CONFIG, DesiredFile.of(FileKind.MAIN_CONFIG, config));
    return new DesiredState(files, CONFIG, List.<ClusterId>of(), List.of());
  }

  /** A config of static jobs, each scraping a closed loopback port. */
  public static String staticJobs(String... jobNames) {
    StringBuilder out = new StringBuilder("global:\n  scrape_interval: 1m\nscrape_configs:\n");
    for (String job : jobNames) {
      out.append("  - job_name: ").append(job).append('\n')
          .append("    static_configs:\n      - targets: ['127.0.0.1:9']\n");
    }
    return out.toString();
  }

  /** The three certificate files of cluster {@code id}. */
  public static SortedMap<String, DesiredFile> certificateFiles(String id,
      ThrowawayCa.Issued bundle) {
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.put(caPath(id), DesiredFile.of(FileKind.CERTIFICATE, bundle.caPem()));
    files.put(certPath(id), DesiredFile.of(FileKind.CERTIFICATE, bundle.certificatePem()));
    files.put(keyPath(id), DesiredFile.of(FileKind.PRIVATE_KEY, bundle.privateKeyPem()));
    return files;
  }

  /**
   * The three certificate files of cluster {@code id} with the key as Vault's PKI returns it by
   * default (SEC1 {@code EC PRIVATE KEY} with the public key, PKCS#1 for RSA).
   */
  public static SortedMap<String, DesiredFile> certificateFilesAsVaultIssues(String id,
      ThrowawayCa.Issued bundle) {
    SortedMap<String, DesiredFile> files = certificateFiles(id, bundle);
    files.put(keyPath(id), DesiredFile.of(FileKind.PRIVATE_KEY, bundle.traditionalKeyPem()));
    return files;
  }

  public static String caPath(String id) {
    return "certs/" + id + "-ca.pem";
  }

  public static String certPath(String id) {
    return "certs/" + id + "-crt.pem";
  }

  public static String keyPath(String id) {
    return "certs/" + id + "-key.pem";
  }

  /** A tls_config block (at {@code indent}) naming the files of cluster {@code id}. */
  public static String tlsConfig(String id, String indent) {
    return indent + "tls_config:\n"
        + indent + "  ca_file: " + caPath(id) + "\n"
        + indent + "  cert_file: " + certPath(id) + "\n"
        + indent + "  key_file: " + keyPath(id) + "\n";
  }

  /**
   * A config shaped like the original controller's: per cluster six jobs with one shared
   * {@code kubernetes_sd_configs} block against {@code https://<id>.example:443}, its TLS files,
   * and relabeling to the API server proxy.
   */
  public static String guestClusterConfig(List<String> clusterIds) {
    String[][] jobs = {{"apiserver", "endpoints"}, {"cadvisor", "node"}, {"kubelet", "node"},
        {"node-exporter", "endpoints"}, {"workload", "endpoints"}, {"kube-proxy", "pod"}};
    StringBuilder out = new StringBuilder(clusterIds.size() * 6 * 700 + 200)
        .append("global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs:\n");
    for (String id : clusterIds) {
      for (String[] job : jobs) {
        out.append("  - job_name: guest-cluster-").append(id).append('-').append(job[0])
            .append("\n    scheme: https\n")
            .append(tlsConfig(id, "    "))
            .append("    kubernetes_sd_configs:\n")
            .append("      - role: ").append(job[1]).append('\n')
            .append("        api_server: https://").append(id).append(".example:443\n")
            .append(tlsConfig(id, "        "))
            .append("    relabel_configs:\n")
            .append("      - target_label: __address__\n")
            .append("        replacement: ").append(id).append(".example:443\n")
            .append("      - source_labels: [__meta_kubernetes_node_name]\n")
            .append("        target_label: __metrics_path__\n")
            .append("        replacement: /api/v1/nodes/${1}:10250/proxy/metrics\n")
            .append("      - target_label: cluster_id\n")
            .append("        replacement: ").append(id).append('\n')
            .append("      - target_label: cluster_type\n")
            .append("        replacement: guest\n");
      }
    }
    return out.toString();
  }
}
