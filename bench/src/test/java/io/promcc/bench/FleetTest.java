package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetTest {
  @Test
  void plansEveryClusterWithAllFiveJobsAndNoRejection() {
    DesiredState state = Fleet.of(20).plan(OutputMode.MERGED);

    assertEquals(20, state.clusters().size());
    assertEquals(0, state.rejections().size());
    RenderVsPromtool.Sizes sizes = RenderVsPromtool.Sizes.of(state);
    // system (apiserver, node-exporter, workload), cadvisor, kubelet, etcd, managed-app
    assertEquals(100, sizes.ownedJobs());
    assertEquals(103, sizes.jobs(), "the base config's three own jobs are kept");
    assertEquals(1, sizes.configFiles());
    assertEquals(1 + 20 * 3, state.files().size(), "config plus CA, certificate and key each");
  }

  @Test
  void perClusterFilesModeWritesOneScrapeFilePerCluster() {
    DesiredState state = Fleet.of(20).plan(OutputMode.PER_CLUSTER_FILES);

    RenderVsPromtool.Sizes sizes = RenderVsPromtool.Sizes.of(state);
    assertEquals(21, sizes.configFiles());
    assertEquals(100, sizes.ownedJobs());
  }

  @Test
  void sameSizeGivesTheSameOutput() {
    assertEquals(Fleet.of(30).plan(OutputMode.MERGED).hash(),
        Fleet.of(30).plan(OutputMode.MERGED).hash());
  }

  @Test
  void everyPlanRendersTheFleetAgainInsteadOfReusingTheLastPlan() {
    // a planner kept between plans returns its last plan itself when nothing changed, which
    // would make the plan benchmarks time a lookup instead of a plan
    Fleet fleet = Fleet.of(30);
    for (OutputMode mode : OutputMode.values()) {
      DesiredState first = fleet.plan(mode);
      DesiredState second = fleet.plan(mode);
      assertNotSame(first, second, mode.toString());
      assertNotSame(first.config(), second.config(), mode.toString());
      assertEquals(first.hash(), second.hash());
    }
  }

  @Test
  void clusterIdsStayUniqueBeyondTenThousand() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 12_000; i++) {
      GuestCluster cluster = Fleet.cluster(i);
      assertTrue(ids.add(cluster.id().value()), () -> "duplicate id " + cluster.id());
    }
  }

  @Test
  void rejectsNegativeSize() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fleet.of(-1));
    assertEquals("fleet size must not be negative, got -1", e.getMessage());
  }
}
