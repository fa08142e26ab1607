package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A relabel rule is checked like Prometheus 2.53.3's {@code relabel.Config.UnmarshalYAML} and
 * {@code Validate}, one test per rule of {@code Validate}, messages pinned;
 * {@code RelabelRuleOracleIT} checks the verdicts against promtool.
 */
class RelabelRuleTest {
  private static final String OWNER = "relabel_configs[0] of job template \"x\"";
  private static final String IN = " in " + OWNER;
  private static final List<String> A = List.of("a");

  private static List<String> problems(List<String> sources, String separator, String regex,
      Integer modulus, String target, String replacement, String action) {
    return new RelabelRule(sources, separator, regex,
        modulus == null ? null : BigInteger.valueOf(modulus), target, replacement, action)
        .problems(OWNER);
  }

  /** Go's Regexp.ExpandString, which Prometheus expands replacements and target labels with. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "$1-$2|a-b", "${1}x|ax", "$1x|''", "$$1|$1", "$|$", "x$|x$", "${1|${1", "${}|${}",
      "$01|''", "$9|''", "$n|c", "${n}!|c!", "$m|''", "$é|''", "$-|$-"})
  void expandsReplacementsAsGoDoes(String template, String expanded) {
    var matcher = Pattern.compile("(a)-(b)-(?<n>c)").matcher("a-b-c");
    matcher.matches();
    assertEquals(expanded, RelabelRule.expand(template, matcher));
  }

  /** What a template may expand to, whatever the match: its references stand for any text. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "pod_${1}|pod_|true", "pod_${1}|pod_a.b|true", "pod_${1}|__address__|false",
      "__${1}__|__address__|true", "__${1}__|__a_|false", "$1|''|true", "$1|x;y|true",
      "$1_x|y|true", "$$1|$1|true", "$$1|1|false", "a${1}b${2}c|abc|true",
      "a${1}b${2}c|acb|false", "a$1b$2c|acb|true",
      "\\E.$1|\\E.x|true", "\\E.$1|\\Exx|false"})
  void expansionsAreTheTemplatesTextWithAnyTextForEachReference(String template, String name,
      boolean may) {
    assertEquals(may, RelabelRule.expansions(template).matcher(name).matches());
  }

  @Test
  void hashmodNeedsANonZeroModulus() {
    String expected = "relabel configuration for hashmod requires non-zero modulus" + IN;
    assertEquals(List.of(expected), problems(A, null, null, null, "shard", null, "hashmod"));
    assertEquals(List.of(expected), problems(A, null, null, 0, "shard", null, "hashmod"));
    assertEquals(List.of(), problems(A, null, null, 3, "shard", null, "hashmod"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"replace", "hashmod", "lowercase", "uppercase", "keepequal",
      "dropequal"})
  void anActionThatWritesALabelNeedsATargetLabel(String action) {
    Integer modulus = action.equals("hashmod") ? 3 : null;
    String expected = "relabel configuration for " + action
        + " action requires 'target_label' value" + IN;
    assertEquals(List.of(expected), problems(A, null, null, modulus, null, null, action));
    assertEquals(List.of(expected), problems(A, null, null, modulus, "", null, action));
  }

  @Test
  void aReplaceTargetLabelIsALabelNameOrATemplateOfReferences() {
    for (String good : List.of("a", "_a1", "__address__", "$1", "${1}_x", "x_$1_${name}y",
        "$a$b")) {
      assertEquals(List.of(), problems(A, null, null, null, good, null, null), good);
    }
    assertEquals(List.of("\"a-b\" is invalid 'target_label' for replace action" + IN),
        problems(A, null, null, null, "a-b", null, "replace"));
    assertEquals(List.of("\"1a\" is invalid 'target_label' for replace action" + IN),
        problems(A, null, null, null, "1a", null, null));
    assertEquals(List.of("\"$1-b\" is invalid 'target_label' for replace action" + IN),
        problems(A, null, null, null, "$1-b", null, null));
    assertEquals(List.of("\"${1\" is invalid 'target_label' for replace action" + IN),
        problems(A, null, null, null, "${1", null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmod", "lowercase", "uppercase", "keepequal", "dropequal"})
  void theTargetLabelOfHashmodCaseAndEqualityActionsIsAPlainLabelName(String action) {
    Integer modulus = action.equals("hashmod") ? 3 : null;
    assertEquals(List.of(), problems(A, null, null, modulus, "b_1", null, action));
    for (String bad : List.of("$1", "${1}x", "a-b", "1a")) {
      assertEquals(List.of("\"" + bad + "\" is invalid 'target_label' for " + action + " action"
          + IN), problems(A, null, null, modulus, bad, null, action), bad);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lowercase", "uppercase", "keepequal", "dropequal"})
  void caseAndEqualityActionsTakeNoReplacement(String action) {
    assertEquals(List.of(), problems(A, null, null, null, "b", "$1", action));
    for (String set : List.of("x", "", "${1}")) {
      assertEquals(List.of("'replacement' can not be set for " + action + " action" + IN),
          problems(A, null, null, null, "b", set, action), set);
    }
  }

  @Test
  void aLabelmapReplacementIsALabelNameTemplate() {
    for (String good : List.of("$1", "node_$1", "node_${1}_x", "a")) {
      assertEquals(List.of(), problems(null, null, "x_(.+)", null, null, good, "labelmap"), good);
    }
    assertEquals(List.of("\"node-$1\" is invalid 'replacement' for labelmap action" + IN),
        problems(null, null, "__meta_kubernetes_node_label_(.+)", null, null, "node-$1",
            "labelmap"));
    assertEquals(List.of("\"\" is invalid 'replacement' for labelmap action" + IN),
        problems(null, null, "x", null, null, "", "labelmap"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"keepequal", "dropequal"})
  void equalityActionsTakeOnlySourceLabelsAndTargetLabel(String action) {
    String expected = action + " action requires only 'source_labels' and `target_label`, and no "
        + "other fields" + IN;
    // a written regex is never Prometheus' default, which it compares by identity
    assertEquals(List.of(expected), problems(A, null, "(.*)", null, "b", null, action));
    assertEquals(List.of(expected), problems(A, null, "x", null, "b", null, action));
    assertEquals(List.of(expected), problems(A, "", null, null, "b", null, action));
    assertEquals(List.of(expected), problems(A, null, null, 2, "b", null, action));
    // fields written equal to their defaults are not set
    assertEquals(List.of(), problems(A, ";", null, 0, "b", "$1", action));
  }

  @ParameterizedTest
  @ValueSource(strings = {"labeldrop", "labelkeep"})
  void labelDropAndKeepTakeOnlyARegex(String action) {
    String expected = action + " action requires only 'regex', and no other fields" + IN;
    assertEquals(List.of(expected), problems(A, null, "x", null, null, null, action));
    assertEquals(List.of(expected), problems(null, null, "x", null, "b", null, action));
    assertEquals(List.of(expected), problems(null, null, "x", 1, null, null, action));
    assertEquals(List.of(expected), problems(null, ",", "x", null, null, null, action));
    assertEquals(List.of(expected), problems(null, null, "x", null, null, "y", action));
    assertEquals(List.of(), problems(List.of(), ";", "x", 0, "", "$1", action));
  }

  @Test
  void actionsThatIgnoreAFieldTakeAnyValueInIt() {
    assertEquals(List.of(), problems(A, "", "x", 5, "not-used", "not $ used", "drop"));
    assertEquals(List.of(), problems(A, "", "x", 5, "not-used", "not $ used", "keep"));
    assertEquals(List.of(), problems(A, "", "x_(.+)", 5, "not-used", "y_$1", "labelmap"));
    assertEquals(List.of(), problems(A, "", "x", 5, "b", "$1", "replace"));
  }

  @Test
  void theActionIsReadLowerCasedAndRenderedAsWritten() {
    RelabelRule rule = new RelabelRule(A, null, "worker-.*", null, null, null, "Keep");
    assertEquals(List.of(), rule.problems(OWNER));
    assertEquals("keep", rule.actionOrDefault());
    assertEquals(Map.of("source_labels", A, "regex", "worker-.*", "action", "Keep"),
        rule.toYaml());
    // Go lower-cases each code point, so the Kelvin sign is a k
    assertEquals("keep", new RelabelRule(A, null, "x", null, null, null, "\u212Aeep")
        .actionOrDefault());
    assertEquals(List.of("\"B-b\" is invalid 'target_label' for lowercase action" + IN),
        problems(A, null, null, null, "B-b", null, "LowerCase"));
    assertEquals("replace", new RelabelRule(A, null, null, null, "b", null, null)
        .actionOrDefault());
  }

  @Test
  void anUnknownActionIsNamedAsWrittenAndNothingElseIsChecked() {
    assertEquals(List.of("unknown relabel action \"Keeps\"" + IN),
        problems(List.of("bad-label"), null, "[", null, null, null, "Keeps"));
    assertEquals(List.of("unknown relabel action \"\"" + IN),
        problems(A, null, null, null, null, null, ""));
  }

  @Test
  void aNegativeModulusIsRefusedForEveryAction() {
    assertEquals(List.of("invalid modulus -1" + IN + ": cannot unmarshal !!int `-1` into uint64"),
        problems(A, null, "x", -1, null, null, "drop"));
    assertEquals(List.of("invalid modulus -3" + IN + ": cannot unmarshal !!int `-3` into uint64"),
        problems(A, null, null, -3, "shard", null, "hashmod"));
  }

  @Test
  void everyProblemOfOneRuleIsListedOnceWithTheFieldsItFollowsFrom() {
    assertEquals(List.of("invalid source label \"a-b\"" + IN,
        "relabel configuration for hashmod requires non-zero modulus" + IN,
        "relabel configuration for hashmod action requires 'target_label' value" + IN),
        problems(List.of("a-b"), null, null, null, null, null, "hashmod"));
    // the replacement is named once, not again among the fields an equality action refuses
    assertEquals(List.of("\"$1\" is invalid 'target_label' for keepequal action" + IN,
        "'replacement' can not be set for keepequal action" + IN,
        "keepequal action requires only 'source_labels' and `target_label`, and no other fields"
            + IN), problems(A, "", null, null, "$1", "x", "keepequal"));
  }

  /** Prometheus' own form of the pattern, to compare on strings short enough for Java. */
  private static final Pattern PROMETHEUS_RELABEL_TARGET =
      Pattern.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");

