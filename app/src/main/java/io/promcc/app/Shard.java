package io.promcc.app;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.ShardAssigner;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One shard of N, written {@code K/N} with {@code 0 <= K < N} (K as a StatefulSet's Pod ordinal).
 *
 * @param index K
 * @param count N
 */
record Shard(int index, int count) {
  /** The clusters this shard keeps, by the core's rendezvous hashing, in input order. */
  List<GuestCluster> keep(List<GuestCluster> clusters) {
    return new ShardAssigner(count).clustersOf(index, clusters);
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }

  /** Reads {@code K/N}. */
  static final class Converter implements ITypeConverter<Shard> {
    @Override
    public Shard convert(String value) {
      String[] parts = value.split("/", -1);
      try {
        if (parts.length == 2) {
          int index = Integer.parseInt(parts[0].trim());
          int count = Integer.parseInt(parts[1].trim());
          if (count >= 1 && index >= 0 && index < count) {
            return new Shard(index, count);
          }
        }
      } catch (NumberFormatException notANumber) {
        // reported below
      }
      throw new TypeConversionException("shard must be K/N with 0 <= K < N (e.g. 0/3), found \""
          + value + "\"");
    }
  }
}
