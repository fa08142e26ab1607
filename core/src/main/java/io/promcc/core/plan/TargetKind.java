package io.promcc.core.plan;

import java.util.Arrays;
import java.util.Optional;

/** How a job reaches what it scrapes inside a guest cluster. */
public enum TargetKind {
  /** The guest API server itself ({@code __address__} becomes the API server). */
  API_SERVER("api-server"),
  /**
   * A node's port through the API server's node proxy
   * ({@code /api/v1/nodes/<node>:<port>/proxy}).
   */
  NODE_PROXY("node-proxy"),
  /** A pod's port through the API server's pod proxy. */
  POD_PROXY("pod-proxy"),
  /** The discovered address, scraped directly (needs a route from the host into the guest). */
  DIRECT("direct"),
  /** The cluster's etcd endpoint as a static target; the job exists only where one is set. */
  ETCD("etcd");

  private final String yamlName;

  TargetKind(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name used in profile files. */
  public String yamlName() {
    return yamlName;
  }

  static Optional<TargetKind> fromYaml(String name) {
    return Arrays.stream(values()).filter(kind -> kind.yamlName.equals(name)).findFirst();
  }

  static String allNames() {
    return String.join(", ", Arrays.stream(values()).map(TargetKind::yamlName).toList());
  }
}
