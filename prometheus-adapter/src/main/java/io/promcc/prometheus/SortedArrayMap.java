package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * An immutable sorted map of paths (natural order) held in two arrays, and a way to make the
 * next map of a few changes ({@link #edit()}) by copying array runs instead of nodes.
 *
 * <p>Why not a {@code TreeMap}: the store's owned files (40,000 at 10,000 clusters) change by one
 * or two entries per reconcile, and each change used to copy the whole tree (40,000 nodes,
 * 1.6 MB); here the next map costs two arrays of references (0.3 MB) and no per-entry object.
 * Keys and values are the given instances (the store compares them by identity).
 *
 * <p>Views ({@link #subMap}, {@link #headMap}, {@link #tailMap}, {@link #keySet},
 * {@link #values}) share the arrays; nothing ever writes into them once a map is made. Unlike a
 * {@code TreeMap}'s, a range view does not refuse keys outside its range: they read as absent,
 * and a range asked of it is cut to its own. Every
 * mutator throws {@link UnsupportedOperationException}. Null keys and values are refused. Thread
 * safe (immutable).
 *
 * @param <V> the value type
 */
final class SortedArrayMap<V> extends AbstractMap<String, V> implements SortedMap<String, V> {
  private static final SortedArrayMap<Object> EMPTY =
      new SortedArrayMap<>(new String[0], new Object[0], 0, 0);
  /** A removal in an {@link Edit}'s changes. */
  private static final Object REMOVED = new Object();

  private final String[] keys;
  private final Object[] values;
  private final int from;
  private final int to;

  private SortedArrayMap(String[] keys, Object[] values, int from, int to) {
    this.keys = keys;
    this.values = values;
    this.from = from;
    this.to = to;
  }

  /** The empty map. */
  @SuppressWarnings("unchecked")
  static <V> SortedArrayMap<V> of() {
    return (SortedArrayMap<V>) EMPTY;
  }

  /**
   * A map of {@code map}'s entries: {@code map} itself if it is one.
   *
   * @throws IllegalArgumentException if {@code map} is not in the keys' natural order
   * @throws NullPointerException if a key or value is null
   */
  @SuppressWarnings("unchecked")
  static <V> SortedArrayMap<V> copyOf(SortedMap<String, ? extends V> map) {
    if (map instanceof SortedArrayMap<?> same) {
      return (SortedArrayMap<V>) same;
    }
    if (map.comparator() != null) {
      throw new IllegalArgumentException("expected a map in the natural order of its keys");
    }
    String[] keys = new String[map.size()];
    Object[] values = new Object[keys.length];
    int i = 0;
    for (Map.Entry<String, ? extends V> e : map.entrySet()) {
      keys[i] = requireNonNull(e.getKey(), "key == null");
      values[i++] = requireNonNull(e.getValue(), "value == null");
    }
    return i == 0 ? of() : new SortedArrayMap<>(keys, values, 0, i);
  }

  /** Changes to make the next map of this one; this map is unchanged. */
  Edit<V> edit() {
    return new Edit<>(this);
  }

  /**
   * Puts and removals collected for the next map. Not thread-safe. Reads see the changes made
   * so far.
   *
   * @param <V> the value type
   */
  static final class Edit<V> {
    private final SortedArrayMap<V> base;
    /** The changed keys: the new value, or {@link #REMOVED}. */
    private final TreeMap<String, Object> changes = new TreeMap<>();

    private Edit(SortedArrayMap<V> base) {
      this.base = base;
    }

    /** Maps {@code key} to {@code value}. */
    void put(String key, V value) {
      changes.put(requireNonNull(key, "key == null"), requireNonNull(value, "value == null"));
    }

    /** Removes {@code key}, if present. */
    void remove(String key) {
      changes.put(requireNonNull(key, "key == null"), REMOVED);
    }

    /** The value of {@code key} with the changes so far; null if none. */
    @SuppressWarnings("unchecked")
    V get(String key) {
      Object changed = changes.get(key);
      if (changed != null) {
        return changed == REMOVED ? null : (V) changed;
      }
      return base.get(key);
    }

    /**
     * The map with the changes: the base map itself if none changed anything (a put of the very
     * value instance the base holds, a removal of a missing key).
     */
    @SuppressWarnings("unchecked")
    SortedArrayMap<V> build() {
      // first pass: which changes change something, and the size after them
      int size = base.size();
      boolean changed = false;
      // each change's place in the base, found once for both passes
      int[] places = new int[changes.size()];
      int i = 0;
      for (Map.Entry<String, Object> c : changes.entrySet()) {
        int at = base.indexOf(c.getKey());
        places[i++] = at;
        if (c.getValue() == REMOVED) {
          if (at >= 0) {
            size--;
            changed = true;
          }
        } else if (at < 0) {
          size++;
          changed = true;
        } else if (base.values[at] != c.getValue()) {
          changed = true;
        }
      }
      if (!changed) {
        return base;
      }
      if (size == 0) {
        return of();
      }
      String[] keys = new String[size];
      Object[] values = new Object[size];
      int read = base.from;
      int write = 0;
      i = 0;
      for (Map.Entry<String, Object> c : changes.entrySet()) {
        int at = places[i++];
        int insertion = at >= 0 ? at : -at - 1;
        int run = insertion - read;
        System.arraycopy(base.keys, read, keys, write, run);
        System.arraycopy(base.values, read, values, write, run);
        write += run;
        read = insertion;
        if (at >= 0) {
          read++; // replaced or removed: the base's entry is not copied
        }
        if (c.getValue() != REMOVED) {
          keys[write] = at >= 0 ? base.keys[at] : c.getKey();
          values[write++] = c.getValue();
        }
      }
      int run = base.to - read;
      System.arraycopy(base.keys, read, keys, write, run);
      System.arraycopy(base.values, read, values, write, run);
      return new SortedArrayMap<>(keys, values, 0, write + run);
    }
  }

  /** The index of {@code key} in the arrays, or {@code -(insertion point) - 1}. */
  private int indexOf(Object key) {
    return Arrays.binarySearch(keys, from, to, (String) requireNonNull(key, "key == null"));
  }

  /** The first index whose key is at least {@code key}. */
  private int lowerBound(String key) {
    int at = indexOf(key);
    return at >= 0 ? at : -at - 1;
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean isEmpty() {
    return to == from;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int at = indexOf(key);
    return at >= 0 ? (V) values[at] : null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super String, ? super V> action) {
    for (int i = from; i < to; i++) {
      action.accept(keys[i], (V) values[i]);
    }
  }

  @Override
  public Comparator<? super String> comparator() {
    return null;
  }

  @Override
  public SortedMap<String, V> subMap(String fromKey, String toKey) {
    if (fromKey.compareTo(toKey) > 0) {
      throw new IllegalArgumentException("fromKey > toKey");
    }
    return range(lowerBound(fromKey), lowerBound(toKey));
  }

  @Override
  public SortedMap<String, V> headMap(String toKey) {
    return range(from, lowerBound(toKey));
  }

  @Override
  public SortedMap<String, V> tailMap(String fromKey) {
    return range(lowerBound(fromKey), to);
  }

  private SortedArrayMap<V> range(int start, int end) {
    return start == from && end == to ? this : new SortedArrayMap<>(keys, values, start, end);
  }

  @Override
  public String firstKey() {
    if (isEmpty()) {
      throw new NoSuchElementException();
    }
    return keys[from];
  }

  @Override
  public String lastKey() {
    if (isEmpty()) {
      throw new NoSuchElementException();
    }
    return keys[to - 1];
  }

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return new Cursor<>(i -> keys[i]);
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }

      @Override
      public int size() {
        return SortedArrayMap.this.size();
      }
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<V> iterator() {
        return new Cursor<>(i -> (V) values[i]);
      }

      @Override
      public int size() {
        return SortedArrayMap.this.size();
      }
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public Set<Map.Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, V>> iterator() {
        return new Cursor<>(i -> new SimpleImmutableEntry<>(keys[i], (V) values[i]));
      }

      @Override
      public int size() {
        return SortedArrayMap.this.size();
      }
    };
  }

  /** Walks the indexes of this map's range; read-only. */
  private final class Cursor<T> implements Iterator<T> {
    private final IntFunction<T> at;
    private int next = from;

    Cursor(IntFunction<T> at) {
      this.at = at;
    }

    @Override
    public boolean hasNext() {
      return next < to;
    }

    @Override
    public T next() {
      if (next >= to) {
        throw new NoSuchElementException();
      }
      return at.apply(next++);
    }
  }
}
