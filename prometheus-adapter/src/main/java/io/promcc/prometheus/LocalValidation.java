package io.promcc.prometheus;

import static io.promcc.prometheus.CertificateFiles.parseCertificates;
import static io.promcc.prometheus.KeyPairs.checkKeyPair;
import static io.promcc.prometheus.KeyPairs.keysByCertificatePath;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.prometheus.CertificateFiles.ParsedCertificates;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a desired state before anything is written, so a broken file never reaches the folder
 * Prometheus reads:
 *
 * <ul>
 *   <li>every changed certificate file holds one or more PEM X.509 certificates;
 *   <li>every changed private key parses as an unencrypted PEM key (PKCS#1, SEC1 or PKCS#8) and
 *       matches the first certificate of its certificate file. The certificate is found by name:
 *       {@code X-key.pem} pairs with {@code X-crt.pem} (or {@code X-cert.pem}), {@code X.key}
 *       with {@code X.crt};
 *   <li>every {@code ca_file}, {@code cert_file} and {@code key_file} named by a changed config
 *       file is part of the desired state or already exists: Prometheus 2.53 loads a
 *       {@code kubernetes_sd_configs} job whose TLS files are missing without complaint;
 *   <li>when a {@code promtool} binary is configured, {@code promtool check config} passes on a
 *       copy of the desired files staged in a private ({@code 0700}) hidden folder
 *       {@code .promcc-check-<random>} of the output folder, removed afterwards in every case.
 *       Paths in the config should be relative to the config file, so they resolve inside the
 *       staged copy. promtool is bounded: it and its child processes are stopped after the
 *       timeout or on an interrupt, and only the first 64 KiB of its output are kept.
 * </ul>
 *
 * <p>Only files named in {@code changedPaths} are checked, so a renewal of one certificate costs
 * one parse, not one per cluster. Certificates and keys are parsed on several threads (the
 * caller's and helpers from the common fork-join pool, one thread per processor in all); the
 * problems are reported in the same order as on one thread. Thread-safe; never logs file
 * contents.
 */
public final class LocalValidation implements FileValidator {
  /** How long promtool may take unless the settings say otherwise. */
  public static final Duration DEFAULT_PROMTOOL_TIMEOUT = Duration.ofMinutes(2);

  private final Path outputDirectory;
  private final Optional<PromtoolCheck> promtool;
  private final Concurrently concurrently;

  /** Validation per the settings: their output folder, optional promtool and its timeout. */
  @Inject
  public LocalValidation(PrometheusAdapterSettings settings) {
    this(settings.outputDirectory(), settings.promtool(), settings.promtoolTimeout());
  }

  /**
   * Validation with promtool's default timeout ({@link #DEFAULT_PROMTOOL_TIMEOUT}).
   *
   * @param outputDirectory where the files will be written; resolves absolute references to
   *     files the desired state provides
   * @param promtool the {@code promtool} binary, or empty to skip that check
   */
  public LocalValidation(Path outputDirectory, Optional<Path> promtool) {
    this(outputDirectory, promtool, DEFAULT_PROMTOOL_TIMEOUT);
  }

  /**
   * @param outputDirectory where the files will be written; resolves absolute references to
   *     files the desired state provides
   * @param promtool the {@code promtool} binary, or empty to skip that check
   * @param promtoolTimeout how long promtool may run before it is stopped (positive)
   */
  public LocalValidation(Path outputDirectory, Optional<Path> promtool,
      Duration promtoolTimeout) {
    this(outputDirectory, promtool, promtoolTimeout, Concurrently.onCommonPool());
  }

  /** As above, parsing certificates and keys with {@code concurrently} (tests choose threads). */
  LocalValidation(Path outputDirectory, Optional<Path> promtool, Duration promtoolTimeout,
      Concurrently concurrently) {
    this(outputDirectory, promtool, promtoolTimeout, PromtoolCheck.OUTPUT_GRACE, concurrently);
  }

  /** As above, the rest of a failed promtool's output waited for at most {@code outputGrace}. */
  LocalValidation(Path outputDirectory, Optional<Path> promtool, Duration promtoolTimeout,
      Duration outputGrace, Concurrently concurrently) {
    this.concurrently = requireNonNull(concurrently, "concurrently == null");
    this.outputDirectory = requireNonNull(outputDirectory, "outputDirectory == null")
        .toAbsolutePath().normalize();
    requireNonNull(promtool, "promtool == null");
    requireNonNull(promtoolTimeout, "promtoolTimeout == null");
    this.promtool = promtool.map(binary -> new PromtoolCheck(binary, this.outputDirectory,
        promtoolTimeout, outputGrace));
  }

  /**
   * Checks the files of {@code desired} named in {@code changedPaths}; with promtool, the whole
   * config.
   *
   * @throws InvalidFilesException listing every problem found in the files' own checks, each
   *     with its file (then promtool is not asked)
   * @throws ValidationException listing what promtool found
   */
  @Override
  public void check(DesiredState desired, Collection<String> changedPaths) {
    requireNonNull(desired, "desired == null");
    requireNonNull(changedPaths, "changedPaths == null");
    Map<String, DesiredFile> files = desired.files();
    List<String> certificatePaths = new ArrayList<>();
    for (String path : changedPaths) {
      DesiredFile file = files.get(path);
      if (file != null && file.kind() == FileKind.CERTIFICATE) {
        certificatePaths.add(path);
      }
    }
    // Parsing is the costly part (a first write parses every cluster's files) and each file is
    // independent: parse on several threads, then report in the order of changedPaths as before.
    List<ParsedCertificates> certificates = concurrently.map(certificatePaths,
        path -> parseCertificates(path, files.get(path)));
    Map<String, ParsedCertificates> parsed = new HashMap<>();
    for (int i = 0; i < certificatePaths.size(); i++) {
      parsed.put(certificatePaths.get(i), certificates.get(i));
    }
    // each problem with the file it lies in, in the order found
    Map<String, List<String>> problemsByPath = new LinkedHashMap<>();
    Set<String> pairsToCheck = new TreeSet<>();
    Map<String, String> keyByCertificate = null; // built on first need: one pass, not one per file
    boolean configChanged = false;
    for (String path : changedPaths) {
      DesiredFile file = files.get(path);
      if (file == null) {
        continue; // a deletion: nothing to parse
      }
      switch (file.kind()) {
        case CERTIFICATE -> {
          parsed.get(path).problem().ifPresent(problem -> found(problemsByPath, path, problem));
          if (keyByCertificate == null) {
            keyByCertificate = keysByCertificatePath(files);
          }
          String keyPath = keyByCertificate.get(path);
          if (keyPath != null) {
            pairsToCheck.add(keyPath);
          }
        }
        case PRIVATE_KEY -> pairsToCheck.add(path);
        case SCRAPE_CONFIG, MAIN_CONFIG -> {
          configChanged = true;
          List<String> missing = new ArrayList<>();
          ReferencedFiles.check(outputDirectory, path, file, files, missing);
          missing.forEach(problem -> found(problemsByPath, path, problem));
        }
      }
    }
    // read-only from here on, so the threads below may share it
    Map<String, ParsedCertificates> parsedCertificates = Map.copyOf(parsed);
    List<String> keyPaths = List.copyOf(pairsToCheck);
    List<Optional<String>> pairProblems = concurrently.map(keyPaths,
        keyPath -> checkKeyPair(keyPath, files, parsedCertificates));
    for (int i = 0; i < keyPaths.size(); i++) {
      String keyPath = keyPaths.get(i);
      pairProblems.get(i).ifPresent(problem -> found(problemsByPath, keyPath, problem));
    }
    String subject = "desired state " + Quoting.quote(desired.hash().substring(0, 12));
    if (!problemsByPath.isEmpty()) {
      throw new InvalidFilesException(subject, problemsByPath);
    }
    if (configChanged && promtool.isPresent()) {
      List<String> problems = new ArrayList<>();
      promtool.get().check(desired, problems);
      if (!problems.isEmpty()) {
        throw new ValidationException(subject, problems); // the config as a whole
      }
    }
  }

  private static void found(Map<String, List<String>> problemsByPath, String path,
      String problem) {
    problemsByPath.computeIfAbsent(path, p -> new ArrayList<>()).add(problem);
  }
}
