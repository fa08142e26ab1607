package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
import io.promcc.core.plan.TargetLabels.Setting;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.core.yaml.Fields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a planned configuration before anything leaves the core: unique job names, durations,
 * label names, and that every file an owned job names is part of the desired state. Every problem
 * is reported, in Prometheus' wording where Prometheus has one.
 */
final class ConfigValidator {
  private final List<String> problems = new ArrayList<>();
  private final Set<String> jobNames = new HashSet<>();

  /** Prometheus' global scrape interval when the base config sets none (or 0). */
  private static final String DEFAULT_INTERVAL = "1m";
  /** Prometheus' global scrape timeout where the base config sets none (or 0). */
  private static final String DEFAULT_TIMEOUT = "10s";

  /** The global interval the user's own jobs take where they set none; set by checkGlobal. */
  private String globalInterval = DEFAULT_INTERVAL;

  /** Checks the base config's {@code global} block. */
  void checkGlobal(Map<String, Object> base) {
    globalInterval = globalInterval(base);
    if (base.get("global") instanceof Map<?, ?> global) {
      checkDurations(global, "global config", DEFAULT_INTERVAL);
    }
  }

  /**
   * The global scrape interval Prometheus ends up with: the base config's, or its default 1m
   * where that sets none or 0 (a bad duration is reported by {@link #checkGlobal}).
   */
  private static String globalInterval(Map<String, Object> base) {
    if (base.get("global") instanceof Map<?, ?> global && global.get("scrape_interval") != null
        && !Durations.isZero(Fields.asText(global.get("scrape_interval")))) {
      return Fields.asText(global.get("scrape_interval"));
    }
    return DEFAULT_INTERVAL;
  }

  /**
   * The global scrape timeout Prometheus ends up with: the base config's, or where it sets none
   * (or 0) Prometheus' default 10s, lowered to the global {@code interval} where that is
   * shorter; null where the base config's is no duration or longer than the interval (reported
   * by {@link #checkGlobal}).
   */
  private static String globalTimeout(Map<String, Object> base, String interval) {
    Object set = base.get("global") instanceof Map<?, ?> global
        ? global.get("scrape_timeout") : null;
    if (set == null || Durations.isZero(Fields.asText(set))) {
      return longer(DEFAULT_TIMEOUT, interval) ? interval : DEFAULT_TIMEOUT;
    }
    String timeout = Fields.asText(set);
    return Durations.isValid(timeout) && !longer(timeout, interval) ? timeout : null;
  }

  /**
   * Checks the templates against the global scrape interval and timeout (Prometheus' defaults
   * 1m and 10s where the base config sets none), as Prometheus does once their jobs take them:
   * the timeout of a template that sets no interval of its own, and a scrape interval or timeout
   * its rules certainly set against the other one, where that is the job's from the global
   * config.
   */
  void checkTemplateTimeouts(Map<String, Object> base, List<JobTemplate> templates) {
    String interval = globalInterval(base);
    if (!Durations.isValid(interval)) {
      return; // reported as a bad duration
    }
    String globalTimeout = globalTimeout(base, interval);
    long intervalMillis = Durations.toMillis(interval);
    for (JobTemplate template : templates) {
      String timeout = template.scrapeTimeout();
      boolean ownInterval = template.scrapeInterval() != null
          && !Durations.isZero(template.scrapeInterval());
      if (!ownInterval && timeout != null && Durations.isValid(timeout)
          && Durations.toMillis(timeout) > intervalMillis) {
        problems.add("scrape timeout " + Quoting.quote(timeout) + " of job template "
            + Quoting.quote(template.name()) + " greater than the global scrape interval "
            + Quoting.quote(interval));
      }
      if (globalTimeout != null) {
        checkRuleDurations(template, interval, globalTimeout);
      }
    }
  }

