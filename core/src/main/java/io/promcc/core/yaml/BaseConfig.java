package io.promcc.core.yaml;

import static io.promcc.core.yaml.CommentLines.asBlock;
import static io.promcc.core.yaml.CommentLines.indentedPast;
import static io.promcc.core.yaml.CommentLines.joined;
import static io.promcc.core.yaml.NodeTreeDump.dump;
import static io.promcc.core.yaml.NodeTreeDump.uniqueAnchors;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.comments.CommentLine;
import org.snakeyaml.engine.v2.comments.CommentType;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The user's Prometheus configuration that generated jobs are merged into.
 *
 * <p>It is kept as a YAML node tree, not re-serialised from a typed model, so every key, unknown
 * field, comment, quoting style and secret the user wrote comes out as written (the original
 * controller replaced passwords with {@code <secret>}). Only {@code scrape_configs} entries whose
 * job name carries the owned prefix are replaced, and {@code scrape_configs} moves to the end.
 * Immutable after parsing; thread-safe.
 */
public final class BaseConfig {
  private static final String SCRAPE_CONFIGS = "scrape_configs";
  private static final String SCRAPE_CONFIG_FILES = "scrape_config_files";

  /**
   * The problem of a base config of no YAML value (blanks, comments, a lone {@code ---}): what
   * a failed write, a full disk, {@code > base.yml} or a mount glitch leave, not a wish for a
   * config of the generated jobs only, which is written {@code {}}.
   */
  public static final String NO_VALUE = "is empty (only blanks or comments, no YAML value); "
      + "an empty config (the generated jobs only) is written {}";

  private final String source;
  private final String text;
  private final Map<String, Object> values;
  private final List<String> warnings;
  private final boolean noValue;

  private BaseConfig(String source, String text, Map<String, Object> values,
      List<String> warnings, boolean noValue) {
    this.source = source;
    this.text = text;
    this.values = values;
    this.warnings = warnings;
    this.noValue = noValue;
  }

  /**
   * The base config of a run without one: the output holds only generated jobs. It passes
   * {@link #checkHasPrometheusField()}.
   */
  public static BaseConfig empty() {
    BaseConfig none = parse("", "empty base config");
    return new BaseConfig(none.source, none.text, none.values, none.warnings, false);
  }

  /**
   * Parses a base config: its first YAML document, as Prometheus reads one of several.
   *
   * @param source names the file in errors
   * @throws ValidationException if it is not YAML, not a mapping, or {@code scrape_configs} is not
   *     a list of mappings
   */
  public static BaseConfig parse(String written, String source) {
    requireNonNull(written, "written == null");
    String subject = "base config " + Quoting.quote(source);
    // Prometheus reads the first document alone; written out, so is the config
    YamlReader.FirstDocument first =
        YamlReader.readFirstDocument(written, subject, TopLevelFields.NAMES);
    String text = first.text();
    Map<String, Object> values = first.values();
    List<String> problems = BaseConfigShape.problems(values);
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    List<String> warnings = new ArrayList<>(TopLevelFields.warnings(values, subject));
    LaterDocuments.warning(written, text.length(), subject).ifPresent(warnings::add);
    boolean noValue = values.isEmpty() && NoValueTexts.holdsNoValue(text, subject);
    return new BaseConfig(source, text, values, List.copyOf(warnings), noValue);
  }

  /**
   * Whether {@code written} is a base config of no YAML value (blanks, comments, document
   * markers, a byte order mark, directives), as {@link #parse} and then
   * {@link #checkHasPrometheusField()} tell it, refusing it with {@link #NO_VALUE}; false for
   * any text that {@link #parse} refuses, and for one of a value. Told without reading the text
   * past its first value, nor past its first document: for a caller that asks it of a file not
   * yet taken (one being written), and parses it once taken, where a parse of a 1 MB config
   * takes about 150 ms. Stateless and thread-safe.
   */
  public static boolean holdsNoValue(String written) {
    requireNonNull(written, "written == null");
    return NoValueTexts.firstDocumentHoldsNoValue(written, "base config");
  }

  /**
   * What the user should know of the base config read, each a line, none most often: each
   * top-level key Prometheus 2.53 and 3.x do not know (they refuse the config; kept for a newer
   * one), and text past its first YAML document, which neither promcc nor Prometheus reads.
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Refuses a base config that has keys, none of them a top-level field of Prometheus'
   * ({@code global}, {@code scrape_configs}, ...): most likely another file (a profile, a
   * Kubernetes manifest) given as the base config. Its keys are kept otherwise, a newer
   * Prometheus may know them, so {@link #parse} takes it. Refuses one of no YAML value too
   * (empty, blanks or comments only, see {@link #NO_VALUE}), which {@link #parse} takes as a
   * config of no field for those who render it; {@code {}} (or {@code ~}) passes.
   *
   * @throws ValidationException if it has keys and none is one of Prometheus' fields, or if it
   *     holds no YAML value
   */
  public void checkHasPrometheusField() {
    String subject = "base config " + Quoting.quote(source);
    if (noValue) {
      // a truncated file, a failed write, a mount not there yet: no wish for no own config
      throw new ValidationException(subject, List.of(NO_VALUE));
    }
    TopLevelFields.requireOne(values, subject);
  }

