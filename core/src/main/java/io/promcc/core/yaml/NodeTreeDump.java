package io.promcc.core.yaml;

import static io.promcc.core.yaml.CommentLines.asBlock;
import static io.promcc.core.yaml.CommentLines.joined;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Writing {@link BaseConfig}'s node tree back out as YAML that Prometheus reads as the user wrote
 * it: anchors made unique, scalars holding line or paragraph separators in escaping double
 * quotes, commented flow collections in block style. Stateless; thread-safe, but the tree is
 * changed in place.
 */
final class NodeTreeDump {
  private NodeTreeDump() {}

  /**
   * Gives every anchored node an anchor name of its own. YAML lets a name be defined again, and
   * an alias names the latest definition before it: with {@code scrape_configs} moved to the end
   * a later definition could come before an alias that named an earlier one. Aliases are the
   * same node objects in the tree, so they follow the new name.
   */
  static void uniqueAnchors(Node node, Map<Node, Boolean> seen, Map<String, Node> names) {
    if (seen.put(node, Boolean.TRUE) != null) {
      return; // an alias of a node already named
    }
    node.getAnchor().ifPresent(anchor -> {
      String name = anchor.getValue();
      for (int i = 2; names.containsKey(name) && names.get(name) != node; i++) {
        name = anchor.getValue() + "_" + i;
      }
      names.put(name, node);
      node.setAnchor(Optional.of(new Anchor(name)));
    });
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        uniqueAnchors(tuple.getKeyNode(), seen, names);
        uniqueAnchors(tuple.getValueNode(), seen, names);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        uniqueAnchors(item, seen, names);
      }
    }
  }

  /**
   * {@code node} with every scalar holding a line or paragraph separator (U+2028, U+2029) in
   * double quotes, where {@link #dump} escapes them: YAML 1.2 (snakeyaml) writes them raw, and
   * Prometheus' YAML reads a raw one as a line break. A plain scalar tagged {@code !!str} is
   * quoted too ({@link #isTaggedPlainText}).
   */
  private static Node quoteSeparators(Node node) {
    if (node instanceof ScalarNode scalar) {
      String value = scalar.getValue();
      boolean separator = value.indexOf('\u2028') >= 0 || value.indexOf('\u2029') >= 0;
      if (scalar.getScalarStyle() != ScalarStyle.DOUBLE_QUOTED && separator
          || isTaggedPlainText(scalar)) {
        ScalarNode quoted = new ScalarNode(scalar.getTag(), value,
            separator ? ScalarStyle.DOUBLE_QUOTED : ScalarStyle.SINGLE_QUOTED);
        quoted.setBlockComments(scalar.getBlockComments());
        quoted.setInLineComments(scalar.getInLineComments());
        quoted.setEndComments(scalar.getEndComments());
        return quoted;
      }
    } else if (node instanceof MappingNode mapping) {
      List<NodeTuple> tuples = new ArrayList<>(mapping.getValue().size());
      for (NodeTuple tuple : mapping.getValue()) {
        tuples.add(new NodeTuple(quoteSeparators(tuple.getKeyNode()),
            quoteSeparators(tuple.getValueNode())));
      }
      mapping.setValue(tuples);
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().replaceAll(NodeTreeDump::quoteSeparators);
    }
    return node;
  }

  /**
   * Whether {@code scalar} is written plain with the tag {@code !!str}: snakeyaml writes it
   * plain without the tag where YAML's JSON schema reads it as text, and Prometheus' YAML may
   * not ({@code !!str 0x10} became 16, {@code !!str yes} true, {@code !!str ~} null); quoted,
   * it is text to both.
   */
  private static boolean isTaggedPlainText(ScalarNode scalar) {
    return !scalar.isResolved() && scalar.getScalarStyle() == ScalarStyle.PLAIN
        && Tag.STR.equals(scalar.getTag());
  }

  /**
   * {@code node} with every flow collection that has comments above it in block style: the
   * emitter writes such a comment after a sequence's dash and the flow collection at column 0,
   * which is no YAML. The values are the same; a comment on the collection's line goes above it.
   */
  private static Node blockWhereCommented(Node node) {
    if (node instanceof CollectionNode<?> collection && collection.getFlowStyle() == FlowStyle.FLOW
        && node.getBlockComments() != null && !node.getBlockComments().isEmpty()) {
      collection.setFlowStyle(FlowStyle.BLOCK);
      node.setBlockComments(joined(node.getBlockComments(), asBlock(node.getInLineComments())));
      node.setInLineComments(null);
    }
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        blockWhereCommented(tuple.getKeyNode());
        blockWhereCommented(tuple.getValueNode());
      }
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(NodeTreeDump::blockWhereCommented);
    }
    return node;
  }

  static String dump(Node root) {
    DumpSettings settings = DumpSettings.builder()
        .setSchema(new JsonSchema()) // as composed: a float is written as the plain number it was
        .setDumpComments(true)
        .setIndent(2)
        .setWidth(Integer.MAX_VALUE)
        .setSplitLines(false)
        .setUseUnicodeEncoding(true)
        .build();
    StringWriter writer = new StringWriter();
    Node prepared = blockWhereCommented(quoteSeparators(root));
    new Dump(settings).dumpNode(prepared, new StreamDataWriter() {
      @Override
      public void write(String str) {
        writer.write(str);
      }

      @Override
      public void write(String str, int off, int len) {
        writer.write(str, off, len);
      }
    });
    // only double-quoted scalars (above) and comments can hold them; escaped in both
    return writer.toString().replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
  }
}
