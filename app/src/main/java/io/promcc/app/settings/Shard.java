package io.promcc.app.settings;

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
public record Shard(int index, int count) {
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("must be K/N with 0 <= K < N (e.g. 0/3)");
    }
  }

  /**
   * Reads {@code K/N}.
   *
   * @throws IllegalArgumentException saying what the form is
   */
  public static Shard parse(String value) {
    String[] parts = value.split("/", -1);
    if (parts.length == 2) {
      try {
        return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      } catch (NumberFormatException notANumber) {
        // reported below
      }
    }
    throw new IllegalArgumentException("must be K/N with 0 <= K < N (e.g. 0/3)");
  }

  /** The clusters this shard keeps, by the core's rendezvous hashing, in input order. */
  public List<GuestCluster> keep(List<GuestCluster> clusters) {
    return new ShardAssigner(count).clustersOf(index, clusters);
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }

  /** Reads {@code K/N} for picocli. */
  public static final class Converter implements ITypeConverter<Shard> {
    @Override
    public Shard convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("--shard " + e.getMessage() + ", found \"" + value
            + "\"");
      }
    }
  }
}