  /** Where the base config came from, for messages. */
  public String source() {
    return source;
  }

  /** The parsed values (maps keep file order), for validation. Do not modify. */
  public Map<String, Object> values() {
    return values;
  }

  /** The {@code scrape_configs} entries not owned (job name not starting with the prefix). */
  public List<Map<?, ?>> unownedJobs(String ownedPrefix) {
    List<Map<?, ?>> kept = new ArrayList<>();
    if (values.get(SCRAPE_CONFIGS) instanceof List<?> jobs) {
      for (Object job : jobs) {
        Map<?, ?> map = (Map<?, ?>) job;
        if (!isOwned(jobName(map), ownedPrefix)) {
          kept.add(map);
        }
      }
    }
    return kept;
  }

  /**
   * The name of {@code job}, one of {@link #unownedJobs}, as Prometheus reads it: a number or
   * boolean as written, binary data as the text it encodes ({@code !!binary aGk=} is
   * {@code hi}).
   */
  public static String jobName(Map<?, ?> job) {
    return Fields.asText(job.get("job_name"));
  }

  /** True if a job of this name belongs to the controller. */
  public static boolean isOwned(String jobName, String ownedPrefix) {
    return jobName.startsWith(ownedPrefix + "-");
  }

  /**
   * The base config with owned jobs replaced by {@code ownedJobsYaml}, a block sequence at column
   * 0 (see {@link YamlWriter#appendSequence}), and with {@code extraConfigFile} added to
   * {@code scrape_config_files} unless absent or already listed.
   *
   * @param ownedPrefix job names starting with {@code <prefix>-} are dropped from the base
   * @param ownedJobsYaml generated jobs; may be empty
   * @param extraConfigFile a glob to add, or {@code null}
   */
  public String render(String ownedPrefix, CharSequence ownedJobsYaml, String extraConfigFile) {
    Frame frame = frame(ownedPrefix, ownedJobsYaml.length() > 0, extraConfigFile);
    return frame.head() + ownedJobsYaml + frame.tail();
  }

