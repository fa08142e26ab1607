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
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * While a cluster stays unreadable its jobs are looked for at every reconcile; a merged config
 * that has not changed (the store gives the very file it read or wrote last time) and the same
 * unreadable clusters are not walked again, and any change of either is.
 */
class KeptJobsFinderTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.DEFAULTS;

  private static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://master." + id + ".example:6443");
  }

  private static DesiredState written(List<GuestCluster> clusters) {
    return new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()).plan(clusters,
        TestCertificates.forAll(clusters), SETTINGS);
  }

  @Test
  void anUnchangedConfigWithTheSameUnreadableClustersIsWalkedOnce() {
    SortedMap<String, DesiredFile> onDisk =
        written(List.of(cluster("a"), cluster("b"), cluster("c"))).files();
    KeptJobsFinder finder = new KeptJobsFinder();
    List<ClusterId> b = List.of(ClusterId.of("b"));

    SortedMap<ClusterId, DesiredFile> first = finder.find(b, onDisk, SETTINGS);
    SortedMap<ClusterId, DesiredFile> again = finder.find(b, new TreeMap<>(onDisk), SETTINGS);

    assertEquals(1, finder.walks());
    assertEquals(Planner.keptJobs(b, onDisk, SETTINGS), first);
    assertEquals(first, again);
    assertTrue(first.get(ClusterId.of("b")).text().contains("master.b.example"));
  }

  @Test
  void anotherUnreadableClusterOrAnotherConfigIsWalkedAgain() {
    SortedMap<String, DesiredFile> onDisk =
        written(List.of(cluster("a"), cluster("b"), cluster("c"))).files();
    KeptJobsFinder finder = new KeptJobsFinder();
    finder.find(List.of(ClusterId.of("b")), onDisk, SETTINGS);

    List<ClusterId> bc = List.of(ClusterId.of("b"), ClusterId.of("c"));
    assertEquals(Planner.keptJobs(bc, onDisk, SETTINGS), finder.find(bc, onDisk, SETTINGS));
    assertEquals(2, finder.walks());

    SortedMap<String, DesiredFile> changed = written(List.of(cluster("b"), cluster("c"))).files();
    assertEquals(Planner.keptJobs(bc, changed, SETTINGS), finder.find(bc, changed, SETTINGS));
    assertEquals(3, finder.walks());

    ControllerSettings other = SETTINGS.toBuilder().certificateDirectory("other").build();
    assertEquals(Planner.keptJobs(bc, changed, other), finder.find(bc, changed, other));
    assertEquals(4, finder.walks());
  }

  /**
   * A cluster unreadable, then read again with a new API server (its jobs written anew), then
   * unreadable again: the same clusters are asked, of the config written meanwhile, and the
   * answer is that config's, not the first one's; so it is for a config given again after
   * another (only the last walk is kept) and for a new job prefix.
   */
  @Test
  void theSameClustersAskedAgainOfAConfigWrittenMeanwhileAreAnsweredFromIt() {
    List<ClusterId> b = List.of(ClusterId.of("b"));
    SortedMap<String, DesiredFile> first = written(List.of(cluster("a"), cluster("b"))).files();
    SortedMap<String, DesiredFile> rewritten = written(List.of(cluster("a"),
        GuestCluster.of("b", "aws", "https://moved.b.example:6443"))).files();
    KeptJobsFinder finder = new KeptJobsFinder();

    assertTrue(finder.find(b, first, SETTINGS).get(ClusterId.of("b")).text()
        .contains("master.b.example"));
    SortedMap<ClusterId, DesiredFile> again = finder.find(b, rewritten, SETTINGS);
    assertEquals(Planner.keptJobs(b, rewritten, SETTINGS), again);
    assertTrue(again.get(ClusterId.of("b")).text().contains("moved.b.example"));
    assertEquals(Planner.keptJobs(b, first, SETTINGS), finder.find(b, first, SETTINGS));
    assertEquals(3, finder.walks());

    ControllerSettings prefixed = SETTINGS.toBuilder().jobPrefix("other").build();
    assertEquals(Planner.keptJobs(b, first, prefixed), finder.find(b, first, prefixed));
    assertEquals(4, finder.walks());
  }
}
