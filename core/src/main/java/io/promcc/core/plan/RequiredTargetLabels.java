package io.promcc.core.plan;

import io.promcc.core.model.LabelNames;
import io.promcc.core.model.Quoting;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a template's target rules certainly take away a label Prometheus needs on a target
 * after relabelling: {@code __address__}, {@code __scrape_interval__} or
 * {@code __scrape_timeout__}. Prometheus 2.53 ({@code PopulateLabels} in scrape/target.go) sets
 * each before the rules and does not set it again after them: it drops a target without one
 * with an error ({@code no address}, {@code error parsing scrape interval: empty duration
 * string}), and promtool, which runs this on static targets, refuses the whole config.
 *
 * <p>The {@code etcd} template's static target has none of the discovery's labels, so a rule
 * copied from a discovered job ({@code source_labels: [__meta_kubernetes_pod_ip]}) reads an empty
 * value and, with the default regex and replacement, removes the label it sets; a
 * {@code labeldrop} or {@code labelkeep} may remove any of them.
 *
 * <p>Only what is certain is reported: labels are followed while their values are known (empty
 * because nothing set them), and a rule whose outcome depends on the cluster (it reads the
 * address, the job name or a label set from them, or may drop the target) ends the check
 * without a problem. A removal is followed to the last rule: a later rule may set the label
 * again, or drop the target (which then needs none). Regular expressions run on
 * java.util.regex against a value of separators only, anchored and searched as Prometheus 2.53
 * does; only plain ones on printable ASCII, which Java and RE2 read alike, are judged: any other
 * ends the check too.
 */
final class RequiredTargetLabels {
  private static final String ADDRESS = "__address__";
  /** In the order Prometheus asks for them: its error names the first one missing. */
  private static final List<String> REQUIRED =
      List.of(ADDRESS, "__scrape_interval__", "__scrape_timeout__");
  /** The labels a static target has before its rules (Prometheus' {@code PopulateLabels}). */
  private static final Set<String> PRESENT = Set.of(ADDRESS, "job", "__scheme__",
      "__metrics_path__", "__scrape_interval__", "__scrape_timeout__");
  /**
   * Regexes java.util.regex and RE2 read alike: no escape, class, anchor, flag or count (RE2
   * reads {@code {01}} as text), and no repeated group (one that can match empty keeps its last
   * non-empty iteration in RE2, an empty one in Java).
   */
  private static final Pattern PLAIN_REGEX =
      Pattern.compile("(?:[A-Za-z0-9_ ;:,/@=%!~'\".*+?|(-]|\\)(?![*+?]))*");
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7E]*");

  private RequiredTargetLabels() {}

  /**
   * The problem of the rule that last took a required label away from a static target, where no
   * later rule may set it again or drop the target; the address's first, then the interval's,
   * then the timeout's; or empty.
   *
   * @param owner names the template, e.g. {@code job template "etcd"}
   */
  static Optional<String> problem(List<RelabelRule> rules, String owner) {
    Set<String> present = new HashSet<>(PRESENT);
    Map<String, String> removals = new HashMap<>(); // why each required label went, last time
    for (int i = 0; i < rules.size(); i++) {
      RelabelRule rule = rules.get(i);
      String ruleOwner = "relabel_configs[" + i + "] of " + owner;
      String action = rule.actionOrDefault().toLowerCase(Locale.ROOT);
      boolean readsNothing = rule.sourceLabels().stream().noneMatch(present::contains);
      // with every source empty, the value is the separators between them
      String value = rule.separatorOrDefault()
          .repeat(Math.max(0, rule.sourceLabels().size() - 1));
      switch (action) {
        case "keep", "drop" -> {
          Pattern regex = compile(rule, value);
          if (!readsNothing || regex == null) {
            return Optional.empty(); // it may drop the target, which then needs none of them
          }
          if (regex.matcher(value).find() != action.equals("keep")) {
            return Optional.empty(); // it drops the target: later rules do not run
          }
        }
        case "labeldrop", "labelkeep" -> {
          Pattern regex = compile(rule, ADDRESS);
          if (regex == null) {
            return Optional.empty();
          }
          for (String label : REQUIRED) {
            boolean matches = regex.matcher(label).find();
            if (matches == action.equals("labeldrop") && present.remove(label)) {
              removals.put(label, ruleOwner + (matches
                  ? " drops " + Quoting.quote(label) + " from its static target"
                  : " keeps no " + Quoting.quote(label) + " on its static target"));
            }
          }
        }
        case "hashmod" -> present.add(rule.targetLabel());
        case "replace", "lowercase", "uppercase" -> {
          if (!readsNothing) {
            if (rule.targetLabel().contains("$")) {
              return Optional.empty();
            }
            present.add(rule.targetLabel());
            continue;
          }
          String target;
          String result;
          if (action.equals("replace")) {
            Pattern regex = compile(rule, value);
            if (regex == null) {
              return Optional.empty();
            }
            Matcher matcher = regex.matcher(value);
            if (!matcher.find()) {
              continue;
            }
            target = RelabelRule.expand(rule.targetLabel(), matcher);
            result = RelabelRule.expand(rule.replacement() == null ? "$1" : rule.replacement(),
                matcher);
            if (!LabelNames.isValid(target)) {
              continue;
            }
          } else {
            target = rule.targetLabel();
            result = value;
          }
          if (!result.isEmpty()) {
            present.add(target);
          } else if (REQUIRED.contains(target) && present.remove(target)) {
            removals.put(target, rule.sourceLabels().isEmpty()
                ? ruleOwner + " sets " + Quoting.quote(target) + " to nothing, which removes it "
                    + "from its static target"
                : ruleOwner + " removes " + Quoting.quote(target) + " from its static target: it "
                    + "reads "
                    + String.join(", ", rule.sourceLabels().stream().map(Quoting::quote).toList())
                    + ", which a static target does not have");
          } else {
            present.remove(target);
          }
        }
        default -> {
          // keepequal, dropequal, labelmap and any other: not followed
          return Optional.empty();
        }
      }
    }
    return REQUIRED.stream().filter(label -> !present.contains(label)).findFirst()
        .map(removals::get);
  }

  /**
   * The rule's regex anchored as Prometheus 2.53's {@code relabel.NewRegexp} anchors it (and
   * searched with, as Prometheus does: a regex that closes the anchoring group matches in part),
   * or null where Java and RE2 might read it or {@code input} otherwise: only plain regexes
   * ({@link #PLAIN_REGEX}) on printable ASCII are judged.
   */
  private static Pattern compile(RelabelRule rule, String input) {
    String regex = rule.regex() == null ? "(.*)" : rule.regex();
    if (!PLAIN_REGEX.matcher(regex).matches() || regex.contains("(?")
        || !PRINTABLE_ASCII.matcher(input).matches()) {
      return null;
    }
    try {
      return Pattern.compile("^(?:" + regex + ")$");
    } catch (PatternSyntaxException e) {
      return null;
    }
  }
}
