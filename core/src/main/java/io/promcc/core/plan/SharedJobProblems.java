package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Why job templates cannot share their jobs as they say ({@code shared_job}): the conditions under
 * which {@link SharedJobs}' rules make one job scrape exactly what the templates' separate jobs
 * would. Stateless.
 */
final class SharedJobProblems {
  /** A word character to Go's {@code \b}: ASCII letters, digits and underscore. */
  private static final Pattern WORD_CHARACTER = Pattern.compile("[A-Za-z0-9_]");
  private static final String RESERVED = "__tmp_promcc_";

  private static final Set<String> ACTIONS = Set.of("replace", "keep", "drop");
  /** Labels Prometheus sets from the job before relabelling; a shared job sets them later. */
  private static final Set<String> JOB_LABELS = Set.of("job", "__metrics_path__", "__scheme__",
      "__scrape_interval__", "__scrape_timeout__");
  private static final Pattern NAME_CHARACTERS = Pattern.compile("[-a-z0-9_]*");
  private static final Pattern WHOLE_MATCH = Pattern.compile("\\$(\\{0+}|0+(?![0-9A-Za-z_]))");

  private SharedJobProblems() {}

  /** Why {@code templates} cannot share their jobs as they say; empty if they can. */
  static List<String> problems(List<JobTemplate> templates) {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    templates.forEach(template -> names.add(template.name()));
    SharedJobs.groups(templates).forEach((job, members) -> {
      String subject = "shared job " + Quoting.quote(job);
      if (names.contains(job)) {
        problems.add(subject + " has the name of a job template");
      }
      if (members.size() < 2) {
        return;
      }
      JobTemplate first = members.get(0);
      for (JobTemplate member : members) {
        String owner = "job template " + Quoting.quote(member.name());
        if (member.target() == TargetKind.ETCD) {
          problems.add(owner + " in " + subject + ": target \"etcd\" has no discovery to share");
          continue;
        }
        if (!Objects.equals(member.role(), first.role())) {
          problems.add(owner + " in " + subject + " has role " + Quoting.quote(member.role())
              + ", job template " + Quoting.quote(first.name()) + " has role "
              + Quoting.quote(first.role()));
        }
        sameDuration(problems, "scrape_interval", member.scrapeInterval(),
            first.scrapeInterval(), member, first, subject);
        sameDuration(problems, "scrape_timeout", member.scrapeTimeout(), first.scrapeTimeout(),
            member, first, subject);
        same(problems, "honor_labels", member.honorLabels(), first.honorLabels(), member, first,
            subject);
        if (Boolean.TRUE.equals(member.honorLabels())) {
          problems.add(owner + " in " + subject + " sets honor_labels: the job's metric rules "
              + "tell its templates apart by the job label, which scraped data may not replace");
        }
        int leading = SharedJobs.leadingKeeps(member);
        checkRules(problems, member.relabelConfigs(), "relabel_configs", owner, subject, leading);
        checkRules(problems, member.metricRelabelConfigs(), "metric_relabel_configs", owner,
            subject, 0);
      }
    });
    return problems;
  }

  /** As {@link #same}, for durations as Prometheus reads them: {@code 1m} is {@code 60s}. */
  private static void sameDuration(List<String> problems, String field, String value,
      String firsts, JobTemplate member, JobTemplate first, String subject) {
    if (!Objects.equals(length(value), length(firsts))) {
      same(problems, field, value, firsts, member, first, subject);
    }
  }

  /**
   * The length of a duration, null where Prometheus reads none ({@code 0} or unset), or the text
   * itself if it is no duration (reported apart).
   */
  private static Object length(String text) {
    if (text == null || Durations.isZero(text)) {
      return null;
    }
    return Durations.parse(text).<Object>map(length -> length).orElse(text);
  }

  private static void same(List<String> problems, String field, Object value, Object firsts,
      JobTemplate member, JobTemplate first, String subject) {
    if (!Objects.equals(value, firsts)) {
      problems.add(field + " of job template " + Quoting.quote(member.name()) + " ("
          + shown(value) + ") differs from that of job template " + Quoting.quote(first.name())
          + " (" + shown(firsts) + ") in " + subject);
    }
  }

