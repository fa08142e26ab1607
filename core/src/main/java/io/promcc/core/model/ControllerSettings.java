package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the planner needs to know besides clusters and certificates.
 *
 * @param jobPrefix owned jobs are named {@code <prefix>-<cluster>-<job>}; the prefix is how the
 *     controller recognises its own jobs in a merged config (default {@code guest-cluster})
 * @param certificateDirectory folder for certificate files, relative to the output root
 *     (default {@code certs})
 * @param configFileName the main config file, relative to the output root (default
 *     {@code prometheus.yml})
 * @param scrapeConfigDirectory folder for per-cluster files in {@link OutputMode#PER_CLUSTER_FILES}
 *     (default {@code scrape_configs})
 * @param outputMode merged config or per-cluster files (default merged)
 * @param clusterIdLabel target label that carries the cluster ID (default {@code cluster_id})
 * @param clusterTypeLabel target label that carries the cluster type (default {@code cluster_type})
 * @param clusterType value of the cluster type label (default {@code guest})
 * @param providerLabel target label that carries the provider (default {@code provider}); the
 *     three label names differ, and none is {@code job}, {@code instance}, {@code le} or
 *     {@code quantile}
 * @param privateKeyMode POSIX mode of private key files (default 0600; 0640 where Prometheus
 *     reads them through a shared group); the owner may always read, others never
 */
public record ControllerSettings(
    String jobPrefix,
    String certificateDirectory,
    String configFileName,
    String scrapeConfigDirectory,
    OutputMode outputMode,
    String clusterIdLabel,
    String clusterTypeLabel,
    String clusterType,
    String providerLabel,
    int privateKeyMode) {

  private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9_]*[a-z0-9])?");

  /** The defaults above, matching the original controller. */
  public static final ControllerSettings DEFAULTS = new ControllerSettings("guest-cluster", "certs",
      "prometheus.yml", "scrape_configs", OutputMode.MERGED, "cluster_id", "cluster_type", "guest",
      "provider", 0600);

  /**
   * @throws ValidationException listing every bad setting, each worded
   *     {@code <setting> <problem>, found "<value>"}
   */
  public ControllerSettings {
    requireNonNull(outputMode, "outputMode == null");
    Problems problems = new Problems("controller settings");
    jobPrefixProblem(jobPrefix).ifPresent(problem -> problems.add("job prefix", jobPrefix,
        problem));
    boolean pathsValid = problems.check(() -> requireRelative(certificateDirectory,
        "certificate directory")) != null;
    pathsValid &= problems.check(() -> requireRelative(configFileName, "config file name")) != null;
    pathsValid &= problems.check(() -> requireRelative(scrapeConfigDirectory,
        "scrape config directory")) != null;
    if (pathsValid) {
      String configFolder = parent(configFileName);
      if (outputMode == OutputMode.PER_CLUSTER_FILES
          && scrapeConfigDirectory.equals(configFolder)) {
        // the glob <dir>/*.yml would match the main config, which Prometheus then rejects as a
        // scrape config file ("field scrape_config_files not found in type config.ScrapeConfigs")
        problems.add("scrape config directory", scrapeConfigDirectory,
            "must not be the folder of the config file " + Quoting.quote(configFileName));
      }
      if (certificateDirectory.equals(configFolder)) {
        // certificate files are named <cluster id>-ca.pem etc.: with certs/a-ca.pem as the
        // config file, cluster "a"'s CA would replace the config
        problems.add("certificate directory", certificateDirectory,
            "must not be the folder of the config file " + Quoting.quote(configFileName));
      }
    }
    String idLabel = clusterIdLabel;
    String typeLabel = clusterTypeLabel;
    String provider = providerLabel;
    String type = clusterType;
    problems.check(() -> LabelNames.requireTargetLabel(idLabel, "cluster id label"));
    problems.check(() -> LabelNames.requireTargetLabel(typeLabel, "cluster type label"));
    problems.check(() -> LabelNames.requireTargetLabel(provider, "provider label"));
    problems.check(() -> Text.requirePrintable(type, "cluster type"));
    // the planner sets each on every target: one name for two would lose a value
    Map<String, String> taken = new HashMap<>();
    String[][] labels = {{"cluster id label", idLabel}, {"cluster type label", typeLabel},
        {"provider label", provider}};
    for (String[] label : labels) {
      if ("job".equals(label[1]) || "instance".equals(label[1])) {
        problems.add(label[0], label[1], "must not be job or instance, which every target has");
      } else if (label[1] != null && LabelNames.seriesLabelProblem(label[1]).isPresent()) {
        problems.add(label[0], label[1], LabelNames.seriesLabelProblem(label[1]).get());
      } else if (label[1] != null && taken.putIfAbsent(label[1], label[0]) != null) {
        problems.add(label[0], label[1], "must not be the " + taken.get(label[1]));
      }
    }
    if (privateKeyMode < 0 || privateKeyMode > 0777 || (privateKeyMode & 0007) != 0) {
      problems.add("private key mode", "0" + Integer.toOctalString(privateKeyMode),
          "must not grant access to others");
    } else if ((privateKeyMode & 0400) == 0) {
      // the output folder's store reads back what it wrote when a change is reported
      problems.add("private key mode", "0" + Integer.toOctalString(privateKeyMode),
          "must let the owner (the controller) read the file");
    }
    problems.throwIfAny();
  }

  /**
   * What is wrong with {@code prefix} as a {@link #jobPrefix}, worded to follow its name, or
   * empty if it will do; for settings that check it where the user gives it.
   */
  public static Optional<String> jobPrefixProblem(String prefix) {
    return prefix == null || prefix.length() > 100 || !PREFIX.matcher(prefix).matches()
        ? Optional.of("must be lower-case letters, digits, '-' or '_', at most 100 characters")
        : Optional.empty();
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static String requireRelative(String path, String what) {
    // a control character or a lone surrogate would only fail later, when the file is written
    Text.requirePrintable(path, what);
    try {
      return DesiredState.requireSafeRelativePath(path);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidValueException(what, path,
          "must be a relative path inside the output folder");
    }
  }

  /** The record's text, with the private key mode in octal ({@code privateKeyMode=0640}). */
  @Override
  public String toString() {
    return "ControllerSettings[jobPrefix=" + jobPrefix + ", certificateDirectory="
        + certificateDirectory + ", configFileName=" + configFileName
        + ", scrapeConfigDirectory=" + scrapeConfigDirectory + ", outputMode=" + outputMode
        + ", clusterIdLabel=" + clusterIdLabel + ", clusterTypeLabel=" + clusterTypeLabel
        + ", clusterType=" + clusterType + ", providerLabel=" + providerLabel
        + ", privateKeyMode=0" + Integer.toOctalString(privateKeyMode) + "]";
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds settings; each setter replaces one value and returns this builder. A setter checks
   * nothing (null included): {@link #build()} checks every value at once. Not thread-safe.
   */
  public static final class Builder {
    private String jobPrefix;
    private String certificateDirectory;
    private String configFileName;
    private String scrapeConfigDirectory;
    private OutputMode outputMode;
    private String clusterIdLabel;
    private String clusterTypeLabel;
    private String clusterType;
    private String providerLabel;
    private int privateKeyMode;

    private Builder(ControllerSettings from) {
      jobPrefix = from.jobPrefix;
      certificateDirectory = from.certificateDirectory;
      configFileName = from.configFileName;
      scrapeConfigDirectory = from.scrapeConfigDirectory;
      outputMode = from.outputMode;
      clusterIdLabel = from.clusterIdLabel;
      clusterTypeLabel = from.clusterTypeLabel;
      clusterType = from.clusterType;
      providerLabel = from.providerLabel;
      privateKeyMode = from.privateKeyMode;
    }

    /** Sets {@link ControllerSettings#jobPrefix()}, the prefix of owned jobs' names. */
    public Builder jobPrefix(String value) {
      jobPrefix = value;
      return this;
    }

    /** Sets {@link ControllerSettings#certificateDirectory()}. */
    public Builder certificateDirectory(String value) {
      certificateDirectory = value;
      return this;
    }

    /** Sets {@link ControllerSettings#configFileName()}, the main config file. */
    public Builder configFileName(String value) {
      configFileName = value;
      return this;
    }

    /** Sets {@link ControllerSettings#scrapeConfigDirectory()}. */
    public Builder scrapeConfigDirectory(String value) {
      scrapeConfigDirectory = value;
      return this;
    }

    /** Sets {@link ControllerSettings#outputMode()}: merged or per-cluster files. */
    public Builder outputMode(OutputMode value) {
      outputMode = value;
      return this;
    }

    /** Sets {@link ControllerSettings#clusterIdLabel()}, the cluster ID's label. */
    public Builder clusterIdLabel(String value) {
      clusterIdLabel = value;
      return this;
    }

    /** Sets {@link ControllerSettings#clusterTypeLabel()}. */
    public Builder clusterTypeLabel(String value) {
      clusterTypeLabel = value;
      return this;
    }

    /** Sets {@link ControllerSettings#clusterType()}, the cluster type label's value. */
    public Builder clusterType(String value) {
      clusterType = value;
      return this;
    }

    /** Sets {@link ControllerSettings#providerLabel()}, the provider's label. */
    public Builder providerLabel(String value) {
      providerLabel = value;
      return this;
    }

    /** Sets {@link ControllerSettings#privateKeyMode()}, e.g. {@code 0640}. */
    public Builder privateKeyMode(int value) {
      privateKeyMode = value;
      return this;
    }

    /**
     * @throws ValidationException listing every bad setting
     */
    public ControllerSettings build() {
      return new ControllerSettings(jobPrefix, certificateDirectory, configFileName,
          scrapeConfigDirectory, outputMode, clusterIdLabel, clusterTypeLabel, clusterType,
          providerLabel, privateKeyMode);
    }
  }
}
