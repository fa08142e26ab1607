package io.promcc.core.yaml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * A sequence as {@link YamlReader} reads it that remembers the items written as a plain
 * {@code Null} or {@code NULL}: null, as {@code ~} is, but the empty text to an item's own
 * decoder in Prometheus' YAML (go-yaml v2), as {@link ReadMapping} tells of a mapping's values
 * (a source label {@code Null} is the label name {@code ""} to it, which it refuses).
 * Not thread-safe while read; not modified after.
 */
final class ReadList extends ArrayList<Object> {
  private Set<Integer> nullWords; // made on the first mark: most lists have none

  ReadList(int size) {
    super(Math.max(size, 0));
  }

  void addNullWord(int index) {
    if (nullWords == null) {
      nullWords = new HashSet<>();
    }
    nullWords.add(index);
  }

  /** Whether item {@code index} was written as a plain {@code Null} or {@code NULL}. */
  boolean isNullWord(int index) {
    return nullWords != null && nullWords.contains(index) && get(index) == null;
  }
}
