package io.promcc.core.plan;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;

/**
 * Where a cluster's certificate files live, relative to the output root. The names match the
 * original controller's: {@code <dir>/<cluster>-ca.pem}, {@code -crt.pem}, {@code -key.pem}.
 *
 * <p>The planner writes a cluster's certificate files at these paths and names them in its
 * jobs; the reconciler ({@code io.promcc.core.reconcile}) finds the same files by them: the
 * certificate a cluster has on disk, kept when its source fails, and the cluster whose new
 * certificate files the store refused. It is public for that package only: the adapters and
 * the app need no paths of their own, as the planned {@code DesiredState} carries every file.
 * An immutable value.
 */
public record CertificatePaths(String ca, String certificate, String key) {
  /** The paths for {@code cluster} under the settings' certificate directory. */
  public static CertificatePaths of(ClusterId cluster, ControllerSettings settings) {
    String base = settings.certificateDirectory() + "/" + cluster.value();
    return new CertificatePaths(DesiredState.sharedPath(base + "-ca.pem"),
        DesiredState.sharedPath(base + "-crt.pem"), DesiredState.sharedPath(base + "-key.pem"));
  }

  /** The same files as seen from folder {@code fromDir}, the way a config there names them. */
  CertificatePaths relativeTo(String fromDir) {
    return new CertificatePaths(RelativePaths.relativize(fromDir, ca),
        RelativePaths.relativize(fromDir, certificate), RelativePaths.relativize(fromDir, key));
  }
}
