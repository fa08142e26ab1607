package io.promcc.core.plan;

import io.promcc.core.model.LabelNames;
import io.promcc.core.model.Quoting;
import io.promcc.core.yaml.Fields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Prometheus {@code relabel_config}. Unset fields are {@code null} and are left to Prometheus'
 * defaults (action {@code replace}, regex {@code (.*)}, separator {@code ;}, replacement
 * {@code $1}).
 */
public record RelabelRule(
    List<String> sourceLabels,
    String separator,
    String regex,
    Integer modulus,
    String targetLabel,
    String replacement,
    String action) {

  static final Set<String> FIELDS = Set.of("source_labels", "separator", "regex", "modulus",
      "target_label", "replacement", "action");
  private static final Set<String> ACTIONS = Set.of("replace", "keep", "drop", "keepequal",
      "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase");
  private static final Set<String> NEED_TARGET = Set.of("replace", "hashmod", "lowercase",
      "uppercase", "keepequal", "dropequal");
  private static final Pattern TARGET_TEMPLATE =
      Pattern.compile("(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+");

  public RelabelRule {
    sourceLabels = sourceLabels == null ? List.of() : List.copyOf(sourceLabels);
  }

  /** A rule that sets {@code targetLabel} to the fixed {@code value}. */
  public static RelabelRule setLabel(String targetLabel, String value) {
    return new RelabelRule(null, null, null, null, targetLabel, escapeReplacement(value), null);
  }

  /** A rule that keeps targets whose joined {@code sources} match {@code regex}. */
  public static RelabelRule keep(List<String> sources, String regex) {
    return new RelabelRule(sources, null, regex, null, null, null, "keep");
  }

  /** A {@code replace} rule. */
  public static RelabelRule replace(List<String> sources, String regex, String target,
      String replacement) {
    return new RelabelRule(sources, null, regex, null, target, replacement, null);
  }

  /** A rule that drops targets (or samples) whose joined {@code sources} match {@code regex}. */
  public static RelabelRule drop(List<String> sources, String regex) {
    return new RelabelRule(sources, null, regex, null, null, null, "drop");
  }

  /** The action, Prometheus' default {@code replace} if unset. */
  public String actionOrDefault() {
    return action == null ? "replace" : action;
  }

  /** The separator, Prometheus' default {@code ;} if unset. */
  public String separatorOrDefault() {
    return separator == null ? ";" : separator;
  }

  /** The regular expression, Prometheus' default {@code (.*)} if unset. */
  public String regexOrDefault() {
    return regex == null ? "(.*)" : regex;
  }

  /**
   * {@code text} with every character that RE2 (Prometheus' regular expressions) treats as
   * special escaped, like Go's {@code regexp.QuoteMeta}.
   */
  public static String quoteMeta(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * {@code value} with every {@code $} doubled, so Prometheus writes it literally instead of
   * expanding it as a capture group reference.
   */
  public static String escapeReplacement(String value) {
    return value.replace("$", "$$");
  }

  /** Reads a rule, adding every problem to {@code problems}. */
  static RelabelRule parse(Map<?, ?> map, String owner, List<String> problems) {
    Fields fields = new Fields(map, owner, problems);
    fields.rejectUnknown(FIELDS);
    RelabelRule rule = new RelabelRule(fields.strings("source_labels"),
        fields.string("separator", null), fields.string("regex", null), fields.integer("modulus"),
        fields.string("target_label", null), fields.string("replacement", null),
        fields.string("action", null));
    problems.addAll(rule.problems(owner));
    return rule;
  }

  /** What Prometheus would reject in this rule; empty if none. */
  List<String> problems(String owner) {
    List<String> problems = new ArrayList<>();
    String act = action == null ? "replace" : action;
    if (!ACTIONS.contains(act)) {
      problems.add("unknown relabel action " + Quoting.quote(act) + " in " + owner);
      return problems;
    }
    for (String source : sourceLabels) {
      if (!LabelNames.isValid(source)) {
        problems.add("invalid source label " + Quoting.quote(source) + " in " + owner);
      }
    }
    if (regex != null) {
      Re2Syntax.problem(regex).ifPresent(problem -> problems.add("invalid regex "
          + Quoting.quote(regex) + " in " + owner + ": " + problem));
    }
    if (NEED_TARGET.contains(act) && (targetLabel == null || targetLabel.isEmpty())) {
      problems.add("relabel configuration for " + act + " action requires 'target_label' value in "
          + owner);
    } else if (targetLabel != null && !TARGET_TEMPLATE.matcher(targetLabel).matches()) {
      problems.add("invalid target label " + Quoting.quote(targetLabel) + " in " + owner);
    }
    if ("hashmod".equals(act) && (modulus == null || modulus <= 0)) {
      problems.add("relabel configuration for hashmod requires non-zero modulus in " + owner);
    }
    return problems;
  }

  /** This rule as a YAML mapping in Prometheus' field order, unset fields left out. */
  Map<String, Object> toYaml() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!sourceLabels.isEmpty()) {
      out.put("source_labels", sourceLabels);
    }
    putIfSet(out, "separator", separator);
    putIfSet(out, "regex", regex);
    putIfSet(out, "modulus", modulus);
    putIfSet(out, "target_label", targetLabel);
    putIfSet(out, "replacement", replacement);
    putIfSet(out, "action", action);
    return out;
  }

  private static void putIfSet(Map<String, Object> out, String key, Object value) {
    if (value != null) {
      out.put(key, value);
    }
  }
}
