package io.promcc.core.reconcile;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.CertificatePaths;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.core.port.UnownedFilesException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The clusters a failed delivery names, for {@link Reconciler}: each with its rejection, so that
 * the next attempt of the same reconcile leaves out (or holds back) only them. Empty when the
 * failure names a file of no cluster, which no cluster's absence mends. Keeps no state.
 */
final class HeldBackClusters {
  private final ControllerSettings settings;

  HeldBackClusters(ControllerSettings settings) {
    this.settings = settings;
  }

  /**
   * The clusters whose files {@code e} names as not owned, each with its rejection; empty if it
   * names a file of no cluster (the main config).
   */
  Map<ClusterId, Rejection> blockedClusters(UnownedFilesException e) {
    Map<ClusterId, Rejection> blocked = new TreeMap<>();
    for (String path : e.paths()) {
      Optional<ClusterId> owner = clusterOf(path, settings);
      if (owner.isEmpty()) {
        return Map.of(); // the main config itself: nothing can be written
      }
      blocked.putIfAbsent(owner.get(), new Rejection(owner.get().value(), "file-not-owned",
          "file " + Quoting.quote(path) + " of cluster " + Quoting.quote(owner.get().value())
              + " is not owned by the controller; move it away"));
    }
    return blocked;
  }

  /**
   * The clusters whose certificate files {@code e} names, each with its problems; empty if it
   * names any other file (a config), which no cluster's absence mends.
   */
  Map<ClusterId, Rejection> invalidCertificates(InvalidFilesException e) {
    Map<ClusterId, List<String>> problems = new TreeMap<>();
    for (Map.Entry<String, List<String>> file : e.problemsByPath().entrySet()) {
      Optional<ClusterId> owner = clusterOf(file.getKey(), settings);
      CertificatePaths paths = owner.map(id -> CertificatePaths.of(id, settings)).orElse(null);
      if (paths == null || !List.of(paths.ca(), paths.certificate(), paths.key())
          .contains(file.getKey())) {
        return Map.of();
      }
      problems.computeIfAbsent(owner.get(), id -> new ArrayList<>()).addAll(file.getValue());
    }
    Map<ClusterId, Rejection> invalid = new TreeMap<>();
    problems.forEach((id, found) -> invalid.put(id, new Rejection(id.value(),
        Observer.CERTIFICATE_INVALID, "the new certificate files of cluster "
            + Quoting.quote(id.value()) + " are invalid: " + String.join("; ", found)
            + "; it keeps the files it has, if any")));
    return invalid;
  }

  /**
   * The cluster a planned file belongs to, as the planner names its files:
   * {@code <certs>/<id>-ca.pem}, {@code -crt.pem}, {@code -key.pem}, or in per-cluster mode
   * {@code <scrape dir>/<id>.yml}. Empty for the main config and anything else.
   */
  private static Optional<ClusterId> clusterOf(String path, ControllerSettings settings) {
    requireNonNull(path, "path == null");
    String certPrefix = settings.certificateDirectory() + "/";
    String name = null;
    if (path.startsWith(certPrefix)) {
      String file = path.substring(certPrefix.length());
      for (String suffix : List.of("-ca.pem", "-crt.pem", "-key.pem")) {
        if (file.endsWith(suffix)) {
          name = file.substring(0, file.length() - suffix.length());
        }
      }
    } else if (settings.outputMode() == OutputMode.PER_CLUSTER_FILES
        && path.startsWith(settings.scrapeConfigDirectory() + "/") && path.endsWith(".yml")) {
      name = path.substring(settings.scrapeConfigDirectory().length() + 1, path.length() - 4);
    }
    if (name == null || name.contains("/")) {
      return Optional.empty();
    }
    try {
      return Optional.of(ClusterId.of(name));
    } catch (InvalidValueException notAnId) {
      return Optional.empty();
    }
  }
}
