package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Job templates that share one Prometheus job ({@code shared_job}): which templates may share,
 * and the relabel rules that make one job scrape exactly the targets, with exactly the labels,
 * that the templates' separate jobs would.
 *
 * <p>Why: Prometheus 2.x compares every service-discovery block of every job with every running
 * discovery provider on each reload, and keeps one scrape pool per job; fewer jobs with the same
 * discovery cost less, while the discovery itself (one provider per distinct block) is the same.
 *
 * <p>How: each discovered target is claimed by the first member, in profile order, whose
 * <em>selection</em> matches: its namespace and service allow-lists and the {@code keep} rules at
 * the start of its {@code relabel_configs}. The claim is kept in the temporary label
 * {@value #CLASS}; the target's {@code job} label becomes the member's own job name
 * ({@code <prefix>-<cluster>-<template>}); every later rule of a member (its other relabel rules,
 * its path rewrite, its metrics path and scheme) applies only to targets it claimed, and
 * unclaimed targets are dropped. A member's metric relabel rules apply only to samples whose
 * {@code job} label is the member's. So the members' targets must not overlap: a target that two
 * members' selections match is scraped once, by the first.
 *
 * <p>A condition is written into a rule by prefixing its source labels with the label that
 * carries the claim (or {@code job}) and its regular expression with that label's value and the
 * separator. That is exact because a member's name and a job name consist of lower-case letters,
 * digits, {@code -} and {@code _} only, while the separator must hold some other character: the
 * prefix can only match the one value. Stateless.
 */
final class SharedJobs {
  /** Which member claimed a target. */
  static final String CLASS = "__tmp_promcc_class";
  /** Counts matched selection rules of a member with more than one. */
  static final String COUNT = "__tmp_promcc_count";
  /** Set while a conditional {@code keep} rule decides. */
  static final String FLAG = "__tmp_promcc_keep";
  /** Never set: stands in for a rule's empty source list. */
  static final String NONE = "__tmp_promcc_none";
  /** A word character to Go's {@code \b}: ASCII letters, digits and underscore. */
  private static final Pattern WORD_CHARACTER = Pattern.compile("[A-Za-z0-9_]");
  private static final String RESERVED = "__tmp_promcc_";

  private static final String NAMESPACE = "__meta_kubernetes_namespace";
  private static final String SERVICE = "__meta_kubernetes_service_name";
  private static final Set<String> ACTIONS = Set.of("replace", "keep", "drop");
  /** Labels Prometheus sets from the job before relabelling; a shared job sets them later. */
  private static final Set<String> JOB_LABELS = Set.of("job", "__metrics_path__", "__scheme__",
      "__scrape_interval__", "__scrape_timeout__");
  private static final Pattern NAME_CHARACTERS = Pattern.compile("[-a-z0-9_]*");
  /** The name labels of discovered objects: pods, nodes, services, endpoints, ... */
  private static final Pattern OBJECT_NAME_LABEL =
      Pattern.compile("__meta_kubernetes_(pod|node|service|endpoints|endpointslice|ingress)_name");
  private static final Pattern WHOLE_MATCH = Pattern.compile("\\$(\\{0+}|0+(?![0-9A-Za-z_]))");

  private SharedJobs() {}

  /**
   * One Prometheus job made per cluster: one template, or the templates sharing a job.
   *
   * @param name the job name's suffix: the template's name, or the shared job's
   * @param members the templates, in profile order; more than one only for a shared job
   */
  record Unit(String name, List<JobTemplate> members) {
    Unit {
      members = List.copyOf(members);
    }

    boolean shared() {
      return members.size() > 1;
    }

    JobTemplate first() {
      return members.get(0);
    }
  }

  /**
   * The jobs of {@code templates}, in profile order: a shared job takes the place of its first
   * member. A shared job with one member (e.g. after {@code remove}) is an ordinary job named
   * after the template.
   */
  static List<Unit> units(List<JobTemplate> templates) {
    Map<String, List<JobTemplate>> groups = groups(templates);
    List<Unit> units = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (JobTemplate template : templates) {
      List<JobTemplate> group = template.sharedJob() == null ? null
          : groups.get(template.sharedJob());
      if (group == null || group.size() == 1) {
        units.add(new Unit(template.name(), List.of(template)));
      } else if (placed.add(template.sharedJob())) {
        units.add(new Unit(template.sharedJob(), group));
      }
    }
    return units;
  }

  private static Map<String, List<JobTemplate>> groups(List<JobTemplate> templates) {
    Map<String, List<JobTemplate>> groups = new LinkedHashMap<>();
    for (JobTemplate template : templates) {
      if (template.sharedJob() != null) {
        groups.computeIfAbsent(template.sharedJob(), name -> new ArrayList<>()).add(template);
      }
    }
    return groups;
  }

  /** Why {@code templates} cannot share their jobs as they say; empty if they can. */
  static List<String> problems(List<JobTemplate> templates) {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    templates.forEach(template -> names.add(template.name()));
    groups(templates).forEach((job, members) -> {
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
        int leading = leadingKeeps(member);
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

  /** How many rules at the start of the template's relabel_configs are {@code keep} rules. */
  static int leadingKeeps(JobTemplate template) {
    int count = 0;
    for (RelabelRule rule : template.relabelConfigs()) {
      if (!"keep".equals(rule.actionOrDefault())) {
        break;
      }
      count++;
    }
    return count;
  }

  /**
   * The namespace and service allow-lists of {@code template} as one keep rule. Namespace and
   * service names cannot hold the separator {@code ;}, so one rule over both labels decides like
   * the two separate rules of a job of its own.
   */
  static Optional<RelabelRule> allowList(JobTemplate template) {
    List<String> sources = new ArrayList<>();
    List<String> regexes = new ArrayList<>();
    if (!template.namespaces().isEmpty()) {
      sources.add(NAMESPACE);
      regexes.add(String.join("|", template.namespaces()));
    }
    if (!template.services().isEmpty()) {
      sources.add(SERVICE);
      regexes.add(String.join("|", template.services()));
    }
    if (sources.isEmpty()) {
      return Optional.empty();
    }
    String regex = regexes.size() == 1 ? regexes.get(0)
        : "(?:" + regexes.get(0) + ");(?:" + regexes.get(1) + ")";
    return Optional.of(RelabelRule.keep(sources, regex));
  }

  /** The rules that decide which member claims a target, then drop unclaimed targets. */
  static List<RelabelRule> claims(Unit unit) {
    List<RelabelRule> rules = new ArrayList<>();
    for (JobTemplate member : unit.members()) {
      List<RelabelRule> selection = new ArrayList<>();
      allowList(member).ifPresent(selection::add);
      selection.addAll(member.relabelConfigs().subList(0, leadingKeeps(member)));
      String name = RelabelRule.escapeReplacement(member.name());
      if (selection.isEmpty()) {
        rules.add(RelabelRule.replace(List.of(CLASS), "", CLASS, name));
      } else if (selection.size() == 1) {
        RelabelRule keep = selection.get(0);
        rules.add(new RelabelRule(withCondition(CLASS, keep), keep.separator(),
            RelabelRule.quoteMeta(keep.separatorOrDefault()) + "(?:"
                + RegexAnchors.unanchored(keep.regexOrDefault()) + ")",
            null, CLASS, name, null));
      } else {
        // a counter of matched rules, started only for a target no member has claimed yet
        rules.add(RelabelRule.replace(List.of(CLASS), "", COUNT, "1"));
        for (int i = 0; i < selection.size(); i++) {
          RelabelRule keep = selection.get(i);
          rules.add(new RelabelRule(withCondition(COUNT, keep), keep.separator(),
              "1".repeat(i + 1) + RelabelRule.quoteMeta(keep.separatorOrDefault()) + "(?:"
                  + RegexAnchors.unanchored(keep.regexOrDefault()) + ")", null, COUNT,
              "1".repeat(i + 2), null));
        }
        rules.add(RelabelRule.replace(List.of(CLASS, COUNT), ";" + "1".repeat(selection.size() + 1),
            CLASS, name));
      }
    }
    rules.add(RelabelRule.drop(List.of(CLASS), ""));
    return rules;
  }

  /**
   * The rules of {@code member} that follow its selection, each applied only to the targets it
   * claimed: its metrics path and scheme where they differ from the job's, the rest of its
   * relabel_configs, and {@code pathRewrite}.
   */
  static List<RelabelRule> memberRules(JobTemplate member, JobTemplate first,
      List<RelabelRule> pathRewrite) {
    List<RelabelRule> rules = new ArrayList<>();
    String claimed = RelabelRule.quoteMeta(member.name());
    if (!member.path().equals(first.path())) {
      rules.add(RelabelRule.replace(List.of(CLASS), claimed, "__metrics_path__",
          RelabelRule.escapeReplacement(member.path())));
    }
    if (!member.scheme().equals(first.scheme())) {
      rules.add(RelabelRule.replace(List.of(CLASS), claimed, "__scheme__", member.scheme()));
    }
    List<RelabelRule> rest = new ArrayList<>(
        member.relabelConfigs().subList(leadingKeeps(member), member.relabelConfigs().size()));
    rest.addAll(pathRewrite);
    for (RelabelRule rule : rest) {
      rules.addAll(when(CLASS, member.name(), rule));
    }
    return rules;
  }

  /** Rules that remove the temporary labels, so they take no part in telling targets apart. */
  static List<RelabelRule> cleanUp(Unit unit) {
    List<RelabelRule> rules = new ArrayList<>();
    rules.add(RelabelRule.setLabel(CLASS, ""));
    boolean counted = unit.members().stream().anyMatch(member ->
        allowList(member).map(rule -> 1).orElse(0) + leadingKeeps(member) > 1);
    if (counted) {
      rules.add(RelabelRule.setLabel(COUNT, ""));
    }
    return rules;
  }

  /**
   * {@code rule}, applied only where {@code label} is {@code value}: one rule for
   * {@code replace} and {@code drop}; for {@code keep}, a flag set where the condition and the
   * rule match, a drop where the condition holds and the flag is not set, and the flag removed.
   */
  static List<RelabelRule> when(String label, String value, RelabelRule rule) {
    List<String> sources = withCondition(label, rule);
    String condition = RelabelRule.quoteMeta(value)
        + RelabelRule.quoteMeta(rule.separatorOrDefault());
    if (isObjectNameRequired(rule)) {
      // "the object has a name": a Kubernetes object name never holds a line break (which ".+"
      // would not match), so "drop where it is empty" decides the same with one rule
      return List.of(new RelabelRule(sources, rule.separator(), condition, null, null, null,
          "drop"));
    }
    String regex = condition + "(?:" + RegexAnchors.unanchored(rule.regexOrDefault()) + ")";
    return switch (rule.actionOrDefault()) {
      case "replace" -> List.of(new RelabelRule(sources, rule.separator(), regex, null,
          rule.targetLabel(), rule.replacement(), null));
      case "drop" -> List.of(new RelabelRule(sources, rule.separator(), regex, null, null, null,
          "drop"));
      case "keep" -> List.of(
          new RelabelRule(sources, rule.separator(), regex, null, FLAG, "1", null),
          RelabelRule.drop(List.of(label, FLAG), RelabelRule.quoteMeta(value) + ";"),
          RelabelRule.setLabel(FLAG, ""));
      default -> throw new IllegalArgumentException("action "
          + Quoting.quote(rule.actionOrDefault()) + " cannot be made conditional");
    };
  }

  /** A keep rule that asks only for a discovered Kubernetes object's name to be present. */
  private static boolean isObjectNameRequired(RelabelRule rule) {
    return "keep".equals(rule.actionOrDefault()) && ".+".equals(rule.regex())
        && rule.sourceLabels().size() == 1
        && OBJECT_NAME_LABEL.matcher(rule.sourceLabels().get(0)).matches();
  }

  private static List<String> withCondition(String label, RelabelRule rule) {
    List<String> sources = new ArrayList<>();
    sources.add(label);
    if (rule.sourceLabels().isEmpty()) {
      sources.add(NONE);
    } else {
      sources.addAll(rule.sourceLabels());
    }
    return sources;
  }
}
