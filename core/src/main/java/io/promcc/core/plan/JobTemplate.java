package io.promcc.core.plan;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.yaml.Fields;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One scrape job made for every guest cluster, as data.
 *
 * @param name suffix of the job name ({@code <prefix>-<cluster>-<name>}); lower-case, digits, '-'
 * @param role Kubernetes service-discovery role ({@code endpoints}, {@code node}, ...);
 *     {@code null} for {@link TargetKind#ETCD}
 * @param target how targets are reached
 * @param port fixed port for {@link TargetKind#NODE_PROXY} and {@link TargetKind#POD_PROXY};
 *     {@code null} takes the discovered port
 * @param path metrics path (behind the proxy prefix where there is one)
 * @param scheme {@code https} or {@code http}
 * @param namespaces allow-list of namespaces; empty means all
 * @param services allow-list of service names; empty means all
 * @param relabelConfigs extra rules applied after the allow-lists, before the target rewrite
 * @param metricRelabelConfigs rules applied to scraped samples
 * @param scrapeInterval Prometheus duration, or {@code null} for the global default
 * @param scrapeTimeout Prometheus duration, or {@code null} for the global default
 * @param honorLabels {@code honor_labels}, or {@code null} for Prometheus' default
 * @param sharedJob name of the Prometheus job this template's targets are scraped in together
 *     with the other templates of the same name ({@code <prefix>-<cluster>-<sharedJob>}; each
 *     target keeps this template's {@code job} label), or {@code null} for a job of its own.
 *     Which templates may share a job: docs/profile.md, "Templates sharing a job".
 */
public record JobTemplate(
    String name,
    String role,
    TargetKind target,
    Integer port,
    String path,
    String scheme,
    List<String> namespaces,
    List<String> services,
    List<RelabelRule> relabelConfigs,
    List<RelabelRule> metricRelabelConfigs,
    String scrapeInterval,
    String scrapeTimeout,
    Boolean honorLabels,
    String sharedJob) {

  static final Set<String> ROLES =
      Set.of("endpoints", "endpointslice", "node", "pod", "service", "ingress");
  private static final Set<String> FIELDS = Set.of("name", "role", "target", "port", "path",
      "scheme", "namespaces", "services", "relabel_configs", "metric_relabel_configs",
      "scrape_interval", "scrape_timeout", "honor_labels", "shared_job");
  private static final BigInteger MAX_PORT = BigInteger.valueOf(65535);
  static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  /**
   * A namespace's or Service's name: a DNS label (no dot, at most 63 characters), so that the
   * names joined into an allow-list's regular expression hold no metacharacter.
   */
  private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * Copies the lists; checks only that the name, target, path and scheme are not null: the rest
   * is checked where a profile is read ({@link ScrapeProfile#parse}).
   *
   * @throws NullPointerException if the name, target, path or scheme is null
   */
  public JobTemplate {
    requireNonNull(name, "name == null");
    requireNonNull(target, "target == null");
    requireNonNull(path, "path == null");
    requireNonNull(scheme, "scheme == null");
    namespaces = List.copyOf(namespaces);
    services = List.copyOf(services);
    relabelConfigs = List.copyOf(relabelConfigs);
    metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
  }

  /**
   * The name of template {@code map} as written, or null if it has none or it is no text: YAML
   * reads {@code 12}, {@code 1e3} or {@code 0x10} as a number, which is a name as written too
   * (as {@link Fields#string} takes it; so is {@code yes}, which YAML 1.1 reads as a boolean).
   */
  static String writtenName(Map<?, ?> map) {
    return new Fields(map, "job template", new ArrayList<>()).string("name", null);
  }

  /** Reads a template; returns {@code null} after adding problems if it cannot be built. */
  static JobTemplate parse(Map<?, ?> map, int index, List<String> problems) {
    String written = writtenName(map);
    String owner = written != null
        ? "job template " + Quoting.quote(written) : "job template #" + (index + 1);
    int before = problems.size();
    Fields fields = new Fields(map, owner, problems);
    fields.rejectUnknown(FIELDS);
    String name = fields.requiredString("name");
    if (name != null && (name.length() > 40 || !NAME.matcher(name).matches())) {
      problems.add("invalid job template name " + Quoting.quote(name)
          + " (lower-case letters, digits and '-', at most 40 characters)");
    }
    String targetName = fields.requiredString("target");
    TargetKind target = targetName == null ? null : TargetKind.fromYaml(targetName).orElse(null);
    if (targetName != null && target == null) {
      problems.add("unknown target " + Quoting.quote(targetName) + " in " + owner + " (one of "
          + TargetKind.allNames() + ")");
    }
    String role = fields.string("role", null);
    if (target == TargetKind.ETCD) {
      if (role != null) {
        problems.add("field \"role\" of " + owner + " must be unset for target \"etcd\"");
      }
    } else if (role == null) {
      problems.add("missing field \"role\" in " + owner);
    } else if (!ROLES.contains(role)) {
      problems.add("unknown kubernetes sd role " + Quoting.quote(role) + " in " + owner);
    }
    BigInteger read = fields.integer("port");
    Integer port = read != null && read.signum() > 0 && read.compareTo(MAX_PORT) <= 0
        ? read.intValue() : null;
    if (read != null && port == null) {
      // named as written: 0.5 is cut to 0, and 1e300 has 301 digits
      problems.add("port " + map.get("port") + " of " + owner + " is out of range");
    }
    if (read != null && target != TargetKind.NODE_PROXY && target != TargetKind.POD_PROXY) {
      problems.add("field \"port\" of " + owner + " only applies to node-proxy and pod-proxy");
    }
    String path = fields.string("path", "/metrics");
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
      problems.add("invalid metrics path " + Quoting.quote(path) + " in " + owner);
    }
    String scheme = fields.string("scheme", "https");
    if (!scheme.equals("https") && !scheme.equals("http")) {
      problems.add("invalid scheme " + Quoting.quote(scheme) + " in " + owner);
    }
    List<String> namespaces =
        objectNames(fields.strings("namespaces"), "namespace", owner, problems);
    List<String> services = objectNames(fields.strings("services"), "service", owner, problems);
    List<RelabelRule> relabel = rules(fields.list("relabel_configs"), "relabel_configs", owner,
        problems);
    List<RelabelRule> metricRelabel = rules(fields.list("metric_relabel_configs"),
        "metric_relabel_configs", owner, problems);
    String interval = duration(map, fields.string("scrape_interval", null), "scrape_interval",
        owner, problems);
    String timeout = duration(map, fields.string("scrape_timeout", null), "scrape_timeout",
        owner, problems);
    // an interval of 0 is none: the global one, which the planner compares the timeout with
    if (interval != null && timeout != null && Durations.isValid(interval)
        && !Durations.isZero(interval) && Durations.isValid(timeout)
        && Durations.toMillis(timeout) > Durations.toMillis(interval)) {
      problems.add("scrape timeout " + Quoting.quote(timeout) + " greater than scrape interval "
          + Quoting.quote(interval) + " in " + owner);
    }
    Boolean honorLabels = fields.bool("honor_labels");
    String sharedJob = fields.string("shared_job", null);
    if (sharedJob != null && (sharedJob.length() > 40 || !NAME.matcher(sharedJob).matches())) {
      problems.add("invalid shared job name " + Quoting.quote(sharedJob) + " in " + owner
          + " (lower-case letters, digits and '-', at most 40 characters)");
    }
    if (target == TargetKind.ETCD) {
      refuseSelection(namespaces, "namespaces", owner, problems);
      refuseSelection(services, "services", owner, problems);
    }
    if (problems.size() > before) {
      return null;
    }
    JobTemplate template = new JobTemplate(name, role, target, port, path, scheme, namespaces,
        services, relabel, metricRelabel, interval, timeout, honorLabels, sharedJob);
    Optional<String> unlabelled = RequiredTargetLabels.problem(template, owner);
    unlabelled.ifPresent(problems::add);
    return unlabelled.isPresent() ? null : template;
  }

  /** An allow-list of a static target: its keep rule would drop the target every time. */
  private static void refuseSelection(List<String> selection, String field, String owner,
      List<String> problems) {
    if (!selection.isEmpty()) {
      problems.add("field " + Quoting.quote(field) + " of " + owner + " does not apply to target "
          + "\"etcd\" (a static target has no namespace or service: it would never be scraped)");
    }
  }

  private static List<String> objectNames(List<String> names, String what, String owner,
      List<String> problems) {
    for (String name : names) {
      if (name.length() > 63 || !OBJECT_NAME.matcher(name).matches()) {
        problems.add("invalid " + what + " name " + Quoting.quote(name) + " in " + owner);
      }
    }
    return names;
  }

  private static List<RelabelRule> rules(List<?> items, String field, String owner,
      List<String> problems) {
    List<RelabelRule> rules = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String ruleOwner = field + "[" + i + "] of " + owner;
      if (items.get(i) instanceof Map<?, ?> map) {
        rules.add(RelabelRule.parse(map, ruleOwner, problems));
      } else {
        problems.add(ruleOwner + " must be a mapping");
      }
    }
    return rules;
  }

  /**
   * The duration at {@code field}, a problem added if it is none; one written {@code Null} or
   * {@code NULL}, which Prometheus' YAML hands a duration as the empty text, is refused as
   * Prometheus refuses it, where {@code ~} is unset (as the base config's durations are read).
   */
  private static String duration(Map<?, ?> map, String value, String field, String owner,
      List<String> problems) {
    if (Fields.isNullWord(map, field)) {
      problems.add(Durations.EMPTY + " (" + field + " of " + owner + ")");
    } else if (value != null && !Durations.isValid(value)) {
      problems.add("not a valid duration string: " + Quoting.quote(value) + " (" + field + " of "
          + owner + ")");
    }
    return value;
  }
}
