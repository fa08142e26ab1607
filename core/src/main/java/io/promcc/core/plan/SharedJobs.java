package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Job templates that share one Prometheus job ({@code shared_job}): which templates may share
 * ({@link SharedJobProblems} says why others may not), and the relabel rules that make one job
 * scrape exactly the targets, with exactly the labels, that the templates' separate jobs would.
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

  private static final String NAMESPACE = "__meta_kubernetes_namespace";
  private static final String SERVICE = "__meta_kubernetes_service_name";
  /** The name labels of discovered objects: pods, nodes, services, endpoints, ... */
  private static final Pattern OBJECT_NAME_LABEL =
      Pattern.compile("__meta_kubernetes_(pod|node|service|endpoints|endpointslice|ingress)_name");

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

  static Map<String, List<JobTemplate>> groups(List<JobTemplate> templates) {
    Map<String, List<JobTemplate>> groups = new LinkedHashMap<>();
    for (JobTemplate template : templates) {
      if (template.sharedJob() != null) {
        groups.computeIfAbsent(template.sharedJob(), name -> new ArrayList<>()).add(template);
      }
    }
    return groups;
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