  @Test
  void relabelTargetTakesTheStringsPrometheusPatternTakes() {
    char[] alphabet = {'a', '1', '_', '$', '{', '}', '-'};
    List<String> disagreements = new ArrayList<>();
    int matched = 0;
    for (int length = 0; length <= 6; length++) {
      int count = (int) Math.pow(alphabet.length, length);
      char[] text = new char[length];
      for (int n = 0; n < count; n++) {
        for (int i = 0, rest = n; i < length; i++, rest /= alphabet.length) {
          text[i] = alphabet[rest % alphabet.length];
        }
        String candidate = new String(text);
        boolean prometheus = PROMETHEUS_RELABEL_TARGET.matcher(candidate).matches();
        matched += prometheus ? 1 : 0;
        if (prometheus != RelabelRule.isRelabelTarget(candidate)) {
          disagreements.add(candidate);
        }
      }
    }
    assertEquals(List.of(), disagreements);
    assertEquals(2636, matched); // so the comparison covers both verdicts
  }

  @Test
  void relabelTargetTakesLinearTimeOnLongInput() {
    String hostile = "a$a".repeat(10_000) + "-";
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertEquals(false, RelabelRule.isRelabelTarget(hostile)));
    assertEquals(true, RelabelRule.isRelabelTarget("a$a".repeat(10_000)));
  }

  /** A profile's relabel rules are YAML to embedders; the planner's model of them is its own. */
  @Test
  void relabelRulesAreNotPartOfCoresPublicApi() {
    assertFalse(Modifier.isPublic(RelabelRule.class.getModifiers()),
        "RelabelRule is public, yet nothing outside io.promcc.core.plan uses it");
  }
}
