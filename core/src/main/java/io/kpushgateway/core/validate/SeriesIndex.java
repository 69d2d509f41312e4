package io.kpushgateway.core.validate;

import io.kpushgateway.core.model.GroupingKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Series identity → the groups holding it: the catalog's largest table, one entry per stored
 * series. Open addressing on primitive arrays (about 20 bytes an entry, where a {@code
 * HashMap<Long, Object>} takes about 56 and a boxed key for every lookup), so indexing a group of a
 * million series takes milliseconds, not seconds of allocation and collection. A holder is a {@link
 * GroupingKey}, or a list of them for a series several groups hold. Not thread-safe.
 */
final class SeriesIndex {

  private static final int MIN_CAPACITY = 16;

  private long[] ids = new long[MIN_CAPACITY];
  private Object[] holders = new Object[MIN_CAPACITY]; // null: a free slot
  private int size;

  int size() {
    return size;
  }

  /** The groups holding series {@code id}, empty if none. */
  List<GroupingKey> holdersOf(long id) {
    Object holder = holders[find(id)];
    return holder == null ? List.of() : asList(holder);
  }

  /** Whether {@code id} is held by no group but {@code key}. */
  boolean onlyHeldBy(long id, GroupingKey key) {
    Object holder = holders[find(id)];
    return holder == null || (holder instanceof GroupingKey single && single.equals(key));
  }

  void add(long id, GroupingKey key) {
    int slot = find(id);
    Object holder = holders[slot];
    if (holder == null) {
      ids[slot] = id;
      holders[slot] = key;
      if (++size > ids.length * 3 / 4) {
        grow();
      }
      return;
    }
    List<GroupingKey> many = new ArrayList<>(asList(holder));
    many.add(key);
    holders[slot] = many;
  }

  void remove(long id, GroupingKey key) {
    int slot = find(id);
    Object holder = holders[slot];
    if (holder == null) {
      return;
    }
    if (holder instanceof GroupingKey single) {
      if (single.equals(key)) {
        delete(slot);
      }
      return;
    }
    List<GroupingKey> many = new ArrayList<>(asList(holder));
    many.remove(key);
    holders[slot] = many.size() == 1 ? many.get(0) : many;
  }

  /** The slot holding {@code id}, or the free slot where it would go. */
  private int find(long id) {
    int mask = ids.length - 1;
    int slot = hash(id) & mask;
    while (holders[slot] != null && ids[slot] != id) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Frees a slot, moving later entries of its run back so that lookups still find them. */
  private void delete(int slot) {
    int mask = ids.length - 1;
    holders[slot] = null;
    size--;
    int free = slot;
    for (int i = (slot + 1) & mask; holders[i] != null; i = (i + 1) & mask) {
      int home = hash(ids[i]) & mask;
      // the entry at i may move to the free slot unless its home lies between them
      boolean stays = free <= i ? free < home && home <= i : free < home || home <= i;
      if (!stays) {
        ids[free] = ids[i];
        holders[free] = holders[i];
        holders[i] = null;
        free = i;
      }
    }
  }

  private void grow() {
    long[] oldIds = ids;
    Object[] oldHolders = holders;
    ids = new long[oldIds.length * 2];
    holders = new Object[oldIds.length * 2];
    for (int i = 0; i < oldIds.length; i++) {
      if (oldHolders[i] != null) {
        int slot = find(oldIds[i]);
        ids[slot] = oldIds[i];
        holders[slot] = oldHolders[i];
      }
    }
  }

  private static int hash(long id) {
    // identities are already uniform (SHA-256 prefixes); fold in the high half all the same
    return (int) (id ^ (id >>> 32));
  }

  @SuppressWarnings("unchecked")
  private static List<GroupingKey> asList(Object holder) {
    return holder instanceof GroupingKey single ? List.of(single) : (List<GroupingKey>) holder;
  }
}
