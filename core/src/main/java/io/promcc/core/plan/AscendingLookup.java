package io.promcc.core.plan;

import io.promcc.core.model.ClusterId;
import java.util.Iterator;
import java.util.function.Function;

/**
 * Finds items sorted by cluster ID for IDs asked in ascending order, by walking the items once
 * alongside: a plan visits its clusters in ID order, so at 10,000 clusters this replaces 10,000
 * hash or tree lookups with one pass. Not thread-safe: one per pass. Public for core's own
 * packages (the reconciler walks a snapshot's clusters with it), not for embedders: it may
 * change.
 *
 * @param <T> the items
 */
public final class AscendingLookup<T> {
  private final Iterator<T> items;
  private final Function<T, ClusterId> idOf;
  private T next;

  /**
   * @param items sorted by ID, each ID once
   * @param idOf an item's ID
   */
  public AscendingLookup(Iterable<T> items, Function<T, ClusterId> idOf) {
    this.items = items.iterator();
    this.idOf = idOf;
    this.next = this.items.hasNext() ? this.items.next() : null;
  }

  /**
   * The item of {@code id}, or null.
   *
   * @param id greater than every ID asked before
   */
  public T find(ClusterId id) {
    while (next != null) {
      int order = idOf.apply(next).compareTo(id);
      if (order >= 0) {
        return order == 0 ? next : null;
      }
      next = items.hasNext() ? items.next() : null;
    }
    return null;
  }
}
