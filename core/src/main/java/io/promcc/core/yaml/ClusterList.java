package io.promcc.core.yaml;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads guest clusters from a YAML list, the format of local mode and of {@code promcc render}:
 *
 * <pre>{@code
 * - id: abc12                         # DNS-1123 label
 *   provider: aws
 *   apiServer: https://master.abc12   # http(s)://host[:port]
 *   labels: {team: storage}           # optional extra target labels
 *   etcd: etcd.abc12:2379             # optional: scrape this etcd
 * }</pre>
 *
 * Thread-safe.
 */
public final class ClusterList {
  private static final Set<String> FIELDS = Set.of("id", "provider", "apiServer", "labels", "etcd");

  private ClusterList() {}

  /**
   * Parses the list.
   *
   * @param source names the file in errors
   * @throws ValidationException listing every problem of every entry (bad values, unknown
   *     fields, duplicate IDs)
   */
  public static List<GuestCluster> parse(String text, String source) {
    String subject = "clusters file " + Quoting.quote(source);
    Object root = YamlReader.read(text, subject);
    if (root == null) {
      return List.of();
    }
    if (!(root instanceof List<?> items)) {
      throw new ValidationException(subject,
          List.of("expected a sequence of clusters, found " + YamlReader.typeName(root)));
    }
    List<String> problems = new ArrayList<>();
    List<GuestCluster> clusters = new ArrayList<>();
    Map<String, Integer> firstIndex = new TreeMap<>();
    for (int i = 0; i < items.size(); i++) {
      String owner = "clusters[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> map)) {
        problems.add(owner + " must be a mapping");
        continue;
      }
      Fields fields = new Fields(map, owner, problems);
      fields.rejectUnknown(FIELDS);
      String id = fields.requiredString("id");
      String provider = fields.requiredString("provider");
      String apiServer = fields.requiredString("apiServer");
      String etcd = fields.string("etcd", null);
      Map<String, String> labels = new TreeMap<>();
      fields.mapping("labels").forEach((name, value) -> {
        if (value instanceof Map || value instanceof List || value == null) {
          problems.add("label " + Quoting.quote(String.valueOf(name)) + " of " + owner
              + " must have a text value");
        } else {
          labels.put(String.valueOf(name), String.valueOf(value));
        }
      });
      if (id == null || provider == null || apiServer == null) {
        continue; // reported as missing; the other fields were still checked
      }
      try {
        GuestCluster cluster = new GuestCluster(ClusterId.of(id), provider,
            GuestCluster.parseApiServer(apiServer, id), new TreeMap<>(labels),
            etcd == null ? Optional.empty() : Optional.of(GuestCluster.parseEtcd(etcd, id)));
        Integer first = firstIndex.putIfAbsent(id, i);
        if (first != null) {
          problems.add(owner + " repeats cluster id " + Quoting.quote(id) + " of clusters["
              + first + "]");
        } else {
          clusters.add(cluster);
        }
      } catch (InvalidValueException e) {
        problems.add(owner + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    return clusters;
  }
}
