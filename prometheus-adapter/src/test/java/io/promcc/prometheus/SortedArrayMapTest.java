package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The store's array map behaves as a {@code TreeMap} with the same changes. */
class SortedArrayMapTest {
  /** A few keys, so that changes hit present keys, missing ones and the ends alike. */
  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.strings().withChars("abc/").ofMaxLength(3);
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    // a value of -1: a removal
    return Combinators.combine(keys(), Arbitraries.integers().between(-1, 3))
        .as((key, value) -> new Change(key, value < 0 ? null : value)).list().ofMaxSize(12);
  }

  /** One put (value) or removal (null value) of {@code key}. */
  record Change(String key, Integer value) {}

  /** Two rounds of changes, and keys to look up and to cut views at. */
  record Case(List<Change> first, List<Change> second, String low, String high, String probe) {}

  // one parameter: jqwik 1.9.3's pairwise shrinking of a list parameter with a string one mixes
  // their elements up (a ClassCastException instead of the shrunk sample)
  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(changes(), changes(), keys(), keys(), keys()).as(Case::new);
  }

  @Property(tries = 2_000)
  void anEditGivesTheMapATreeMapGetsFromTheSameChanges(@ForAll("cases") Case c) {
    List<Change> first = c.first();
    List<Change> second = c.second();
    String low = c.low();
    String high = c.high();
    String probe = c.probe();
    TreeMap<String, Integer> expected = new TreeMap<>();
    SortedArrayMap<Integer> map = SortedArrayMap.of();
    for (List<Change> round : List.of(first, second)) {
      SortedArrayMap.Edit<Integer> edit = map.edit();
      for (Change change : round) {
        if (change.value() == null) {
          expected.remove(change.key());
          edit.remove(change.key());
        } else {
          expected.put(change.key(), change.value());
          edit.put(change.key(), change.value());
        }
        assertEquals(expected.get(probe), edit.get(probe), "read during the edit");
      }
      map = edit.build();
      assertSameAs(expected, map);
    }
    assertEquals(expected.containsKey(probe), map.containsKey(probe));
    assertEquals(expected.get(probe), map.get(probe));
    assertSameAs(expected.tailMap(low), map.tailMap(low));
    assertSameAs(expected.headMap(high), map.headMap(high));
    if (low.compareTo(high) <= 0) {
      assertSameAs(expected.subMap(low, high), map.subMap(low, high));
      if (low.compareTo(probe) <= 0 && probe.compareTo(high) < 0) {
        // views of views, as of the TreeMap's (whose views refuse keys outside their range)
        assertSameAs(expected.subMap(low, high).tailMap(probe).headMap(high),
            map.subMap(low, high).tailMap(probe).headMap(high));
      }
      // an edit of a view
      SortedArrayMap<Integer> view = SortedArrayMap.copyOf(map.subMap(low, high));
      SortedArrayMap.Edit<Integer> edit = view.edit();
      edit.put(probe, 7);
      TreeMap<String, Integer> viewExpected = new TreeMap<>(expected.subMap(low, high));
      viewExpected.put(probe, 7);
      assertSameAs(viewExpected, edit.build());
      assertSameAs(expected, map); // the edit of the view left the map as it was
    }
  }

  private static void assertSameAs(SortedMap<String, Integer> expected,
      SortedMap<String, Integer> actual) {
    assertEquals(expected, actual);
    assertEquals(actual, expected);
    assertEquals(expected.hashCode(), actual.hashCode());
    assertEquals(expected.toString(), actual.toString());
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
    assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(actual.values()));
    assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(actual.entrySet()));
    List<String> walked = new ArrayList<>();
    actual.forEach((k, v) -> walked.add(k + "=" + v));
    List<String> expectedWalk = new ArrayList<>();
    expected.forEach((k, v) -> expectedWalk.add(k + "=" + v));
    assertEquals(expectedWalk, walked);
    assertEquals(expected.size(), actual.size());
    assertEquals(expected.isEmpty(), actual.isEmpty());
    if (expected.isEmpty()) {
      assertThrows(NoSuchElementException.class, actual::firstKey);
      assertThrows(NoSuchElementException.class, actual::lastKey);
    } else {
      assertEquals(expected.firstKey(), actual.firstKey());
      assertEquals(expected.lastKey(), actual.lastKey());
    }
    for (String key : expected.keySet()) {
      assertEquals(expected.get(key), actual.get(key));
      assertEquals(true, actual.keySet().contains(key));
    }
  }

  @Test
  void anEditThatChangesNothingGivesTheMapItself() {
    Integer one = 1000;
    SortedArrayMap<Integer> map = SortedArrayMap.copyOf(new TreeMap<>(Map.of("a", one, "c", 3)));
    SortedArrayMap.Edit<Integer> edit = map.edit();
    edit.put("a", one); // the very instance it holds
    edit.remove("b"); // not there
    assertSame(map, edit.build());

    SortedArrayMap.Edit<Integer> equalNotSame = map.edit();
    equalNotSame.put("a", Integer.valueOf(1000)); // equal, another instance: a change
    SortedArrayMap<Integer> next = equalNotSame.build();
    assertEquals(map, next);
    assertSame(map.get("c"), next.get("c"));
    assertEquals(false, map.get("a") == next.get("a"));
  }

  @Test
  void keepsTheInstancesItWasGivenAndTheFirstKeyInstanceOfAReplacedEntry() {
    String path = new String("certs/a.pem");
    SortedArrayMap<String> map = SortedArrayMap.copyOf(new TreeMap<>(Map.of(path, "old")));
    SortedArrayMap.Edit<String> edit = map.edit();
    edit.put(new String("certs/a.pem"), "new");
    SortedArrayMap<String> next = edit.build();
    assertSame(path, next.firstKey(), "the key instance the map held (the shared path)");
    assertEquals("new", next.get(path));
  }

  @Test
  void refusesChangesAndNulls() {
    SortedArrayMap<Integer> map = SortedArrayMap.copyOf(new TreeMap<>(Map.of("a", 1)));
    assertThrows(UnsupportedOperationException.class, () -> map.put("b", 2));
    assertThrows(UnsupportedOperationException.class, () -> map.remove("a"));
    assertThrows(UnsupportedOperationException.class, () -> map.keySet().remove("a"));
    assertThrows(UnsupportedOperationException.class, () -> map.values().clear());
    assertThrows(UnsupportedOperationException.class,
        () -> map.entrySet().iterator().next().setValue(3));
    assertThrows(UnsupportedOperationException.class, () -> map.keySet().iterator().remove());
    assertThrows(NullPointerException.class, () -> map.get(null));
    assertThrows(NullPointerException.class, () -> map.edit().put("b", null));
    assertThrows(IllegalArgumentException.class, () -> map.subMap("b", "a"));
    assertThrows(IllegalArgumentException.class,
        () -> SortedArrayMap.copyOf(new TreeMap<String, Integer>(Comparator.reverseOrder())));
    assertEquals(Map.of("a", 1), map);
  }
}
