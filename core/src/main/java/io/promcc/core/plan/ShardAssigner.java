package io.promcc.core.plan;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * Assigns clusters to one of N Prometheus shards by rendezvous (highest-random-weight) hashing:
 * every shard scores every cluster and the highest score wins. Adding a shard moves only the
 * clusters the new shard wins, about 1/N of them; removing one moves only that shard's clusters.
 * No state, no coordination: every sidecar computes the same answer. Immutable and thread-safe.
 */
public final class ShardAssigner {
  // A fixed key: assignments must be the same in every process and every version.
  private static final HashFunction HASH =
      Hashing.sipHash24(0x70726f6d63636c75L, 0x7374657273686172L);

  private final int shardCount;

  /**
   * @throws IllegalArgumentException if {@code shardCount < 1}
   */
  public ShardAssigner(int shardCount) {
    checkArgument(shardCount >= 1, "shard count must be at least 1, was %s", shardCount);
    this.shardCount = shardCount;
  }

  /** How many shards the clusters are spread over, at least 1. */
  public int shardCount() {
    return shardCount;
  }

  /** The shard (0 to N-1) that owns {@code cluster}. */
  public int shardOf(ClusterId cluster) {
    int best = 0;
    long bestScore = Long.MIN_VALUE;
    for (int shard = 0; shard < shardCount; shard++) {
      long score = HASH.newHasher()
          .putString(cluster.value(), StandardCharsets.UTF_8)
          .putInt(shard)
          .hash().asLong();
      if (score > bestScore) {
        bestScore = score;
        best = shard;
      }
    }
    return best;
  }

  /**
   * The clusters of {@code shard}, in input order.
   *
   * @throws IllegalArgumentException if {@code shard} is not in [0, N)
   */
  public List<GuestCluster> clustersOf(int shard, Collection<GuestCluster> clusters) {
    checkArgument(shard >= 0 && shard < shardCount, "shard %s is not in [0, %s)", shard,
        shardCount);
    return clusters.stream().filter(cluster -> shardOf(cluster.id()) == shard).toList();
  }
}
