package dev.tpucost.api.hlo;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Positions of a computation's instructions by id. XLA numbers a computation's instructions densely, so
 * the usual index is an array over the id range (no boxing, one load per lookup); sparse or huge ids get
 * a hash map. Filled while the computation is validated, read-only afterwards.
 */
final class IdIndex {
  private static final int ABSENT = -1;

  private final long base;
  private final int[] dense;
  private final Map<Long, Integer> sparse;

  private IdIndex(long base, int[] dense, Map<Long, Integer> sparse) {
    this.base = base;
    this.dense = dense;
    this.sparse = sparse;
  }

  /** An empty index sized for {@code instructions}' ids. */
  static IdIndex forInstructions(List<Instruction> instructions) {
    if (instructions.isEmpty()) {
      return new IdIndex(0, new int[0], null);
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Instruction i : instructions) {
      min = Math.min(min, i.id());
      max = Math.max(max, i.id());
    }
    // The span of ids fits an array at most 4x (plus a little) the instruction count: dense.
    long span = max - min; // overflow for extreme ids makes it negative: sparse
    if (span >= 0 && span < 4L * instructions.size() + 64) {
      int[] dense = new int[(int) span + 1];
      Arrays.fill(dense, ABSENT);
      return new IdIndex(min, dense, null);
    }
    return new IdIndex(0, null, new HashMap<>(instructions.size() * 2));
  }

  /** The position of {@code id}, or -1. */
  int get(long id) {
    if (dense != null) {
      long k = id - base;
      return k >= 0 && k < dense.length ? dense[(int) k] : ABSENT;
    }
    Integer i = sparse.get(id);
    return i == null ? ABSENT : i;
  }

  /** Records {@code id} at {@code index}; returns the position it already had, or -1. */
  int put(long id, int index) {
    if (dense != null) {
      int k = (int) (id - base); // every id put lies in the range the index was sized for
      int previous = dense[k];
      dense[k] = index;
      return previous;
    }
    Integer previous = sparse.put(id, index);
    return previous == null ? ABSENT : previous;
  }
}
