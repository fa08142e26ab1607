package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
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

  /** Checks the base config's {@code global} block. */
  void checkGlobal(Map<String, Object> base) {
    if (!(base.get("global") instanceof Map<?, ?> global)) {
      return;
    }
    checkDurations(global, "global config");
  }

  /**
   * Checks the timeouts of the templates that set no interval of their own against the global
   * interval they scrape at (Prometheus' default 1m if the base config sets none), as
   * Prometheus does once the job takes it.
   */
  void checkTemplateTimeouts(Map<String, Object> base, List<JobTemplate> templates) {
    String interval = "1m";
    if (base.get("global") instanceof Map<?, ?> global && global.get("scrape_interval") != null) {
      interval = String.valueOf(global.get("scrape_interval"));
    }
    if (!Durations.isValid(interval)) {
      return; // reported as a bad duration
    }
    long intervalMillis = Durations.toMillis(interval);
    for (JobTemplate template : templates) {
      String timeout = template.scrapeTimeout();
      if (template.scrapeInterval() == null && timeout != null && Durations.isValid(timeout)
          && Durations.toMillis(timeout) > intervalMillis) {
        problems.add("scrape timeout " + Quoting.quote(timeout) + " of job template "
            + Quoting.quote(template.name()) + " greater than the global scrape interval "
            + Quoting.quote(interval));
      }
    }
  }

  /** Checks a job the user wrote (kept as is). */
  void checkUnownedJob(Map<?, ?> job) {
    String name = String.valueOf(job.get("job_name"));
    checkName(name);
    checkDurations(job, "scrape config " + Quoting.quote(name));
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

  private void checkDurations(Map<?, ?> block, String owner) {
    for (String key : List.of("scrape_interval", "scrape_timeout", "evaluation_interval")) {
      Object value = block.get(key);
      if (value != null && !Durations.isValid(String.valueOf(value))) {
        problems.add("not a valid duration string: " + Quoting.quote(String.valueOf(value))
            + " (" + key + " of " + owner + ")");
      }
    }
    Object interval = block.get("scrape_interval");
    Object timeout = block.get("scrape_timeout");
    if (interval != null && timeout != null && Durations.isValid(String.valueOf(interval))
        && Durations.isValid(String.valueOf(timeout))
        && Durations.toMillis(String.valueOf(timeout)) > Durations.toMillis(String.valueOf(interval))) {
      problems.add("scrape timeout greater than scrape interval for " + owner);
    }
  }
}
