package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a template's target rules certainly take {@code __address__} away from a static target
 * (the {@code etcd} template's). Such a target has none of the discovery's labels, so a rule
 * copied from a discovered job ({@code source_labels: [__meta_kubernetes_pod_ip]}) reads an empty
 * value and, with the default regex and replacement, removes the address: Prometheus drops the
 * target and promtool refuses the whole config ({@code no address}).
 *
 * <p>Only what is certain is reported: labels are followed while their values are known (empty
 * because nothing set them), and a rule whose outcome depends on the cluster (it reads the
 * address, the job name or a label set from them) ends the check without a problem. Regular
 * expressions run on java.util.regex against a value of separators only, anchored as Prometheus
 * 2.53 anchors them; one Java does not compile, or reads otherwise, ends the check too.
 */
final class StaticTargetAddress {
  private static final String ADDRESS = "__address__";
  /** The labels a static target has before its rules (Prometheus' {@code PopulateLabels}). */
  private static final Set<String> PRESENT = Set.of(ADDRESS, "job", "__scheme__",
      "__metrics_path__", "__scrape_interval__", "__scrape_timeout__");
  /** What RE2 and Java read differently: the ungreedy flag, POSIX classes ({@code [:alpha:]}). */
  private static final Pattern READ_OTHERWISE = Pattern.compile("\\(\\?[a-zA-Z-]*U|\\[:");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private StaticTargetAddress() {}

  /**
   * The problem of the first of {@code rules} that certainly leaves the target without an
   * address, or empty.
   *
   * @param owner names the template, e.g. {@code job template "etcd"}
   */
  static Optional<String> problem(List<RelabelRule> rules, String owner) {
    Set<String> present = new HashSet<>(PRESENT);
    for (int i = 0; i < rules.size(); i++) {
      RelabelRule rule = rules.get(i);
      String ruleOwner = "relabel_configs[" + i + "] of " + owner;
      Pattern regex = compile(rule.regex() == null ? "(.*)" : rule.regex());
      if (regex == null) {
        return Optional.empty();
      }
      String action = rule.actionOrDefault().toLowerCase(Locale.ROOT);
      switch (action) {
        case "keep", "drop", "keepequal", "dropequal" -> { }
        case "labeldrop" -> {
          if (regex.matcher(ADDRESS).matches()) {
            return Optional.of(ruleOwner + " drops \"__address__\" from its static target");
          }
        }
        case "labelkeep" -> {
          if (!regex.matcher(ADDRESS).matches()) {
            return Optional.of(ruleOwner + " keeps no \"__address__\" on its static target");
          }
        }
        case "hashmod" -> present.add(rule.targetLabel());
        case "replace", "lowercase", "uppercase" -> {
          List<String> read = rule.sourceLabels().stream().filter(present::contains).toList();
          if (!read.isEmpty()) {
            if (rule.targetLabel().contains("$")) {
              return Optional.empty();
            }
            present.add(rule.targetLabel());
            continue;
          }
          // every source is empty: the value is the separators between them
          String value = rule.separatorOrDefault()
              .repeat(Math.max(0, rule.sourceLabels().size() - 1));
          Matcher matcher = regex.matcher(value);
          String target;
          String result;
          if (action.equals("replace")) {
            if (!matcher.matches()) {
              continue;
            }
            target = RelabelRule.expand(rule.targetLabel(), matcher);
            result = RelabelRule.expand(rule.replacement() == null ? "$1" : rule.replacement(),
                matcher);
            if (!LABEL_NAME.matcher(target).matches()) {
              continue;
            }
          } else {
            target = rule.targetLabel();
            result = value;
          }
          if (!result.isEmpty()) {
            present.add(target);
          } else if (target.equals(ADDRESS)) {
            return Optional.of(rule.sourceLabels().isEmpty()
                ? ruleOwner + " sets \"__address__\" to nothing, which removes it from its "
                    + "static target"
                : ruleOwner + " removes \"__address__\" from its static target: it reads "
                    + String.join(", ", rule.sourceLabels().stream().map(Quoting::quote).toList())
                    + ", which a static target does not have");
          } else {
            present.remove(target);
          }
        }
        default -> {
          // labelmap and any other: labels named by the data, not followed
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code regex} anchored as Prometheus 2.53's {@code relabel.NewRegexp}, or null if Java does
   * not compile it, or reads it otherwise: the flag {@code U} is ungreedy in RE2 and Unicode
   * classes in Java, which gives the groups other text; {@code [[:alpha:]]} is a class of
   * letters in RE2 and of the characters {@code :alph} in Java.
   */
  private static Pattern compile(String regex) {
    if (READ_OTHERWISE.matcher(regex).find()) {
      return null;
    }
    try {
      return Pattern.compile("^(?:" + regex + ")$", Pattern.UNIX_LINES);
    } catch (PatternSyntaxException e) {
      return null;
    }
  }
}
