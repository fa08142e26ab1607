package io.promcc.core.yaml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.ConstructorException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A {@link Load} that refuses, as a {@link ComposerException} naming where, a collection that
 * holds an alias of itself and collections nested more than {@link YamlReader#MAX_DEPTH} deep
 * (aliases followed; the mapping a merge key names nests no deeper, its keys being set where
 * the merge key stands, and a chain of merge keys, which snakeyaml constructs recursively, is
 * bounded by {@link AliasRatio}: n merges read some n * n values through aliases, so about a
 * thousand at most). snakeyaml composes and constructs recursively, and so does every walk over
 * the values read: either made the reading thread end in a {@link StackOverflowError} instead
 * of an error naming the document, and a value that holds itself never ends a walk. Prometheus
 * refuses a config that holds itself too (none of its typed fields can), and no Prometheus
 * config, profile or cluster list nests even twenty deep. A document whose aliases expand too
 * far is refused before it is constructed ({@link AliasRatio}). Not thread-safe: one document
 * per call, as snakeyaml's own.
 */
final class BoundedLoad extends Load {
  private final LoadSettings settings;

  BoundedLoad(LoadSettings settings) {
    super(settings, new YamlTypesOnly(settings));
    this.settings = settings;
  }

  /**
   * snakeyaml's constructors without the two of Java types its JSON schema adds: a value tagged
   * {@code !!java.util.UUID} or {@code !!java.util.Optional} became such an object, which no
   * reader here expects (an Optional was written out as {@code Optional[x]}, a malformed UUID
   * refused without a line). Without them the tag is refused as any unknown one, where it is.
   */
  private static final class YamlTypesOnly extends StandardConstructor {
    YamlTypesOnly(LoadSettings settings) {
      super(settings);
      tagConstructors.remove(new Tag(UUID.class));
      tagConstructors.remove(new Tag(Optional.class));
      // a collection's tag on a single value (!!seq x): named with its line, not a
      // ClassCastException, as a single value's tag on a collection is (GoYamlSchema)
      for (Tag tag : List.of(Tag.SEQ, Tag.MAP, Tag.SET)) {
        ConstructNode collection = tagConstructors.get(tag);
        tagConstructors.put(tag, new ConstructNode() {
          @Override
          public Object construct(Node node) {
            if (node instanceof ScalarNode) {
              throw new ConstructorException(null, Optional.empty(), "the tag "
                  + tag.getValue().replace(Tag.PREFIX, "!!") + " is for "
                  + (tag.equals(Tag.SEQ) ? "a sequence" : "a mapping")
                  + ", found a single value", node.getStartMark());
            }
            return collection.construct(node);
          }

          @Override
          public void constructRecursive(Node node, Object object) {
            collection.constructRecursive(node, object);
          }
        });
      }
    }

    /**
     * Text that no alias names is constructed where it stands, without snakeyaml's record of
     * each node constructed and of those being constructed (two hash entries for every key and
     * value, a tenth of what reading a base config allocated): the record serves aliases and
     * collections that hold themselves, and text is its own value, the same string each time.
     */
    @Override
    protected Object constructObject(Node node) {
      Optional<ConstructNode> text = node instanceof ScalarNode && Tag.STR.equals(node.getTag())
          && node.getAnchor().isEmpty() ? findConstructorFor(node) : Optional.empty();
      return text.isPresent() ? text.get().construct(node) : super.constructObject(node);
    }

    /**
     * Fills {@code mapping}, then marks the keys written with a plain Null or NULL where it is
     * a {@link ReadMapping} ({@link YamlReader}'s settings make each one so).
     */
    @Override
    protected void constructMapping2ndStep(MappingNode node, Map<Object, Object> mapping) {
      super.constructMapping2ndStep(node, mapping);
      if (mapping instanceof ReadMapping read) {
        boolean merges = mergeKeys(node) > 0;
        if (merges) {
          read.clear(); // filled again in go-yaml v2's order, merge keys resolved
        }
        for (NodeTuple tuple : node.getValue()) {
          if (isMergeKey(tuple.getKeyNode())) {
            merge(read, tuple.getValueNode());
            continue;
          }
          Object key = constructObject(tuple.getKeyNode());
          if (!KeyNames.looksLikeName(key)) { // named by its line, not its text
            tuple.getKeyNode().getStartMark()
                .ifPresent(mark -> read.addLine(key, mark.getLine() + 1));
          }
          if (merges) {
            read.unmark(key);
            read.put(key, constructObject(tuple.getValueNode()));
          }
          if (tuple.getValueNode() instanceof ScalarNode value && isNullWord(value)) {
            read.addNullWord(key);
          } else if (tuple.getValueNode() instanceof ScalarNode value && isTime(value)) {
            read.addTime(key);
          }
        }
      }
    }

    /**
     * Refuses a key written twice in {@code node}, but for the merge key, which go-yaml v2
     * takes more than once in a mapping: each sets its keys where it stands.
     */
    @Override
    protected void processDuplicateKeys(MappingNode node) {
      if (settings.getAllowDuplicateKeys() || mergeKeys(node) < 2) {
        super.processDuplicateKeys(node);
        return;
      }
      List<NodeTuple> others = new ArrayList<>(node.getValue().size());
      for (NodeTuple tuple : node.getValue()) {
        if (!isMergeKey(tuple.getKeyNode())) {
          others.add(tuple);
        }
      }
      super.processDuplicateKeys(new MappingNode(node.getTag(), true, others, node.getFlowStyle(),
          node.getStartMark(), node.getEndMark()));
    }

    /** How many merge keys {@code node} holds (a loop: thousands of mappings in a file). */
    private static int mergeKeys(MappingNode node) {
      int count = 0;
      for (NodeTuple tuple : node.getValue()) {
        if (isMergeKey(tuple.getKeyNode())) {
          count++;
        }
      }
      return count;
    }

    /**
     * Sets the keys of the mapping {@code value} into {@code read} over those there, as go-yaml
     * v2 does where a merge key stands, or of each mapping of a list, the earlier over the
     * later; anything else it refuses. The keys are copied, not shared as an alias' value is:
     * {@link AliasRatio} bounds them before, as aliases of their mappings.
     */
    private void merge(ReadMapping read, Node value) {
      Object merged = constructObject(value);
      // a null (<<: ~) is a single value too; List.of refuses it
      List<?> sources = merged instanceof List<?> list ? list : Collections.singletonList(merged);
      for (int i = sources.size() - 1; i >= 0; i--) {
        Object source = sources.get(i);
        if (!(source instanceof ReadMapping mapping)) {
          throw new ConstructorException(null, Optional.empty(),
              "map merge requires map or sequence of maps as the value", value.getStartMark());
        }
        mapping.forEach((key, item) -> {
          read.unmark(key);
          read.put(key, item);
          read.markAs(mapping, key);
          read.addMerged(key);
        });
      }
    }

    /**
     * Whether {@code key} is a merge key to go-yaml v2: {@code <<} written plain, untagged (a
     * quoted one is the key {@code "<<"}).
     */
    private static boolean isMergeKey(Node key) {
      return key instanceof ScalarNode scalar && scalar.isResolved()
          && scalar.getScalarStyle() == ScalarStyle.PLAIN && scalar.getValue().equals("<<");
    }

    /** Fills {@code items}, then marks those written as a plain Null or NULL. */
    @Override
    protected void constructSequenceStep2(SequenceNode node, Collection<Object> items) {
      super.constructSequenceStep2(node, items);
      if (items instanceof ReadList read) {
        for (int i = 0; i < node.getValue().size(); i++) {
          if (node.getValue().get(i) instanceof ScalarNode value && isNullWord(value)) {
            read.addNullWord(i);
          }
        }
      }
    }

    /**
     * A scalar go-yaml v2 reads as a time: one tagged {@code !!timestamp} (refused unless in a
     * time form), or one in a time form written plain and left to the resolver.
     */
    private static boolean isTime(ScalarNode value) {
      return GoYamlSchema.TIMESTAMP.equals(value.getTag()) || value.isResolved()
          && value.getScalarStyle() == ScalarStyle.PLAIN
          && GoYamlTimestamp.isTimestamp(value.getValue());
    }

    /**
     * A plain {@code Null} or {@code NULL} resolved as null: not {@code ~}, {@code null} or
     * nothing, nor one tagged {@code !!null}, which go-yaml v2 gives no field's own decoder.
     */
    private static boolean isNullWord(ScalarNode value) {
      return value.isResolved() && value.getScalarStyle() == ScalarStyle.PLAIN
          && Tag.NULL.equals(value.getTag())
          && (value.getValue().equals("Null") || value.getValue().equals("NULL"));
    }
  }

  @Override
  protected Composer createComposer(String yaml) {
    return new BoundedComposer(settings,
        new ParserImpl(settings, new StreamReader(settings, yaml)));
  }

  /** The single document of {@code events}, loaded as {@link #loadFromString} loads one. */
  Object load(Parser events) {
    return loadOne(new BoundedComposer(settings, events));
  }

  /** Counts the collections open around the one being composed, and the height of each. */
  private static final class BoundedComposer extends MergeKeyComposer {
    /** Collections composed so far: their height (1 holds scalars only); aliases share them. */
    private final Map<Node, Integer> heights = new IdentityHashMap<>();
    private int depth;

    BoundedComposer(LoadSettings settings, Parser events) {
      super(settings, events);
    }

    /** The document, refused before it is constructed if its aliases expand too far. */
    @Override
    public Optional<Node> getSingleNode() {
      Optional<Node> document = super.getSingleNode();
      document.ifPresent(AliasRatio::check);
      return document;
    }

    @Override
    protected SequenceNode composeSequenceNode(Optional<Anchor> anchor) {
      return nested(() -> super.composeSequenceNode(anchor));
    }

    @Override
    protected Node composeMappingNode(Optional<Anchor> anchor) {
      return nested(() -> super.composeMappingNode(anchor));
    }

    /** Composes a collection one level deeper, then measures it (a sequence or a mapping). */
    private <N extends Node> N nested(Supplier<N> compose) {
      Optional<Mark> start = parser.peekEvent().getStartMark();
      depth++;
      try {
        refuseDeeper(0, start);
        N node = compose.get();
        if (node instanceof SequenceNode || node instanceof MappingNode) {
          if (node instanceof MappingNode mapping) {
            textKeys(mapping);
          }
          int height = height(node, start);
          refuseDeeper(height - 1, start);
          heights.put(node, height);
        }
        return node;
      } finally {
        depth--;
      }
    }

    /**
     * Makes each key of {@code mapping} that only Prometheus' YAML reads as a number
     * ({@code 0x10}, {@code 1e3}) or a boolean ({@code yes}) the text it is written as, as
     * such a key was before those were told from text: a key is a field's or a label's name,
     * which Prometheus takes as written; so {@code "0x10"} and {@code 0x10} are one key, and a
     * duplicate. A new node, as the scalar may be an alias's, whose value stays the number.
     */
    private static void textKeys(MappingNode mapping) {
      List<NodeTuple> tuples = mapping.getValue();
      for (int i = 0; i < tuples.size(); i++) {
        NodeTuple tuple = tuples.get(i);
        if (tuple.getKeyNode() instanceof ScalarNode key
            && (GoYamlSchema.GO_NUMBER.equals(key.getTag())
                || GoYamlSchema.GO_BOOL.equals(key.getTag()))) {
          tuples.set(i, new NodeTuple(new ScalarNode(Tag.STR, true, key.getValue(),
              key.getScalarStyle(), key.getStartMark(), key.getEndMark()),
              tuple.getValueNode()));
        }
      }
    }

    /**
     * The height of {@code node} from its children's, refusing a child that is not composed yet
     * (an alias of a collection still open around it: itself or an ancestor). What merge keys
     * name (a mapping, or a sequence of them) nests no deeper: its keys become {@code node}'s
     * own. Walks the children where they are, the merged ones after the others.
     */
    private int height(Node node, Optional<Mark> start) {
      int height = 1;
      if (node instanceof SequenceNode sequence) {
        for (Node item : sequence.getValue()) {
          height = Math.max(height, heightOf(item, start) + 1);
        }
        return height;
      }
      List<NodeTuple> tuples = ((MappingNode) node).getValue();
      for (NodeTuple tuple : tuples) {
        if (!YamlTypesOnly.isMergeKey(tuple.getKeyNode())) {
          height = Math.max(height, heightOf(tuple.getKeyNode(), start) + 1);
          height = Math.max(height, heightOf(tuple.getValueNode(), start) + 1);
        }
      }
      for (NodeTuple tuple : tuples) {
        if (YamlTypesOnly.isMergeKey(tuple.getKeyNode())) {
          // a mapping's keys, or those of each mapping of a sequence, one level below node
          Node value = tuple.getValueNode();
          int list = value instanceof SequenceNode ? 1 : 0;
          height = Math.max(height, heightOf(value, start) - list);
        }
      }
      return height;
    }

    /** The height of {@code child}, 0 for a single value, refused if it is not composed yet. */
    private int heightOf(Node child, Optional<Mark> start) {
      if (child instanceof ScalarNode) {
        return 0;
      }
      Integer height = heights.get(child);
      if (height == null) {
        throw new ComposerException("the alias " + KeyNames.alias(child.getAnchor()
            .map(Anchor::getValue).orElse("")) + " is inside the collection it names (a value"
            + " that would hold itself)", start);
      }
      return height;
    }

    /** Refuses a path through the collection being composed that is {@code below} deeper. */
    private void refuseDeeper(int below, Optional<Mark> start) {
      if (depth + below > YamlReader.MAX_DEPTH) {
        throw new ComposerException("collections nest more than " + YamlReader.MAX_DEPTH
            + " deep (aliases followed)", start);
      }
    }
  }
}
