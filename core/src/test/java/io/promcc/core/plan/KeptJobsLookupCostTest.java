package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * Finding an unreadable cluster's jobs in a merged config is done at every reconcile while the
 * cluster stays unreadable, and the config holds every cluster's jobs (87 MB at 10,000
 * clusters): it reads only the lines that open a job and the items of the clusters asked for,
 * without a copy of the whole config as one text and without parsing other clusters' jobs.
 * Measured in bytes allocated, which do not depend on the machine's speed or load.
 */
class KeptJobsLookupCostTest {
  @Test
  void findingOneClustersJobsInAMergedConfigAllocatesLessThanTheConfig() {
    List<GuestCluster> clusters = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      clusters.add(GuestCluster.of("c" + i, "aws", "https://master.c" + i + ".example:6443"));
    }
    ControllerSettings settings = ControllerSettings.DEFAULTS;
    DesiredState written = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty())
        .plan(clusters, TestCertificates.forAll(clusters), settings);
    int size = written.config().size();
    List<ClusterId> asked = List.of(ClusterId.of("c17"));
    Planner.keptJobs(asked, written.files(), settings); // loaded and compiled first

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    SortedMap<ClusterId, DesiredFile> found = Planner.keptJobs(asked, written.files(), settings);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertEquals(asked, List.copyOf(found.keySet()));
    assertTrue(found.get(asked.get(0)).text().contains("https://master.c17.example:6443"));
    // a copy of the config as one text alone is twice its size; parsing every job, 100 times
    assertTrue(allocated < size, "allocated " + allocated + " bytes for a config of "
        + size + " bytes");
  }
}
