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
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads guest clusters from a YAML list, the format of local mode and of {@code promcc render}:
 *
 * <pre>{@code
 * - id: abc12                         # DNS-1123 label
 *   provider: aws
 *   apiServer: https://master.abc12   # http(s)://host[:port]
 *   labels: {team: storage}           # optional extra target labels: text (a number or
 *                                     # boolean as written), not !!binary, !!set or a collection
 *   etcd: etcd.abc12:2379             # optional: scrape this etcd
 * }</pre>
 *
 * A list of no cluster is written {@code []}; a file of no YAML value (empty, blanks or
 * comments only) is refused, since a write that failed or a mount not there yet leaves one, and
 * so is a null written out ({@code ~}, {@code null}), which a generator leaves for a list it did
 * not find.
 * Thread-safe.
 */
public final class ClusterList {
  private static final Set<String> FIELDS = Set.of("id", "provider", "apiServer", "labels", "etcd");
  /**
   * The problem of a file that holds no YAML value (blanks, comments, a lone {@code ---}), the
   * only problem such a file has.
   */
  public static final String NO_VALUE = "is empty (only blanks or comments, no YAML value); "
      + "a list of no cluster is written []";
  /**
   * The problem of a file that holds a null written out ({@code ~}, {@code null}, a tag or an
   * anchor on nothing), as a generator leaves for a list it did not find: no list either.
   */
  public static final String NULL_VALUE = "is null (~ or null), not a list; a list of no cluster "
      + "is written []";

  private ClusterList() {}

  /**
   * Parses the list.
   *
   * @param source names the file in errors
   * @throws ValidationException listing every problem of every entry (bad values, unknown
   *     fields, duplicate IDs), or for text of no YAML value (empty, blanks or comments only)
   *     or a null: a list of no cluster is written {@code []}
   */
  public static List<GuestCluster> parse(String text, String source) {
    String subject = "clusters file " + Quoting.quote(source);
    Object root = YamlReader.read(text, subject);
    if (root == null) {
      // a truncated file, a failed write, a mount not there yet: no wish for no cluster
      throw new ValidationException(subject,
          List.of(NoValueTexts.holdsNoValue(text, subject) ? NO_VALUE : NULL_VALUE));
    }
    if (!(root instanceof List<?> items)) {
      throw new ValidationException(subject,
          List.of("expected a sequence of clusters, found " + YamlReader.typeName(root)));
    }
    List<String> problems = new ArrayList<>();
    Where where = new Where(text, subject);
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
      int entry = 0;
      for (Map.Entry<?, ?> label : fields.mapping("labels").entrySet()) {
        if (!isText(label.getKey())) {
          problems.add("label names of " + owner + " must be text, found "
              + YamlReader.typeName(label.getKey()) + where.label(i, entry, true));
        } else if (!isText(label.getValue())) {
          problems.add("label " + Quoting.quote(String.valueOf(label.getKey())) + " of " + owner
              + " must have a text value, found " + YamlReader.typeName(label.getValue())
              + where.label(i, entry, false));
        } else if (labels.putIfAbsent(String.valueOf(label.getKey()),
            String.valueOf(label.getValue())) != null) {
          // true and "true" are two keys to YAML, one label name
          problems.add(owner + " repeats label " + Quoting.quote(String.valueOf(label.getKey()))
              + where.label(i, entry, true));
        }
        entry++;
      }
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

  /**
   * Text as a label takes it: a string, or a number or boolean written plainly ({@code yes} as
   * written). Binary data
   * ({@code !!binary}), a set ({@code !!set}) and collections are not: their Java text
   * ({@code [B@1ee0005}) would become the label.
   */
  private static boolean isText(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof GoYamlBool;
  }

  /**
   * Where a label is written, for a problem: the values read carry no position, so the text is
   * composed again (once, and only for a document with such a problem).
   */
  private static final class Where {
    private final String text;
    private final String subject;
    private Node root;

    Where(String text, String subject) {
      this.text = text;
      this.subject = subject;
    }

    /**
     * {@code " at line L, column C"} of the name ({@code key}) or value of the label
     * {@code entry} (in the order written) of cluster {@code index}, or "" if not found.
     */
    String label(int index, int entry, boolean key) {
      if (root == null) {
        root = MergeKeyComposer.compose(YamlReader.composeSettings(subject, false), text)
            .orElse(null);
      }
      if (!(root instanceof SequenceNode list) || index >= list.getValue().size()
          || !(list.getValue().get(index) instanceof MappingNode cluster)) {
        return "";
      }
      for (NodeTuple field : cluster.getValue()) {
        if (field.getKeyNode() instanceof ScalarNode name && name.getValue().equals("labels")
            && field.getValueNode() instanceof MappingNode labels
            && entry < labels.getValue().size()) {
          NodeTuple label = labels.getValue().get(entry);
          return (key ? label.getKeyNode() : label.getValueNode()).getStartMark()
              .map(mark -> " at " + YamlReader.position(mark)).orElse("");
        }
      }
      return "";
    }
  }
}