  /**
   * Checks a scrape interval or timeout the template's rules certainly set against the other
   * one, where that is the job's from the global config: Prometheus drops every target whose
   * timeout is greater than its interval. A job without an interval of its own takes the global
   * one; without a timeout of its own, the global one, lowered to the job's interval where that
   * is shorter (Prometheus' {@code ScrapeConfig.Validate}). The template's own values are
   * compared with its rules' when the profile is read ({@link RequiredTargetLabels}).
   */
  private void checkRuleDurations(JobTemplate template, String globalInterval,
      String globalTimeout) {
    String owner = "job template " + Quoting.quote(template.name());
    RequiredTargetLabels.scrapeSettings(template, owner).ifPresent(left -> {
      Setting interval = left.interval();
      Setting timeout = left.timeout();
      String problem = null;
      if (timeout.byRule() && interval.fromJob() && longer(timeout.value(), globalInterval)) {
        problem = timeout.by() + " sets " + Quoting.quote(TargetLabels.TIMEOUT) + " to "
            + Quoting.quote(timeout.value()) + ", greater than the global scrape interval "
            + Quoting.quote(globalInterval) + " that " + owner + " takes";
      } else if (interval.byRule() && timeout.fromJob()) {
        String jobInterval = template.scrapeInterval() != null
            && !Durations.isZero(template.scrapeInterval())
            ? template.scrapeInterval() : globalInterval;
        boolean lowered = longer(globalTimeout, jobInterval);
        String jobTimeout = lowered ? jobInterval : globalTimeout;
        if (longer(jobTimeout, interval.value())) {
          problem = interval.by() + " sets " + Quoting.quote(TargetLabels.INTERVAL) + " to "
              + Quoting.quote(interval.value()) + ", less than " + (lowered
                  ? "the scrape timeout " + Quoting.quote(jobTimeout) + " of " + owner
                      + " (its scrape interval, as the global scrape timeout "
                      + Quoting.quote(globalTimeout) + " is longer)"
                  : "the global scrape timeout " + Quoting.quote(globalTimeout) + " that "
                      + owner + " takes");
        }
      }
      if (problem != null) {
        problems.add(problem + ": Prometheus drops " + RequiredTargetLabels.targets(template)
            + " (scrape timeout cannot be greater than scrape interval)");
      }
    });
  }

  /** Whether valid duration {@code a} is longer than valid duration {@code b}. */
  private static boolean longer(String a, String b) {
    return Durations.toMillis(a) > Durations.toMillis(b);
  }

  /** Checks a job the user wrote (kept as is). */
  void checkUnownedJob(Map<?, ?> job) {
    String name = BaseConfig.jobName(job);
    checkName(name);
    checkDurations(job, "scrape config " + Quoting.quote(name), globalInterval);
  }

  /**
   * Checks that the certificate files a cluster's jobs name are files the controller writes.
   *
   * @param named the files as the jobs name them
   * @param jobDir folder of the file that holds the jobs, against which Prometheus resolves files
   * @param files every desired path, relative to the output root
   */
  void checkCertificateFiles(String cluster, CertificatePaths named, String jobDir,
      Set<String> files) {
    Map<String, String> byKey = new java.util.LinkedHashMap<>();
    byKey.put("ca_file", named.ca());
    byKey.put("cert_file", named.certificate());
    byKey.put("key_file", named.key());
    byKey.forEach((key, file) -> {
      String resolved = RelativePaths.resolve(jobDir, file);
      if (resolved == null || !files.contains(resolved)) {
        problems.add(key + " " + Quoting.quote(file) + " of cluster " + Quoting.quote(cluster)
            + " is not one of the files the controller writes");
      }
    });
  }

  /** Everything found so far, in the order found. */
  List<String> problems() {
    return problems;
  }

  private void checkName(String name) {
    if (!jobNames.add(name)) {
      problems.add("found multiple scrape configs with job name " + Quoting.quote(name));
    }
  }

  /**
   * Checks a block's durations, and its timeout against the interval Prometheus ends up with:
   * its own, or {@code inherited} where it sets none or 0.
   */
  private void checkDurations(Map<?, ?> block, String owner, String inherited) {
    for (String key : List.of("scrape_interval", "scrape_timeout", "evaluation_interval")) {
      Object value = block.get(key);
      if (Fields.isNullWord(block, key)) {
        problems.add(Durations.EMPTY + " (" + key + " of " + owner + ")");
      } else if (value != null && !Durations.isValid(Fields.asText(value))) {
        problems.add("not a valid duration string: " + Quoting.quote(Fields.asText(value))
            + " (" + key + " of " + owner + ")");
      }
    }
    String interval = block.get("scrape_interval") == null
        || Durations.isZero(Fields.asText(block.get("scrape_interval")))
        ? inherited : Fields.asText(block.get("scrape_interval"));
    Object timeout = block.get("scrape_timeout");
    if (timeout != null && Durations.isValid(interval)
        && Durations.isValid(Fields.asText(timeout))
        && Durations.toMillis(Fields.asText(timeout)) > Durations.toMillis(interval)) {
      problems.add("scrape timeout greater than scrape interval for " + owner);
    }
  }
}
