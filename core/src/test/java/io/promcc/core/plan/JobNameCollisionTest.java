package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobNameCollisionTest {
  private static final ScrapeProfile PROFILE = ScrapeProfile.parse("""
      jobs:
        - name: exporter
          role: endpoints
          target: pod-proxy
        - name: node-exporter
          role: endpoints
          target: pod-proxy
      """, "colliding.yml");

  @Test
  void clustersWhoseJobNamesCollideAreRejectedAndTheOthersPlanned() {
    List<GuestCluster> clusters = List.of(
        GuestCluster.of("a", "aws", "https://master.a"),
        GuestCluster.of("a-node", "aws", "https://master.a-node"),
        GuestCluster.of("b", "aws", "https://master.b"));

    DesiredState state = new Planner(PROFILE, BaseConfig.empty())
        .plan(clusters, TestCertificates.forAll(clusters), ControllerSettings.DEFAULTS);

    assertEquals(List.of(ClusterId.of("b")), state.clusters());
    assertEquals(List.of(
        new Rejection("a", "job-name-collision", "job name \"guest-cluster-a-node-exporter\" of"
            + " cluster \"a\" is also made for cluster \"a-node\""),
        new Rejection("a-node", "job-name-collision", "job name \"guest-cluster-a-node-exporter\""
            + " of cluster \"a-node\" is also made for cluster \"a\"")), state.rejections());
    String config = state.config().text();
    assertTrue(config.contains("job_name: guest-cluster-b-exporter"), config);
    assertTrue(!config.contains("guest-cluster-a-"), config);
  }
}
