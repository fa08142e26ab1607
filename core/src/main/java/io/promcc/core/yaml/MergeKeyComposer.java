package io.promcc.core.yaml;

import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A {@link Composer} that leaves a key tagged {@code !!merge} to be read as Prometheus' YAML
 * (go-yaml v2) reads it: {@code !!merge <<} (any quoting) as the merge key a plain {@code <<}
 * is, which {@link BoundedLoad} resolves and which is written back plain; any other text so
 * tagged ({@code !!merge x}) as the key of that text. snakeyaml merged such a key itself while
 * composing, keeping a key written before it over the one merged, where go-yaml v2 sets the
 * merged one over it, and the config was written out so merged. Not thread-safe, as snakeyaml's.
 */
class MergeKeyComposer extends Composer {
  MergeKeyComposer(LoadSettings settings, Parser events) {
    super(settings, events);
  }

  /** The single document of {@code yaml}, composed so; empty if there is none. */
  static Optional<Node> compose(LoadSettings settings, String yaml) {
    return new MergeKeyComposer(settings,
        new ParserImpl(settings, new StreamReader(settings, yaml))).getSingleNode();
  }

  @Override
  protected Node composeKeyNode(MappingNode node) {
    Node key = super.composeKeyNode(node);
    if (!(key instanceof ScalarNode scalar) || !Tag.MERGE.equals(key.getTag())) {
      return key;
    }
    boolean merge = scalar.getValue().equals("<<");
    ScalarNode untagged = new ScalarNode(Tag.STR, merge, scalar.getValue(),
        merge ? ScalarStyle.PLAIN : scalar.getScalarStyle(), scalar.getStartMark(),
        scalar.getEndMark());
    untagged.setAnchor(scalar.getAnchor());
    untagged.setBlockComments(scalar.getBlockComments());
    untagged.setInLineComments(scalar.getInLineComments());
    untagged.setEndComments(scalar.getEndComments());
    return untagged;
  }
}
