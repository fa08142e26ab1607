package io.promcc.core.plan;

import io.promcc.core.model.LabelNames;
import io.promcc.core.model.Quoting;
import io.promcc.core.yaml.Fields;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Prometheus {@code relabel_config}. Unset fields are {@code null} and are left to Prometheus'
 * defaults (action {@code replace}, regex {@code (.*)}, separator {@code ;}, replacement
 * {@code $1}). A source label {@code ""} is one written null, the name Prometheus' YAML reads
 * from it; it is written back null.
 */
record RelabelRule(
    List<String> sourceLabels,
    String separator,
    String regex,
    BigInteger modulus,
    String targetLabel,
    String replacement,
    String action) {

  private static final String ZERO_MODULUS =
      "relabel configuration for hashmod requires non-zero modulus";
  static final Set<String> FIELDS = Set.of("source_labels", "separator", "regex", "modulus",
      "target_label", "replacement", "action");
  private static final Set<String> ACTIONS = Set.of("replace", "keep", "drop", "keepequal",
      "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase");
  private static final Set<String> NEED_TARGET = Set.of("replace", "hashmod", "lowercase",
      "uppercase", "keepequal", "dropequal");
  /** Actions whose target label must be a plain label name. */
  private static final Set<String> TARGET_IS_NAME = Set.of("hashmod", "lowercase", "uppercase",
      "keepequal", "dropequal");
  /**
   * Prometheus' {@code relabelTarget}: a letter, {@code _} or reference ({@code $name},
   * {@code ${name}}), then word characters and references. Written without nested repetition
   * and with possessive quantifiers, since Java backtracks where Go's RE2 does not: Prometheus'
   * own form takes over a second in Java for 61 characters like {@code a$aa$aa$a...-}. It takes
   * the same strings (RelabelRuleTest compares the two).
   */
  /** A group reference's name in a replacement, as Go's {@code Regexp.Expand} reads it. */
  private static final Pattern REFERENCE_NAME = Pattern.compile("[\\p{L}\\p{Nd}_]+");
  private static final Pattern RELABEL_TARGET = Pattern.compile(
      "(?:[a-zA-Z_]|\\$(?:\\{\\w++\\}|\\w++))(?:\\w|\\$(?:\\{\\w++\\}|\\w++))*+");

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

  /**
   * The action as Prometheus reads it: lower-cased ({@code Keep} is {@code keep}), its default
   * {@code replace} if unset. {@link #action()} stays as written, and is what is rendered.
   */
  public String actionOrDefault() {
    if (action == null) {
      return "replace";
    }
    // like Go's strings.ToLower: each code point on its own (so the Kelvin sign is a k)
    StringBuilder lower = new StringBuilder(action.length());
    action.codePoints().map(Character::toLowerCase).forEach(lower::appendCodePoint);
    return lower.toString();
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

  /**
   * {@code template} expanded against {@code matcher}'s match as Go's {@code Regexp.ExpandString}
   * expands Prometheus' replacements and computed target labels: {@code $$} is a {@code $};
   * {@code $name} (the longest run of letters, digits and {@code _}) and {@code ${name}} are the
   * group of that number (no leading zero) or name, empty if there is none; a {@code $} that
   * starts no reference stays as it is.
   */
  static String expand(String template, Matcher matcher) {
    return expand(template, name -> group(matcher, name));
  }

  /**
   * Every string {@code template} may expand to as {@link #expand} expands it, whatever the
   * match: its text, with each group reference any text (or none).
   */
  static Pattern expansions(String template) {
    String mark = "\u0000"; // in no label name, nor in a template that makes one
    if (template.contains(mark)) {
      return Pattern.compile("(?s).*");
    }
    List<String> parts = new ArrayList<>();
    for (String text : expand(template, name -> mark).split(mark, -1)) {
      parts.add(Pattern.quote(text));
    }
    return Pattern.compile(String.join("(?s:.*)", parts));
  }

  /** {@code template} expanded with {@code groups}, which gives a group by name, or null. */
  private static String expand(String template, Function<String, String> groups) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        out.append(c);
        i++;
        continue;
      }
      if (template.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int next;
      if (template.charAt(i + 1) == '{') {
        int close = template.indexOf('}', i + 2);
        name = close < 0 ? null : template.substring(i + 2, close);
        next = close + 1;
      } else {
        Matcher word = REFERENCE_NAME.matcher(template).region(i + 1, template.length());
        boolean found = word.lookingAt();
        name = found ? word.group() : null;
        next = found ? word.end() : -1;
      }
      if (name == null || !REFERENCE_NAME.matcher(name).matches()) {
        out.append('$');
        i++;
        continue;
      }
      String group = groups.apply(name);
      if (group != null) {
        out.append(group);
      }
      i = next;
    }
    return out.toString();
  }

  /** The group {@code name} (a number or a name) of the match, or null if there is none. */
  private static String group(Matcher matcher, String name) {
    if (name.chars().allMatch(c -> c >= '0' && c <= '9')
        && (name.length() == 1 || name.charAt(0) != '0')) {
      int number = name.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(name);
      return number <= matcher.groupCount() ? matcher.group(number) : null;
    }
    try {
      return matcher.group(name);
    } catch (IllegalArgumentException noSuchGroup) {
      return null;
    }
  }

  /**
   * The number a {@code hashmod} rule sets for the joined source values {@code value}, as
   * Prometheus works it out: the last 8 bytes of the MD5 sum of its UTF-8 bytes, read as a
   * big-endian unsigned number, modulo the rule's {@code modulus} (above 0).
   */
  String hashmod(String value) {
    byte[] sum;
    try {
      sum = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
    long last8 = ByteBuffer.wrap(sum, 8, 8).getLong();
    // a modulus up to 2^64 - 1 is its low 64 bits, read as unsigned
    return Long.toUnsignedString(Long.remainderUnsigned(last8, modulus.longValue()));
  }

  /** Reads a rule, adding every problem to {@code problems}. */
  static RelabelRule parse(Map<?, ?> map, String owner, List<String> problems) {
    Fields fields = new Fields(map, owner, problems);
    fields.rejectUnknown(FIELDS);
    // written null (~), a string field is empty to Prometheus' YAML, not its default; so is a
    // regex, which Prometheus then compiles as "", matching only the empty string
    List<String> sources = new ArrayList<>();
    for (String name : fields.labelNames("source_labels")) {
      if (name != null && name.isEmpty()) {
        // written '' or Null: the name's decoder refuses it (one written ~ it never sees)
        problems.add("invalid source label \"\" in " + owner);
      }
      sources.add(name == null ? "" : name);
    }
    RelabelRule rule = new RelabelRule(sources,
        fields.string("separator", writtenNull(map, "separator") ? "" : null),
        fields.string("regex", writtenNull(map, "regex") ? "" : null), fields.uint64("modulus"),
        fields.string("target_label", null),
        fields.string("replacement", writtenNull(map, "replacement") ? "" : null),
        fields.string("action", writtenNull(map, "action") ? "" : null));
    if (writtenNull(map, "action") && !Fields.isNullWord(map, "action")) {
      // no action to Prometheus' YAML, which Validate refuses before any other check; "" (as
      // written '') is an unknown action to its own YAML, and so to the checks after this one;
      // so is Null (or NULL), which its YAML gives the action's decoder as ""
      problems.add("relabel action cannot be empty in " + owner);
      return rule;
    }
    if (rule.action() == null && fields.has("action")) {
      return rule; // refused as written (a list): Prometheus checks no rule its YAML refuses
    }
    List<String> own = rule.problems(owner);
    if (rule.modulus() == null && fields.has("modulus")) {
      // refused as written: that it is then none (0) is no second problem
      own.remove(ZERO_MODULUS + " in " + owner);
    }
    if (rule.targetLabel() == null && fields.has("target_label")) {
      // refused as written (a list): that it is then none is no second problem either
      own.remove("relabel configuration for " + rule.actionOrDefault()
          + " action requires 'target_label' value in " + owner);
    }
    problems.addAll(own);
    return rule;
  }

  private static boolean writtenNull(Map<?, ?> map, String key) {
    return map.containsKey(key) && map.get(key) == null;
  }

  /**
   * What Prometheus 2.53.3 would reject in this rule as rendered by {@link #toYaml()}; empty if
   * none. Follows {@code relabel.Config.UnmarshalYAML} and {@code Validate}: an unset field is
   * its default, and so is a field written equal to its default ({@code separator: ";"},
   * {@code replacement: "$1"}, {@code modulus: 0}, an empty {@code target_label}), except
   * {@code regex}, which Prometheus compares by identity: a written regex is never its default.
   * Where {@code Validate} stops at the first problem, this lists each one that would still be
   * there after the others are fixed.
   */
  List<String> problems(String owner) {
    List<String> problems = new ArrayList<>();
    String act = actionOrDefault();
    if (!ACTIONS.contains(act)) {
      problems.add("unknown relabel action " + Quoting.quote(action) + " in " + owner);
      return problems;
    }
    for (String source : sourceLabels) {
      // "" is written null, which Prometheus' YAML reads as that name without checking it; one
      // written as text parse refuses
      if (!source.isEmpty() && !LabelNames.isValid(source)) {
        problems.add("invalid source label " + Quoting.quote(source) + " in " + owner);
      }
    }
    if (regex != null) {
      Re2Syntax.problem(regex).ifPresent(problem -> problems.add("invalid regex "
          + Quoting.quote(regex) + " in " + owner + ": " + problem));
    }
    if (modulus != null && (modulus.signum() < 0 || modulus.bitLength() > Long.SIZE)) {
      // Prometheus' modulus is a uint64, so YAML decoding fails before any other check; a number
      // that is no int64 (nor uint64) its YAML reads as a float, which it refuses as one or
      // truncates: refused here, as a float
      String tag = modulus.bitLength() < Long.SIZE ? "!!int" : "!!float";
      problems.add("invalid modulus " + modulus + " in " + owner + ": cannot unmarshal " + tag
          + " `" + modulus + "` into uint64");
    }
    validate(act).forEach(problem -> problems.add(problem + " in " + owner));
    return problems;
  }

  /** The problems of Prometheus' {@code relabel.Config.Validate}, in its order and words. */
  private List<String> validate(String act) {
    List<String> problems = new ArrayList<>();
    String target = targetLabel == null ? "" : targetLabel;
    String replacementRead = replacement == null ? "$1" : replacement;
    String separatorRead = separatorOrDefault();
    BigInteger modulusRead = modulus == null ? BigInteger.ZERO : modulus;
    if ("hashmod".equals(act) && modulusRead.signum() == 0) {
      problems.add(ZERO_MODULUS);
    }
    if (NEED_TARGET.contains(act) && target.isEmpty()) {
      problems.add("relabel configuration for " + act + " action requires 'target_label' value");
    } else if ("replace".equals(act) && !target.contains("$") && !LabelNames.isValid(target)
        || "replace".equals(act) && target.contains("$") && !isRelabelTarget(target)
        || (TARGET_IS_NAME.contains(act) && !LabelNames.isValid(target))) {
      problems.add(Quoting.quote(target) + " is invalid 'target_label' for " + act + " action");
    }
    boolean equality = "keepequal".equals(act) || "dropequal".equals(act);
    if ((equality || "lowercase".equals(act) || "uppercase".equals(act))
        && !"$1".equals(replacementRead)) {
      problems.add("'replacement' can not be set for " + act + " action");
    }
    if ("labelmap".equals(act) && !isRelabelTarget(replacementRead)) {
      problems.add(Quoting.quote(replacementRead) + " is invalid 'replacement' for " + act
          + " action");
    }
    // Validate also names the replacement here, but the check above has refused it already
    if (equality && (regex != null || modulusRead.signum() != 0 || !";".equals(separatorRead))) {
      problems.add(act + " action requires only 'source_labels' and `target_label`, and no other "
          + "fields");
    }
    if (("labeldrop".equals(act) || "labelkeep".equals(act)) && (!sourceLabels.isEmpty()
        || !target.isEmpty() || modulusRead.signum() != 0 || !";".equals(separatorRead)
        || !"$1".equals(replacementRead))) {
      problems.add(act + " action requires only 'regex', and no other fields");
    }
    return problems;
  }

  /**
   * True if {@code text} matches Prometheus' {@code relabelTarget},
   * {@code ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$}, for a target label with references
   * or a labelmap replacement.
   */
  static boolean isRelabelTarget(String text) {
    return RELABEL_TARGET.matcher(text).matches();
  }

  /** This rule as a YAML mapping in Prometheus' field order, unset fields left out. */
  Map<String, Object> toYaml() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!sourceLabels.isEmpty()) {
      // the name "" as null: Prometheus refuses it written "", and reads null as it unchecked
      List<String> written = new ArrayList<>(sourceLabels);
      written.replaceAll(name -> name.isEmpty() ? null : name);
      out.put("source_labels", written);
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
