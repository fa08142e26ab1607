package io.promcc.core.plan;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.GuestCluster;
import java.util.HashMap;
import java.util.Map;

/**
 * What one plan rendered per cluster, for the next plan of the same planner to reuse: at 10,000
 * clusters a reconcile with one cluster changed renders one cluster, not 10,000. An entry is reused
 * only while its input is equal: the jobs while the cluster is equal, the certificate files while
 * the bundle is equal, and nothing once the settings differ. The profile and base config are the
 * planner's own and never change; a new planner starts with an empty memo.
 *
 * <p>Immutable: a plan reads one memo and publishes a new one holding exactly the clusters it
 * planned, so the memo never outgrows the fleet.
 */
final class RenderMemo {
  static final RenderMemo EMPTY = new RenderMemo(null, Map.of());

  /**
   * One cluster's rendered output.
   *
   * @param cluster the input of {@code jobs} and {@code scrapeFile}
   * @param jobs merged mode: the cluster's jobs as block-sequence items; else null
   * @param scrapeFile per-cluster-files mode: the cluster's scrape config file; else null
   * @param bundle the input of the certificate files
   * @param certificates the CA, certificate and key files, in that order
   */
  record Rendered(GuestCluster cluster, String jobs, DesiredFile scrapeFile,
      CertificateBundle bundle, DesiredFile[] certificates) {}

  private final ControllerSettings settings;
  private final Map<ClusterId, Rendered> byCluster;

  private RenderMemo(ControllerSettings settings, Map<ClusterId, Rendered> byCluster) {
    this.settings = settings;
    this.byCluster = byCluster;
  }

  /** The entry for {@code id} if it was rendered with {@code current} settings. */
  Rendered get(ClusterId id, ControllerSettings current) {
    return current.equals(settings) ? byCluster.get(id) : null;
  }

  /** Collects the entries of one plan. */
  static final class Next {
    private final ControllerSettings settings;
    private final Map<ClusterId, Rendered> byCluster;

    Next(ControllerSettings settings, int expected) {
      this.settings = settings;
      this.byCluster = new HashMap<>(Math.max(16, expected * 4 / 3 + 1));
    }

    void put(ClusterId id, Rendered rendered) {
      byCluster.put(id, rendered);
    }

    RenderMemo build() {
      return new RenderMemo(settings, byCluster);
    }
  }
}
