package io.promcc.core.yaml;

import io.promcc.core.model.Quoting;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link BaseConfig#parse} refuses in a base config that reads as YAML: the fields promcc
 * reads or writes out ({@code scrape_configs}, {@code scrape_config_files}, the durations)
 * in a shape it cannot take. Stateless.
 */
final class BaseConfigShape {
  private static final String SCRAPE_CONFIGS = "scrape_configs";
  private static final String SCRAPE_CONFIG_FILES = "scrape_config_files";
  private static final Set<String> DURATIONS =
      Set.of("scrape_interval", "scrape_timeout", "evaluation_interval");
  /** The fields of a job that promcc reads. */
  private static final Set<String> JOB_FIELDS =
      Set.of("job_name", "scrape_interval", "scrape_timeout", "evaluation_interval");

  private BaseConfigShape() {}

  /** The problems of a base config's {@code values}, in the order found; none most often. */
  static List<String> problems(Map<String, Object> values) {
    List<String> problems = new ArrayList<>();
    for (String rewritten : List.of(SCRAPE_CONFIG_FILES, SCRAPE_CONFIGS)) {
      if ((Map<?, ?>) values instanceof ReadMapping read && read.isMerged(rewritten)) {
        // rendered, the key is written out at the top level, and would override the merged one
        problems.add("a merge key (<<) at the top level sets " + Quoting.quote(rewritten)
            + ", which promcc writes out: write it at the top level itself");
      }
    }
    if (values.get("global") instanceof Map<?, ?> global) {
      binaryKeys(global, DURATIONS, "global", problems);
    }
    Object jobs = values.get(SCRAPE_CONFIGS);
    if (jobs != null && !(jobs instanceof List)) {
      problems.add("\"scrape_configs\" must be a sequence, found " + YamlReader.typeName(jobs));
    } else if (jobs != null) {
      List<?> list = (List<?>) jobs;
      for (int i = 0; i < list.size(); i++) {
        // a number or boolean is a name too: Prometheus reads the text into its string field
        if (list.get(i) instanceof Map<?, ?> job
            && binaryKeys(job, JOB_FIELDS, SCRAPE_CONFIGS + "[" + i + "]", problems)) {
          continue;
        }
        if (list.get(i) instanceof Map<?, ?> job && (job.get("job_name") instanceof String
            || job.get("job_name") instanceof byte[]) && BaseConfig.jobName(job).isEmpty()) {
          // written '' (or binary data of nothing): refused in Prometheus' words
          problems.add("job_name is empty in " + SCRAPE_CONFIGS + "[" + i + "]");
          continue;
        }
        if (!(list.get(i) instanceof Map<?, ?> job) || job.get("job_name") == null
            || job.get("job_name") instanceof Map || job.get("job_name") instanceof List) {
          problems.add("scrape_configs[" + i + "] must be a mapping with a \"job_name\"");
        }
      }
    }
    Object files = values.get(SCRAPE_CONFIG_FILES);
    if (files != null && !(files instanceof List)) {
      problems.add("\"scrape_config_files\" must be a sequence, found "
          + YamlReader.typeName(files));
    }
    return problems;
  }

  /**
   * Adds a problem for each key of {@code block} written as binary data that encodes one of
   * the fields promcc reads there ({@code read}): Prometheus reads it as that field, and this
   * reader as none, as a top-level one ({@link YamlReader#readMapping}).
   *
   * @return whether there was such a key
   */
  private static boolean binaryKeys(Map<?, ?> block, Set<String> read, String where,
      List<String> problems) {
    boolean found = false;
    for (Object key : block.keySet()) {
      if (key instanceof byte[] bytes && read.contains(Fields.asText(bytes))) {
        problems.add("field " + Quoting.quote(Fields.asText(bytes)) + " is written as binary data"
            + " (!!binary " + Base64.getEncoder().encodeToString(bytes) + ") in " + where
            + ", which is read as no field here: write it as text");
        found = true;
      }
    }
    return found;
  }
}