  private static String shown(Object value) {
    return value == null ? "unset" : Quoting.quote(value.toString());
  }

  private static void checkRules(List<String> problems, List<RelabelRule> rules, String field,
      String owner, String subject, int selecting) {
    for (int i = 0; i < rules.size(); i++) {
      RelabelRule rule = rules.get(i);
      String ruleOwner = field + "[" + i + "] of " + owner;
      String action = rule.actionOrDefault();
      if (!ACTIONS.contains(action)) {
        problems.add("action " + Quoting.quote(action) + " of " + ruleOwner + " cannot be used in "
            + subject + " (only replace, keep and drop can)");
        continue;
      }
      if (NAME_CHARACTERS.matcher(rule.separatorOrDefault()).matches()) {
        problems.add("separator " + Quoting.quote(rule.separatorOrDefault()) + " of " + ruleOwner
            + " cannot be used in " + subject + " (it needs a character other than lower-case "
            + "letters, digits, '-' and '_')");
      }
      List<String> labels = new ArrayList<>(rule.sourceLabels());
      if (rule.targetLabel() != null) {
        labels.add(rule.targetLabel());
      }
      labels.stream().filter(label -> label.startsWith(RESERVED)).findFirst().ifPresent(label ->
          problems.add(ruleOwner + " uses the reserved label " + Quoting.quote(label)));
      if ("replace".equals(action) && rule.targetLabel() != null) {
        if (rule.targetLabel().equals("job")) {
          problems.add(ruleOwner + " sets \"job\", which " + subject + " sets itself");
        } else if (rule.targetLabel().contains("$")) {
          problems.add(ruleOwner + " has a computed target label "
              + Quoting.quote(rule.targetLabel()) + ", which " + subject
              + " cannot tell from \"job\"");
        }
      }
      String regex = rule.regexOrDefault();
      boolean checked = Re2Syntax.problem(regex).isEmpty(); // else the rule's own check says so
      String separator = rule.separatorOrDefault();
      if (checked && !separator.isEmpty() && RegexAnchors.hasWordBoundary(regex)
          && WORD_CHARACTER.matcher(separator.substring(separator.length() - 1)).matches()) {
        problems.add(ruleOwner + " has a word boundary (\\b or \\B) in its regex "
            + Quoting.quote(regex) + ", which " + subject + " cannot keep with a separator that "
            + "ends in a word character (" + Quoting.quote(separator) + "): one at the start "
            + "would be judged against the separator, not the start of the text");
      }
      if (checked && RegexAnchors.closesOuterGroup(regex)) {
        problems.add(ruleOwner + " has a regex " + Quoting.quote(regex) + " whose parentheses "
            + "close the group Prometheus puts around it (^(?:...)$), which " + subject
            + " cannot keep: its condition would hold for the first alternative only; balance "
            + "the parentheses (Prometheus reads x)|(.* as (?:x)|(?:.*))");
      }
      if (checked && RegexAnchors.hasInnerAnchor(regex)) {
        problems.add(ruleOwner + " has an anchor (^, $, \\A or \\z) inside its regex "
            + Quoting.quote(regex) + ", which " + subject + " cannot keep: it "
            + "puts a condition in front of the expression (Prometheus anchors every regex, so "
            + "one at its start or end is not needed, and " + subject + " leaves those out)");
      }
      String replacement = rule.replacement() == null ? "" : rule.replacement();
      if (WHOLE_MATCH.matcher(replacement).find()
          || WHOLE_MATCH.matcher(rule.targetLabel() == null ? "" : rule.targetLabel()).find()) {
        problems.add(ruleOwner + " refers to the whole match ($0), which " + subject
            + " extends by a condition");
      }
      if (i < selecting) {
        rule.sourceLabels().stream().filter(JOB_LABELS::contains).findFirst().ifPresent(label ->
            problems.add(ruleOwner + " selects by " + Quoting.quote(label) + ", which " + subject
                + " sets only once a template has claimed the target"));
      }
    }
  }
}
