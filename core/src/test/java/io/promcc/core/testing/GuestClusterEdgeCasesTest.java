package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.Example;
import net.jqwik.api.Shrinkable;

/**
 * The edge cases of guest clusters, which a property mixes into what it draws, hold cluster IDs
 * of every kind {@link ModelArbitraries#clusterIdValues()} has, as many as jqwik asks for at a
 * property's usual sizes.
 */
class GuestClusterEdgeCasesTest {
  @Example
  void guestClustersAndListsOfThemHaveEdgeCasesWithIdsOfEveryKind() {
    for (int max : new int[] {40, 1000}) {
      Set<String> ids = new TreeSet<>();
      idsOf(ModelArbitraries.guestClusters(), max).forEach(ids::addAll);
      assertEveryKind(ids, "guest clusters, at most " + max + " edge cases");
      Set<String> inLists = new TreeSet<>();
      idsOf(ModelArbitraries.guestClusterLists(0, 6), max).forEach(inLists::addAll);
      assertEveryKind(inLists, "lists of guest clusters, at most " + max + " edge cases");
    }
  }

  private static void assertEveryKind(Set<String> ids, String of) {
    assertSome(ids, of, "1-character ID", id -> id.length() == 1);
    assertSome(ids, of, "63-character ID", id -> id.length() == 63);
    assertSome(ids, of, "digits-only ID",
        id -> id.length() > 1 && id.chars().allMatch(Character::isDigit));
    assertSome(ids, of, "ID with a hyphen", id -> id.contains("-"));
  }

  private static void assertSome(Set<String> ids, String of, String what,
      Predicate<String> predicate) {
    assertTrue(ids.stream().anyMatch(predicate), () -> of + ": no " + what + " among " + ids);
  }

  private static List<List<String>> idsOf(Arbitrary<?> arbitrary, int max) {
    EdgeCases<?> edgeCases = arbitrary.edgeCases(max);
    return edgeCases.suppliers().stream().map(Supplier::get).map(Shrinkable::value)
        .map(GuestClusterEdgeCasesTest::ids).toList();
  }

  private static List<String> ids(Object value) {
    if (value instanceof GuestCluster cluster) {
      return List.of(cluster.id().toString());
    }
    return ((List<?>) value).stream().map(cluster -> ((GuestCluster) cluster).id().toString())
        .toList();
  }
}