  /**
   * What {@link #render} puts around the owned jobs: {@code head + ownedJobsYaml + tail} is its
   * output. For a caller that joins the jobs in another form (bytes, at 1,000 clusters 8 MB of
   * them) without copying them into one string first.
   *
   * @param ownedPrefix as {@link #render}
   * @param ownedJobs whether the owned jobs are not empty
   * @param extraConfigFile as {@link #render}
   */
  public Frame frame(String ownedPrefix, boolean ownedJobs, String extraConfigFile) {
    MappingNode root = composeRoot();
    List<NodeTuple> tuples = new ArrayList<>();
    List<Node> keptJobs = new ArrayList<>();
    boolean hasFiles = false;
    ScalarNode jobsKey = scalar(SCRAPE_CONFIGS);
    List<CommentLine> headerComments = null; // above a first scrape_configs: they stay on top
    List<CommentLine> carried = List.of();
    for (NodeTuple tuple : root.getValue()) {
      String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "";
      if (headerComments != null && tuples.isEmpty()) {
        tuple.getKeyNode().setBlockComments(joined(headerComments,
            tuple.getKeyNode().getBlockComments()));
        headerComments = null;
      }
      if (key.equals(SCRAPE_CONFIGS)) {
        // the user's comments: above the key, and on its line (after the key, or after a flow
        // or null value), written above it (the emitter would indent the jobs after a comment on
        // the line, and owned jobs join at column 0)
        List<CommentLine> onTheLine = asBlock(joined(tuple.getKeyNode().getInLineComments(),
            tuple.getValueNode() instanceof SequenceNode block
                && block.getFlowStyle() == FlowStyle.BLOCK ? null
                : tuple.getValueNode().getInLineComments()));
        if (tuples.isEmpty()) {
          headerComments = tuple.getKeyNode().getBlockComments();
          jobsKey.setBlockComments(onTheLine);
        } else {
          jobsKey.setBlockComments(joined(tuple.getKeyNode().getBlockComments(), onTheLine));
        }
        if (tuple.getValueNode() instanceof SequenceNode jobs) {
          int dash = jobs.getStartMark().map(Mark::getColumn).orElse(0);
          // named as parse() read them (a name written as binary data, or set by a merge key)
          List<?> read = (List<?>) values.get(SCRAPE_CONFIGS);
          for (int i = 0; i < jobs.getValue().size(); i++) {
            Node job = jobs.getValue().get(i);
            List<CommentLine> aboveKey = firstKey(job).map(Node::getBlockComments).orElse(null);
            if (isOwned(jobName((Map<?, ?>) read.get(i)), ownedPrefix)) {
              // the parser gives a dropped job the comments at the end of the job before it
              // (on its first key, or on the job itself if it is a flow mapping); those indented
              // past the dash are that job's, and go where the parser would have put them had
              // the dropped job not been there (the next kept job, or the end)
              carried = joined(carried,
                  indentedPast(joined(job.getBlockComments(), aboveKey), dash));
            } else {
              if (!carried.isEmpty()) {
                List<CommentLine> comments = joined(carried, aboveKey);
                firstKey(job).ifPresent(first -> first.setBlockComments(comments));
                carried = List.of();
              }
              keptJobs.add(job);
            }
          }
        }
      } else if (key.equals(SCRAPE_CONFIG_FILES) && extraConfigFile != null) {
        hasFiles = true;
        Node files = withFile(tuple.getValueNode(), extraConfigFile);
        if (files != tuple.getValueNode()) {
          // a comment on the line of a flow sequence, now written as a block one: on the key's
          tuple.getKeyNode().setInLineComments(joined(tuple.getKeyNode().getInLineComments(),
              tuple.getValueNode().getInLineComments()));
        }
        tuples.add(new NodeTuple(tuple.getKeyNode(), files));
      } else {
        tuples.add(tuple);
      }
    }
    boolean anyJobs = !keptJobs.isEmpty() || ownedJobs;
    if (!anyJobs) {
      // no scrape_configs is written: its comments go to the end
      carried = joined(carried, jobsKey.getBlockComments());
    }
    if (extraConfigFile != null && !hasFiles) {
      tuples.add(new NodeTuple(scalar(SCRAPE_CONFIG_FILES),
          sequence(List.of(scalar(extraConfigFile)))));
    }
    if (headerComments != null && !tuples.isEmpty()) {
      // above a first scrape_configs that no other key followed
      tuples.get(0).getKeyNode().setBlockComments(joined(headerComments,
          tuples.get(0).getKeyNode().getBlockComments()));
    } else if (headerComments != null) {
      jobsKey.setBlockComments(joined(headerComments, jobsKey.getBlockComments()));
    }
    if (!keptJobs.isEmpty()) {
      tuples.add(new NodeTuple(jobsKey, sequence(keptJobs)));
    }
    StringBuilder head = new StringBuilder(text.length() + 64);
    if (!tuples.isEmpty()) {
      MappingNode newRoot = new MappingNode(root.getTag(), tuples, FlowStyle.BLOCK);
      uniqueAnchors(newRoot, new IdentityHashMap<>(), new HashMap<>());
      newRoot.setBlockComments(root.getBlockComments());
      newRoot.setEndComments(carried.isEmpty() ? root.getEndComments()
          : joined(root.getEndComments(), carried));
      head.append(dump(newRoot));
    }
    if (keptJobs.isEmpty() && anyJobs) {
      if (jobsKey.getBlockComments() != null) {
        for (CommentLine comment : jobsKey.getBlockComments()) {
          head.append(comment.getCommentType() == CommentType.BLANK_LINE ? ""
              : "#" + comment.getValue()).append('\n');
        }
      }
      head.append(SCRAPE_CONFIGS).append(":\n");
    }
    return new Frame(head.toString(), !anyJobs && tuples.isEmpty() ? "{}\n" : "");
  }

  /**
   * The rendered config before and after the owned jobs.
   *
   * @param head the base config's top-level keys and kept jobs, ending where owned jobs go
   * @param tail what follows them ({@code {}} for a config that would be empty, else nothing)
   */
  public record Frame(String head, String tail) {}

  private MappingNode composeRoot() {
    Optional<Node> node;
    try {
      node = MergeKeyComposer.compose(YamlReader.composeSettings(source, true), text);
    } catch (YamlEngineException | ClassCastException withComments) {
      // parse() accepted this text, so comments are what snakeyaml cannot compose (one inside
      // an empty flow sequence): the config without its comments, rather than none
      node = composeWithoutComments();
    }
    // An empty document composes to nothing, to a null scalar ("---" and comments) or to an
    // empty mapping tagged as a comment (comments only), which the emitter cannot write.
    if (node.isEmpty() || !(node.get() instanceof MappingNode mapping)
        || mapping.getValue().isEmpty()) {
      return new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
    }
    return mapping;
  }

  private Optional<Node> composeWithoutComments() {
    try {
      return MergeKeyComposer.compose(YamlReader.composeSettings(source, false), text);
    } catch (YamlEngineException e) {
      throw new IllegalStateException("base config " + source + " no longer parses", e);
    }
  }

  private static Optional<Node> firstKey(Node job) {
    return job instanceof MappingNode map && !map.getValue().isEmpty()
        ? Optional.of(map.getValue().get(0).getKeyNode()) : Optional.empty();
  }

  private static Node withFile(Node files, String file) {
    List<Node> items = new ArrayList<>();
    if (files instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        if (item instanceof ScalarNode scalar && scalar.getValue().equals(file)) {
          return files;
        }
        items.add(item);
      }
    }
    items.add(scalar(file));
    return sequence(items);
  }

  private static ScalarNode scalar(String value) {
    return new ScalarNode(Tag.STR, value, ScalarStyle.PLAIN);
  }

  private static SequenceNode sequence(List<Node> items) {
    return new SequenceNode(Tag.SEQ, new ArrayList<>(items), FlowStyle.BLOCK);
  }
}
