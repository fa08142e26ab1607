package io.promcc.core.plan;

import io.promcc.core.model.LabelNames;
import io.promcc.core.model.Quoting;
import io.promcc.core.plan.TargetLabels.Setting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a template's target rules certainly take away a label Prometheus needs on a target
 * after relabelling: {@code __address__}, {@code __scrape_interval__} or
 * {@code __scrape_timeout__}. Prometheus 2.53 ({@code PopulateLabels} in scrape/target.go) sets
 * each before the rules and does not set it again after them: it drops a target without one
 * with an error ({@code no address}, {@code error parsing scrape interval: empty duration
 * string}), and promtool, which runs this on static targets, refuses the whole config. It drops
 * the target too where a rule certainly set the scrape interval or timeout to a value that is no
 * duration ({@code "abc"}, {@code "10"}, a {@code hashmod}'s number) or is 0, or the timeout
 * greater than the interval, and where a rule certainly set the address to a value with a
 * {@code /}, as a URL has ({@code "http://host:80" is not a valid hostname}), or to one without a
 * port and the scheme to neither http nor https ({@code invalid scheme}; with the
 * {@code no-default-scrape-port} feature it keeps the target and fails every scrape). Where the
 * other of the two durations is the job's from the global config, which a profile does not know,
 * {@link ConfigValidator} compares them ({@link #scrapeSettings}).
 *
 * <p>The rules followed are those of the template's job ({@link JobRenderer}): its allow-lists,
 * its own rules, the path rewrite of its target kind, then the API server as the address for the
 * kinds that go through it (so only {@code direct} and {@code etcd} targets can lose theirs).
 * The cluster labels come last and set no {@code __} label. A {@code node-proxy} or
 * {@code pod-proxy} rewrite without a port reads it from the address, so the address must reach
 * it: without, the path stays {@code /metrics} and the API server's own is scraped. The
 * {@code pod-proxy} rewrite's keep of targets with a pod name is followed for the targets it
 * keeps (those it drops need no label), unless it certainly keeps none.
 *
 * <p>The {@code etcd} template's static target has none of the discovery's labels, so a rule
 * copied from a discovered job ({@code source_labels: [__meta_kubernetes_pod_ip]}) reads an empty
 * value and, with the default regex and replacement, removes the label it sets. Of a discovered
 * target only the names are known: those Prometheus sets, {@code __address__}, {@code instance}
 * (the node role's) and {@code __meta_*} ones, each with a value that is not followed. A
 * {@code labelmap} is followed name by name where every name it may match is known (a static
 * target's, or a discovered one's where its regex can match neither {@code instance} nor a
 * {@code __meta_} name), and copies a value a rule certainly set where no other name maps to the
 * same label; elsewhere it may set any label its replacement can name, with its replacement's
 * references standing for any text, or any label at all where its regex closes the group
 * Prometheus anchors it with (it may then match parts of a name, and the rest of the name stays).
 *
 * <p>Only what is certain is reported: labels are followed while their values are known (empty
 * because nothing set them, or the text a rule certainly set, which a later rule may copy, or a
 * {@code hashmod}'s number worked out from known values as Prometheus does), and a
 * rule whose outcome depends on the cluster or the discovered object (it reads a label not
 * followed, or a label set from one, or may drop the target) ends the check without a problem. A
 * removal or a bad value is followed to the last rule: a later rule may set the label again, or
 * drop the target (which then needs none). Regular expressions run on java.util.regex against the
 * known value, anchored and searched as Prometheus 2.53 does; only plain ones on printable ASCII,
 * which Java and RE2 read alike, are judged: any other ends the check too.
 */
final class RequiredTargetLabels {
  private static final String ADDRESS = TargetLabels.ADDRESS;
  /** In the order Prometheus asks for them: its error names the first one missing. */
  private static final List<String> REQUIRED =
      List.of(ADDRESS, TargetLabels.INTERVAL, TargetLabels.TIMEOUT);
  /**
   * Regexes java.util.regex and RE2 read alike: no escape, class, anchor, flag or count (RE2
   * reads {@code {01}} as text), and no repeated group (one that can match empty keeps its last
   * non-empty iteration in RE2, an empty one in Java).
   */
  private static final Pattern PLAIN_REGEX =
      Pattern.compile("(?:[A-Za-z0-9_ ;:,/@=%!~'\".*+?|(-]|\\)(?![*+?]))*");
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7E]*");
  private static final Pattern ANY_NAME = Pattern.compile("(?s).*");

  /** A rule of the job, who wrote it, for a problem's message, and whether it is the rewrite's. */
  private record Step(RelabelRule rule, String owner, boolean rewrite) {}

  /**
   * The scrape interval and timeout a template's rules certainly leave on its targets
   * ({@link #scrapeSettings}).
   */
  record ScrapeSettings(Setting interval, Setting timeout) {}

  /**
   * A template's rules followed: the problem, if any, and the labels where the check followed
   * every rule (null where one ended it: it may drop the target, or its outcome is not known).
   */
  private record Followed(Optional<String> problem, TargetLabels labels) {
    static final Followed ENDED = new Followed(Optional.empty(), null);

    static Followed refused(String problem) {
      return new Followed(Optional.of(problem), null);
    }
  }

  private RequiredTargetLabels() {}

  /**
   * The problem of the rule that last took a required label away from the template's targets,
   * or set the interval or timeout to a value Prometheus drops them for, where no later rule may
   * set it again or drop the target; the address's first, then the interval's, then the
   * timeout's, as Prometheus checks them; or empty.
   *
   * @param owner names the template, e.g. {@code job template "etcd"}
   */
  static Optional<String> problem(JobTemplate template, String owner) {
    return follow(template, owner).problem();
  }

  /**
   * The scrape interval and timeout that the rules of a template {@link #problem} takes
   * certainly leave on its targets, each as a rule set it or as the job set it before the rules
   * (the template's own, or from the global config: {@link Setting#fromJob}); empty where a rule
   * may change either or may drop the targets.
   *
   * @param owner names the template, e.g. {@code job template "etcd"}
   */
  static Optional<ScrapeSettings> scrapeSettings(JobTemplate template, String owner) {
    Followed followed = follow(template, owner);
    if (followed.problem().isPresent() || followed.labels() == null) {
      return Optional.empty();
    }
    return followed.labels().setting(TargetLabels.INTERVAL).flatMap(interval -> followed
        .labels().setting(TargetLabels.TIMEOUT).map(timeout -> new ScrapeSettings(interval,
            timeout)));
  }

  /** What Prometheus drops for a problem: {@code its targets}, or the etcd template's one. */
  static String targets(JobTemplate template) {
    return template.target() != TargetKind.ETCD ? "its targets" : "its static target";
  }

  /** The template's rules followed: the problem, and the labels where the check reached its end. */
  private static Followed follow(JobTemplate template, String owner) {
    boolean discovered = template.target() != TargetKind.ETCD;
    String targets = targets(template);
    TargetLabels labels = new TargetLabels(discovered);
    // a duration of 0 is none: the job takes the global one, which the profile does not know
    labels.set(TargetLabels.INTERVAL, template.scrapeInterval() != null
        && !Durations.isZero(template.scrapeInterval())
        ? Setting.own(template.scrapeInterval()) : Setting.job());
    labels.set(TargetLabels.TIMEOUT, template.scrapeTimeout() != null
        && !Durations.isZero(template.scrapeTimeout())
        ? Setting.own(template.scrapeTimeout()) : Setting.job());
    Map<String, String> removals = new HashMap<>(); // why each required label went, last time
    List<Step> steps = steps(template, owner);
    for (int index = 0; index < steps.size(); index++) {
      Step step = steps.get(index);
      RelabelRule rule = step.rule();
      String action = rule.actionOrDefault().toLowerCase(Locale.ROOT);
      boolean readsNothing = rule.sourceLabels().stream().noneMatch(labels::maySet);
      Optional<String> read = read(labels, rule);
      boolean known = read.isPresent();
      String value = read.orElse("");
      if (step.rewrite() && action.equals("keep")) {
        // pod-proxy's keep of targets with a pod name: those it drops need no label, and those
        // it keeps go on to the rewrite and Prometheus' checks, unless it certainly keeps none
        Pattern regex = compile(rule, value);
        if (known && regex != null && !regex.matcher(value).find()) {
          return Followed.ENDED;
        }
        continue;
      }
      if (step.rewrite() && template.port() == null && !labels.maySet(ADDRESS)
          && rule.sourceLabels().contains(ADDRESS)) {
        // the proxy path takes the port from the address: without one it stays /metrics
        return Followed.refused(removals.get(ADDRESS) + "; the " + template.target().yamlName()
            + " rewrite reads its port from " + Quoting.quote(ADDRESS) + " (the API "
            + "server's own /metrics would be scraped instead)");
      }
      switch (action) {
        case "keep", "drop" -> {
          Pattern regex = compile(rule, value);
          if (!known || regex == null) {
            return Followed.ENDED; // it may drop the target, which then needs none of them
          }
          if (regex.matcher(value).find() != action.equals("keep")) {
            return Followed.ENDED; // it drops the target: later rules do not run
          }
        }
        case "keepequal", "dropequal" -> {
          boolean equal;
          if (rule.sourceLabels().equals(List.of(rule.targetLabel()))) {
            equal = true; // the value read is the target label's own
          } else if (known && value(labels, rule.targetLabel()).isPresent()) {
            equal = value.equals(value(labels, rule.targetLabel()).get());
          } else {
            return Followed.ENDED; // it may drop the target, which then needs none of them
          }
          if (equal != action.equals("keepequal")) {
            return Followed.ENDED; // it drops the target: later rules do not run
          }
        }
        case "labeldrop", "labelkeep" -> {
          Pattern regex = compile(rule, ADDRESS);
          if (regex == null) {
            return Followed.ENDED;
          }
          for (String label : REQUIRED) {
            boolean matches = regex.matcher(label).find();
            if (matches == action.equals("labeldrop") && labels.remove(label)) {
              removals.put(label, step.owner() + (matches
                  ? " drops " + Quoting.quote(label) + " from " + targets
                  : " keeps no " + Quoting.quote(label) + " on " + targets));
            }
          }
          // a label whose value a rule certainly set is read as empty once dropped
          for (String label : labels.settingNames()) {
            if (regex.matcher(label).find() == action.equals("labeldrop")) {
              labels.remove(label);
            }
          }
        }
        case "hashmod" -> labels.set(rule.targetLabel(), known
            ? Setting.of(rule.hashmod(value), step.owner(), index)
            : Setting.hash(rule.modulus(), step.owner(), index));
        case "replace", "lowercase", "uppercase" -> {
          if (!known) {
            if (rule.targetLabel().contains("$")) {
              return Followed.ENDED;
            }
            labels.set(rule.targetLabel());
            continue;
          }
          String target;
          String result;
          if (action.equals("replace")) {
            Pattern regex = compile(rule, value);
            if (regex == null) {
              return Followed.ENDED;
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
          } else if (PRINTABLE_ASCII.matcher(value).matches()) {
            // as Go's strings.ToLower and ToUpper change ASCII
            target = rule.targetLabel();
            result = action.equals("lowercase") ? value.toLowerCase(Locale.ROOT)
                : value.toUpperCase(Locale.ROOT);
          } else {
            labels.set(rule.targetLabel()); // not empty, whatever the case
            continue;
          }
          if (!result.isEmpty()) {
            labels.set(target, Setting.of(result, step.owner(), index));
          } else if (labels.remove(target) && REQUIRED.contains(target)) {
            removals.put(target, !readsNothing || rule.sourceLabels().isEmpty()
                ? step.owner() + " sets " + Quoting.quote(target) + " to nothing, which removes "
                    + "it from " + targets
                : step.owner() + " removes " + Quoting.quote(target) + " from " + targets
                    + ": it reads "
                    + String.join(", ", rule.sourceLabels().stream().map(Quoting::quote).toList())
                    + ", which " + (discovered ? "its targets do not have"
                        : "a static target does not have"));
          }
        }
        case "labelmap" -> {
          String replacement = rule.replacement() == null ? "$1" : rule.replacement();
          Pattern regex = compile(rule, "");
          if (regex == null || !labels.namesKnown(rule.regexOrDefault(), regex)) {
            // a regex closing the anchoring group may match parts of a name, each replaced and
            // the rest kept: "__tmp_)|(_x" and "__" map __tmp_scrape_timeout_x to the timeout
            labels.mayMap(rule.regex() != null && RegexAnchors.closesOuterGroup(rule.regex())
                ? ANY_NAME : RelabelRule.expansions(replacement));
            continue;
          }
          // Prometheus reads every value before it sets any; a mapped label's value is its
          // source's, certain where a rule certainly set that and no other source maps to it
          Map<String, Optional<Setting>> mapped = new TreeMap<>();
          int at = index;
          for (String name : labels.names()) {
            Matcher matcher = regex.matcher(name);
            if (!matcher.find()) {
              continue;
            }
            if (matcher.start() != 0 || matcher.end() != name.length()) {
              return Followed.ENDED; // Prometheus would replace the match only, in the name
            }
            Optional<Setting> copied = labels.setting(name).filter(Setting::byRule)
                .map(setting -> new Setting(setting.value(), setting.below(), step.owner(), at));
            mapped.merge(RelabelRule.expand(replacement, matcher), copied,
                (one, other) -> one.equals(other) ? one : Optional.empty());
          }
          mapped.forEach((name, copied) -> copied.ifPresentOrElse(
              setting -> labels.set(name, setting), () -> labels.set(name)));
        }
        default -> {
          return Followed.ENDED; // an action Prometheus 2.53 does not have
        }
      }
    }
    if (JobRenderer.needsAddressRewrite(template)) {
      labels.set(ADDRESS);
    }
    for (String label : REQUIRED) {
      if (!labels.maySet(label)) {
        return Followed.refused(removals.get(label));
      }
      Optional<String> refused = labels.setting(label).flatMap(setting -> label.equals(ADDRESS)
          ? RefusedSettings.address(setting, labels.setting(TargetLabels.SCHEME), targets,
              !discovered)
          : RefusedSettings.duration(label, setting, targets));
      if (refused.isPresent()) {
        return Followed.refused(refused.get());
      }
    }
    return new Followed(labels.setting(TargetLabels.INTERVAL).flatMap(interval -> labels
        .setting(TargetLabels.TIMEOUT).flatMap(timeout -> RefusedSettings.timeoutAbove(interval,
            timeout, owner, targets))), labels);
  }

  /**
   * The value a rule reads, as Prometheus joins its source labels, where each is known: empty
   * where nothing set it, or what a rule certainly set it to; or empty where one is not known.
   */
  private static Optional<String> read(TargetLabels labels, RelabelRule rule) {
    List<String> values = new ArrayList<>();
    for (String source : rule.sourceLabels()) {
      Optional<String> value = value(labels, source);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      values.add(value.get());
    }
    return Optional.of(String.join(rule.separatorOrDefault(), values));
  }

  /**
   * A label's value where it is known: empty where nothing set it, or the text a rule certainly
   * set it to (not the job's interval or timeout: Prometheus writes the label in its own form,
   * {@code 1m30s} for {@code 90s}).
   */
  private static Optional<String> value(TargetLabels labels, String name) {
    if (!labels.maySet(name)) {
      return Optional.of("");
    }
    return labels.setting(name).filter(setting -> setting.byRule() && setting.value() != null)
        .map(Setting::value);
  }

  /** The rules of the template's job up to its address rewrite, with their owners. */
  private static List<Step> steps(JobTemplate template, String owner) {
    List<Step> steps = new ArrayList<>();
    JobRenderer.allowLists(template).forEach(rule ->
        steps.add(new Step(rule, "the allow-list of " + owner, false)));
    List<RelabelRule> own = template.relabelConfigs();
    for (int i = 0; i < own.size(); i++) {
      steps.add(new Step(own.get(i), "relabel_configs[" + i + "] of " + owner, false));
    }
    JobRenderer.pathRewrite(template).forEach(rule -> steps.add(new Step(rule,
        "the " + template.target().yamlName() + " rewrite of " + owner, true)));
    return steps;
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
