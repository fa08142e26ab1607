package io.promcc.core.plan;

import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.yaml.Fields;
import io.promcc.core.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalog of jobs made for every guest cluster. Loaded from YAML; the
 * {@linkplain #defaultProfile() default profile} reproduces the original controller's jobs.
 *
 * <p>A profile file has {@code jobs} (a list of job templates) and may start from the default
 * with {@code extends: default}: its jobs then replace default jobs of the same name or are
 * added, and {@code remove} drops default jobs by name. Templates may share one Prometheus job
 * ({@code shared_job}; docs/profile.md says which may). Immutable and thread-safe.
 *
 * @param jobs the job templates, in file order; names are unique
 */
public record ScrapeProfile(List<JobTemplate> jobs) {
  private static final Set<String> FIELDS = Set.of("extends", "jobs", "remove");
  private static final String DEFAULT_RESOURCE = "default-profile.yml";
  private static volatile ScrapeProfile defaultProfile;

  /**
   * @throws IllegalArgumentException if two templates have one name, or templates cannot share
   *     their job as they say
   */
  public ScrapeProfile {
    jobs = List.copyOf(jobs);
    Set<String> names = new HashSet<>();
    for (JobTemplate job : jobs) {
      if (!names.add(job.name())) {
        throw new IllegalArgumentException("duplicate job template " + Quoting.quote(job.name()));
      }
    }
    List<String> sharing = SharedJobProblems.problems(jobs);
    if (!sharing.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", sharing));
    }
  }

  /** The built-in profile (the resource {@code default-profile.yml} next to this class). */
  public static ScrapeProfile defaultProfile() {
    ScrapeProfile profile = defaultProfile;
    if (profile == null) {
      profile = parse(defaultProfileText(), "default profile");
      defaultProfile = profile;
    }
    return profile;
  }

  /** The YAML text of the built-in profile, as a starting point for users' own. */
  public static String defaultProfileText() {
    try (InputStream in = ScrapeProfile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new PromccException("resource " + DEFAULT_RESOURCE + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether {@code text} is a profile of no YAML value (blanks, comments, document markers,
   * directives), which {@link #parse} refuses for want of a job, or of the {@code ---} after its
   * directives, but which a writer may yet make a good one: one document, so far of none, as a
   * profile written in place holds for a moment. False for one of a value, one YAML refuses
   * otherwise before its first value, and one of several documents or whose document was ended
   * with {@code ...} (an empty one, then jobs): refused whatever is written after it, a profile
   * being one document. Stateless and thread-safe.
   */
  public static boolean holdsNoValue(String text) {
    return YamlReader.holdsNoValueInOneDocument(text, "profile");
  }

  /**
   * Parses a profile.
   *
   * @param source names the file in errors, e.g. {@code custom.yml}
   * @throws ValidationException listing every problem found
   */
  public static ScrapeProfile parse(String yaml, String source) {
    String subject = "profile " + Quoting.quote(source);
    Map<String, Object> root = YamlReader.readMapping(yaml, subject, FIELDS);
    List<String> problems = new ArrayList<>();
    Fields fields = new Fields(root, "profile", problems);
    fields.rejectUnknown(FIELDS);
    String base = fields.string("extends", null);
    if (base != null && !base.equals("default")) {
      problems.add("unknown base profile " + Quoting.quote(base) + " (only \"default\" exists)");
    }
    List<?> items = fields.list("jobs");
    if (items.isEmpty() && base == null && problems.isEmpty()) {
      problems.add("a profile needs at least one job in \"jobs\"");
    }
    Map<String, JobTemplate> jobs = new LinkedHashMap<>();
    if ("default".equals(base)) {
      defaultProfile().jobs().forEach(job -> jobs.put(job.name(), job));
    }
    for (String removed : fields.strings("remove")) {
      if (base == null) {
        problems.add("\"remove\" needs \"extends: default\"");
      } else if (jobs.remove(removed) == null) {
        problems.add("cannot remove job template " + Quoting.quote(removed)
            + ": not in the base profile");
      }
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof Map<?, ?> map)) {
        problems.add("jobs[" + i + "] must be a mapping");
        continue;
      }
      JobTemplate job = JobTemplate.parse(map, i, problems);
      // names count even for invalid templates, so a duplicate is reported in the same round
      String name = JobTemplate.writtenName(map);
      if (name != null && !seen.add(name)) {
        problems.add("found multiple job templates with name " + Quoting.quote(name));
        continue;
      }
      if (job == null) {
        continue;
      }
      jobs.put(job.name(), job);
    }
    if (problems.isEmpty()) {
      problems.addAll(SharedJobProblems.problems(new ArrayList<>(jobs.values())));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    return new ScrapeProfile(new ArrayList<>(jobs.values()));
  }
}
