package io.promcc.core.yaml;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Refuses a composed document as Prometheus' YAML (go-yaml v2) refuses one that "contains
 * excessive aliasing": it counts each value it decodes, and those it decodes through an alias,
 * and refuses the document once more than 100 of over 1,000 come from aliases and their share
 * passes 99 % (up to 400,000 values), falling to 10 % at 4,000,000 values and past. The values
 * are counted here as go-yaml v2 decodes them, in the order of the text (a key, then its value;
 * an alias as one value, then each value of the collection it names, as an alias's; the
 * mappings of a merge key's list from the last), but each
 * once, where Prometheus' own decoders read some twice (a label name, a block with its own
 * checks): Prometheus refuses a document with somewhat less aliasing (a mapping of 1,000 labels
 * refused in 117 jobs, here in 199). Checked before the document is constructed, so no alias's
 * collection is walked or merged ({@code <<}) more than this allows: what promcc reads grows at
 * most to a bounded multiple of the text. Not thread-safe: one document per instance.
 */
final class AliasRatio {
  private static final long RANGE_LOW = 400_000;
  private static final long RANGE_HIGH = 4_000_000;

  /** The values decoded for each anchored node, aliases within it followed. */
  private final Map<Node, Long> anchored = new IdentityHashMap<>();
  private long decoded;
  private long aliased;
  /** The anchor of the last alias counted, to name in a refusal. */
  private String lastAlias = "";

  private AliasRatio() {}

  /**
   * Refuses {@code root} if go-yaml v2 would decode so many of its values through aliases.
   *
   * @throws ComposerException if it would
   */
  static void check(Node root) {
    AliasRatio ratio = new AliasRatio();
    ratio.decoded = 1; // the document itself
    ratio.walk(root);
  }

  /** Counts {@code node} where it stands in the text: its values, or an alias of it. */
  private void walk(Node node) {
    Long named = node.getAnchor().isPresent() ? anchored.get(node) : null;
    if (named != null) {
      // an alias: one value, then the collection (or value) it names, as an alias's
      decoded += 1 + named;
      aliased += named;
      lastAlias = node.getAnchor().map(Anchor::getValue).orElseThrow();
      refuseExcessive();
      return;
    }
    long start = decoded;
    decoded++;
    refuseExcessive();
    if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(this::walk);
    } else if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (isMergeKey(tuple.getKeyNode())) {
          // go-yaml v2 decodes no merge key, and the maps of a list of them, not the list,
          // from the last to the first (the earlier take precedence)
          Node merged = tuple.getValueNode();
          if (merged instanceof SequenceNode list && !anchored.containsKey(list)) {
            long listStart = decoded;
            for (int i = list.getValue().size() - 1; i >= 0; i--) {
              walk(list.getValue().get(i));
            }
            if (list.getAnchor().isPresent()) {
              // an alias of it elsewhere decodes the list too, and its values
              anchored.put(list, 1 + decoded - listStart);
            }
            continue;
          }
          walk(merged);
          continue;
        }
        walk(tuple.getKeyNode());
        walk(tuple.getValueNode());
      }
    }
    if (node.getAnchor().isPresent()) {
      anchored.put(node, decoded - start);
    }
  }

  /** go-yaml v2's test, made after each value it decodes. */
  private void refuseExcessive() {
    if (aliased > 100 && decoded > 1000 && (double) aliased / decoded > allowedRatio(decoded)) {
      throw new ComposerException("document contains excessive aliasing: aliases make "
          + aliased + " of the first " + decoded + " values read (the last "
          + (KeyNames.looksLikeName(lastAlias) ? "" : "alias ") + KeyNames.alias(lastAlias)
          + "), past the share Prometheus' YAML takes", Optional.empty());
    }
  }

  /** go-yaml v2's allowedAliasRatio: the share of the values read that aliases may make. */
  static double allowedRatio(long decoded) {
    if (decoded <= RANGE_LOW) {
      return 0.99;
    } else if (decoded >= RANGE_HIGH) {
      return 0.10;
    }
    return 0.99 - 0.89 * ((double) (decoded - RANGE_LOW) / (RANGE_HIGH - RANGE_LOW));
  }

  /** A merge key as {@link BoundedLoad} reads one: {@code <<} plain and untagged. */
  private static boolean isMergeKey(Node key) {
    return key instanceof ScalarNode scalar && scalar.isResolved()
        && scalar.getScalarStyle() == ScalarStyle.PLAIN && scalar.getValue().equals("<<");
  }
}
