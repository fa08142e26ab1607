package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.ModelArbitraries;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ShardAssignerTest {
  private static final int CLUSTERS = 2000;
  /** Shards of "a", "abc12", "guest-1" and 63 nines among 5, as the first release computed them. */
  private static final List<Integer> PINNED_SHARDS_OF_FIVE = List.of(1, 2, 0, 0);

  @Provide
  Arbitrary<List<GuestCluster>> clusters() {
    return ModelArbitraries.guestClusterLists(0, 12);
  }

  @Property(tries = 50)
  void everyClusterIsInExactlyOneShard(@ForAll("clusters") List<GuestCluster> clusters,
      @ForAll @IntRange(min = 1, max = 16) int shards) {
    ShardAssigner assigner = new ShardAssigner(shards);
    List<GuestCluster> seen = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      for (GuestCluster cluster : assigner.clustersOf(shard, clusters)) {
        assertEquals(shard, assigner.shardOf(cluster.id()));
        seen.add(cluster);
      }
    }
    assertEquals(clusters.size(), seen.size());
    assertEquals(new HashSet<>(clusters), new HashSet<>(seen));
  }

  /**
   * For 2000 random IDs and N from 1 to 9, going to N + 1 shards moves a fraction of clusters
   * within 4.5 standard deviations of 1/(N+1) (a binomial bound that fails by chance with a
   * probability below 1e-5 per check), and every moved cluster goes to the new shard.
   */
  @Property(tries = 3)
  void addingAShardMovesAboutOneInNPlusOneClustersAllToTheNewShard(@ForAll long seed) {
    List<ClusterId> ids = randomIds(seed);
    for (int n = 1; n <= 9; n++) {
      ShardAssigner before = new ShardAssigner(n);
      ShardAssigner after = new ShardAssigner(n + 1);
      int moved = 0;
      for (ClusterId id : ids) {
        int from = before.shardOf(id);
        int to = after.shardOf(id);
        if (from != to) {
          moved++;
          assertEquals(n, to, () -> id + " moved to an old shard");
        }
      }
      double expected = 1.0 / (n + 1);
      double bound = 4.5 * Math.sqrt(expected * (1 - expected) / CLUSTERS);
      double fraction = (double) moved / CLUSTERS;
      int shards = n;
      assertTrue(Math.abs(fraction - expected) <= bound, () -> "from " + shards + " to "
          + (shards + 1) + " shards moved " + fraction + ", expected " + expected + " ± " + bound);
    }
  }

  @Property(tries = 3)
  void removingTheLastShardMovesOnlyItsClusters(@ForAll long seed) {
    List<ClusterId> ids = randomIds(seed);
    for (int n = 2; n <= 10; n++) {
      ShardAssigner before = new ShardAssigner(n);
      ShardAssigner after = new ShardAssigner(n - 1);
      for (ClusterId id : ids) {
        int from = before.shardOf(id);
        if (from != n - 1) {
          assertEquals(from, after.shardOf(id), id::value);
        }
      }
    }
  }

  @Test
  void assignmentIsTheSameInEveryInstanceAndVersion() {
    // pinned: every sidecar, in every release, must agree on these
    List<ClusterId> ids = List.of(ClusterId.of("a"), ClusterId.of("abc12"),
        ClusterId.of("guest-1"), ClusterId.of("9".repeat(63)));
    List<Integer> shardsOfFive = new ArrayList<>();
    for (ClusterId id : ids) {
      shardsOfFive.add(new ShardAssigner(5).shardOf(id));
      assertEquals(new ShardAssigner(5).shardOf(id), new ShardAssigner(5).shardOf(id));
    }
    assertEquals(PINNED_SHARDS_OF_FIVE, shardsOfFive);
  }

  @Test
  void oneShardOwnsEverything() {
    ShardAssigner assigner = new ShardAssigner(1);
    randomIds(1).forEach(id -> assertEquals(0, assigner.shardOf(id)));
  }

  @Test
  void rejectsAShardCountBelowOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShardAssigner(0));
    assertEquals("shard count must be at least 1, was 0", e.getMessage());
  }

  @Test
  void rejectsAShardOutsideTheRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShardAssigner(3).clustersOf(3, List.of()));
    assertEquals("shard 3 is not in [0, 3)", e.getMessage());
  }

  private static List<ClusterId> randomIds(long seed) {
    Random random = new Random(seed);
    Set<ClusterId> ids = new HashSet<>();
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    while (ids.size() < CLUSTERS) {
      StringBuilder id = new StringBuilder("c");
      int length = 1 + random.nextInt(20);
      for (int i = 0; i < length; i++) {
        id.append(chars.charAt(random.nextInt(chars.length())));
      }
      ids.add(ClusterId.of(id.toString()));
    }
    return new ArrayList<>(ids);
  }
}
