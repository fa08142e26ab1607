package io.promcc.core.plan;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.DesiredFile;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Puts a plan's files in path order. A plan's paths are mostly the very strings of the last plan
 * (the render memo keeps them), in the same order: then the order is known without comparing a
 * single path, which at 40,000 paths spread over the heap is what sorting costs (reading them).
 */
final class PathOrder {
  private PathOrder() {}

  /**
   * {@code files} sorted by path.
   *
   * @param files each path once
   * @param lastPaths the last plan's paths, sorted: if {@code files} has the same strings in the
   *     same order, they are taken as sorted without a comparison
   */
  static ImmutableSortedMap<String, DesiredFile> sorted(List<Map.Entry<String, DesiredFile>> files,
      Collection<String> lastPaths) {
    if (files.size() != lastPaths.size()) {
      return ImmutableSortedMap.copyOf(files);
    }
    Object[] last = lastPaths.toArray();
    for (int i = 0; i < last.length; i++) {
      if (!isPath(files.get(i), last[i])) {
        return ImmutableSortedMap.copyOf(files);
      }
    }
    return ImmutableSortedMap.copyOfSorted(new InOrder(files));
  }

  /**
   * True if {@code entry}'s path is the instance {@code path}. Compared as {@code Object}s: a
   * {@code String} comparison would first check each string's class, a read of 80,000 objects
   * spread over the heap.
   */
  private static boolean isPath(Map.Entry<String, DesiredFile> entry, Object path) {
    Object key = entry.getKey();
    return key == path;
  }

  /**
   * Entries known to be in path order, as the sorted map {@link ImmutableSortedMap#copyOfSorted}
   * takes without sorting or comparing; it reads only the comparator and the entries.
   */
  private static final class InOrder extends AbstractMap<String, DesiredFile>
      implements SortedMap<String, DesiredFile> {
    private final List<Map.Entry<String, DesiredFile>> entries;

    InOrder(List<Map.Entry<String, DesiredFile>> entries) {
      this.entries = entries;
    }

    @Override
    public Set<Map.Entry<String, DesiredFile>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, DesiredFile>> iterator() {
          return entries.iterator();
        }

        @Override
        public int size() {
          return entries.size();
        }
      };
    }

    @Override
    public Comparator<? super String> comparator() {
      return null; // natural order
    }

    @Override
    public String firstKey() {
      return entries.get(0).getKey();
    }

    @Override
    public String lastKey() {
      return entries.get(entries.size() - 1).getKey();
    }

    @Override
    public SortedMap<String, DesiredFile> subMap(String fromKey, String toKey) {
      throw new UnsupportedOperationException("a view for copying only");
    }

    @Override
    public SortedMap<String, DesiredFile> headMap(String toKey) {
      throw new UnsupportedOperationException("a view for copying only");
    }

    @Override
    public SortedMap<String, DesiredFile> tailMap(String fromKey) {
      throw new UnsupportedOperationException("a view for copying only");
    }
  }
}
