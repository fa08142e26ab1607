package io.promcc.core.yaml;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A mapping as {@link YamlReader} reads it, in file order, that remembers the keys whose value
 * was written as a plain {@code Null} or {@code NULL}. Both are null, as {@code ~} and
 * {@code null} are, but Prometheus' YAML (go-yaml v2) hands only the first two to a field's own
 * decoder, as the empty text: {@code action: Null} is the unknown action {@code ""} to it,
 * {@code scrape_interval: NULL} an empty duration, where {@code ~} leaves either unset.
 * It remembers too the keys whose value go-yaml v2 reads as a time ({@code !!timestamp}), which
 * is text here, as Prometheus names that tag where such a value is no number.
 * Not thread-safe while read; not modified after.
 */
final class ReadMapping extends LinkedHashMap<Object, Object> {
  // made on the first mark: most mappings have none, and a clusters file has thousands
  private Set<Object> nullWords;
  private Set<Object> times;
  private Set<Object> merged;
  /** The line of each key that looks like no name ({@link KeyNames}), to name it by. */
  private Map<Object, Integer> lines;

  ReadMapping(int size) {
    super(Math.max(size, 0) * 4 / 3 + 1);
  }

  void addNullWord(Object key) {
    if (nullWords == null) {
      nullWords = new HashSet<>();
    }
    nullWords.add(key);
  }

  void addTime(Object key) {
    if (times == null) {
      times = new HashSet<>();
    }
    times.add(key);
  }

  /** Marks {@code key} as set by a merge key ({@code <<}). */
  void addMerged(Object key) {
    if (merged == null) {
      merged = new HashSet<>();
    }
    merged.add(key);
  }

  /** Whether {@code key} was set by a merge key ({@code <<}), and by no key written after it. */
  boolean isMerged(Object key) {
    return merged != null && merged.contains(key);
  }

  /** Forgets how the value of {@code key} was written, for a value set over it. */
  void unmark(Object key) {
    if (merged != null) {
      merged.remove(key);
    }
    if (nullWords != null) {
      nullWords.remove(key);
    }
    if (times != null) {
      times.remove(key);
    }
  }

  /** Records the line, counted from 1, of a key that looks like no name. */
  void addLine(Object key, int line) {
    if (lines == null) {
      lines = new HashMap<>();
    }
    lines.put(key, line);
  }

  /** The line of {@code key} if it looks like no name ({@link #addLine}). */
  OptionalInt line(Object key) {
    Integer line = lines == null ? null : lines.get(key);
    return line == null ? OptionalInt.empty() : OptionalInt.of(line);
  }

  /** Marks the value of {@code key} as {@code source} marked its own, which it is. */
  void markAs(ReadMapping source, Object key) {
    source.line(key).ifPresent(line -> addLine(key, line));
    if (source.nullWords != null && source.nullWords.contains(key)) {
      addNullWord(key);
    }
    if (source.times != null && source.times.contains(key)) {
      addTime(key);
    }
  }

  /**
   * Whether the value of {@code key} was written plain in a time form go-yaml v2 reads, or
   * tagged {@code !!timestamp}: a time to Prometheus' YAML, text here.
   */
  boolean isTime(Object key) {
    return times != null && times.contains(key) && get(key) instanceof String;
  }

  /** Whether the value of {@code key} was written as a plain {@code Null} or {@code NULL}. */
  boolean isNullWord(Object key) {
    return nullWords != null && nullWords.contains(key) && containsKey(key)
        && get(key) == null;
  }
}
