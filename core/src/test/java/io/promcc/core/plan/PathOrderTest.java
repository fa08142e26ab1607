package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Files are in path order, in whatever order they come, whatever the last plan's (sorted) paths
 * were: the same strings, equal strings that are other instances, or other paths.
 */
class PathOrderTest {
  private static final DesiredFile FILE = DesiredFile.of(FileKind.SCRAPE_CONFIG, "x");

  @Provide
  Arbitrary<Set<String>> paths() {
    return Arbitraries.strings().withChars("ab-./0").ofMinLength(1).ofMaxLength(6).set()
        .ofMaxSize(12);
  }

  @Property(tries = 300)
  void filesAreSortedByPathWhateverTheLastPathsWere(@ForAll("paths") Set<String> paths,
      @ForAll Random random) {
    List<String> sortedPaths = paths.stream().sorted().toList();
    List<String> shuffled = new ArrayList<>(sortedPaths);
    Collections.shuffle(shuffled, random);
    List<String> copies = sortedPaths.stream().map(String::new).toList();
    ImmutableSortedMap<String, DesiredFile> expected = ImmutableSortedMap.copyOf(
        shuffled.stream().map(path -> Map.entry(path, FILE)).toList());

    for (List<String> order : List.of(sortedPaths, shuffled)) {
      List<Map.Entry<String, DesiredFile>> files =
          order.stream().map(path -> Map.entry(path, FILE)).toList();
      // the last paths are sorted, as a plan's are
      for (List<String> last : List.of(sortedPaths, copies, List.<String>of(),
          sortedPaths.subList(0, sortedPaths.size() / 2))) {
        ImmutableSortedMap<String, DesiredFile> sorted =
            PathOrder.sorted(files, ImmutableList.copyOf(last));
        assertEquals(expected, sorted);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(sorted.keySet()));
      }
    }
  }
}
