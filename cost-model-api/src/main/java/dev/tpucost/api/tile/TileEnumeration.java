package dev.tpucost.api.tile;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.math.LongMath;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Enumeration of a kernel's tile configurations. Each free bound (every space dimension, every weight
 * reduction dimension) ranges over its {@linkplain #candidates candidates}: the divisors of the dimension's
 * units, the powers of two below them, the whole dimension, and halves and thirds of it rounded up (the
 * ragged bounds XLA's autotuner also tries), at most {@value #MAX_CANDIDATES} per dimension; weight bounds on
 * other dimensions are those the output tile implies.
 */
final class TileEnumeration {
  /** Most candidates per dimension (the largest divisors and powers of two are kept first). */
  static final int MAX_CANDIDATES = 24;

  private TileEnumeration() {}

  /** The candidate bounds of a dimension of {@code units} units, ascending. */
  static long[] candidates(long units) {
    checkArgument(units >= 1, "units must be >= 1, got %s", units);
    TreeSet<Long> c = new TreeSet<>();
    c.add(units);
    c.add(NativeTiling.ceilDiv(units, 2));
    c.add(NativeTiling.ceilDiv(units, 3));
    for (long p = 1; p < units; p <<= 1) {
      c.add(p);
    }
    for (long d : divisors(units)) {
      c.add(d);
    }
    while (c.size() > MAX_CANDIDATES) {
      // Drop the smallest non-power-of-two first, then the smallest values.
      Long drop = null;
      for (long v : c) {
        if (Long.bitCount(v) != 1 && v != units) {
          drop = v;
          break;
        }
      }
      c.remove(drop != null ? drop : c.first());
    }
    return c.stream().mapToLong(Long::longValue).toArray();
  }

  /** The divisors of {@code units}, ascending. */
  static long[] divisors(long units) {
    checkArgument(units >= 1, "units must be >= 1, got %s", units);
    List<Long> small = new ArrayList<>();
    List<Long> large = new ArrayList<>();
    for (long d = 1; d * d <= units; d++) {
      if (units % d == 0) {
        small.add(d);
        if (d != units / d) {
          large.add(0, units / d);
        }
      }
    }
    small.addAll(large);
    return small.stream().mapToLong(Long::longValue).toArray();
  }

  /** Number of configurations the candidates span; saturates at {@link Long#MAX_VALUE}. */
  static long spaceSize(TilingGeometry g) {
    long n = 1;
    for (long u : g.units) {
      n = LongMath.saturatedMultiply(n, candidates(u).length);
    }
    for (int p = 0; p < g.wUnits.length; p++) {
      if (g.wReduction[p]) {
        n = LongMath.saturatedMultiply(n, candidates(g.wUnits[p]).length);
      }
    }
    return n;
  }

  /**
   * Up to {@code limit} configurations whose working set fits in {@code vmemBytes}, in a fixed order
   * (odometer over the candidates, most-minor space dimension fastest, then the weight's). Examines at most
   * {@code 64 * limit} candidates so that a huge, mostly overflowing space cannot hang the caller.
   */
  static List<TileConfig> fitting(TilingGeometry g, long vmemBytes, int limit) {
    checkArgument(limit >= 0, "limit must be >= 0, got %s", limit);
    if (!g.tileable) {
      return limit > 0 ? List.of(TileConfig.EMPTY) : List.of();
    }
    List<long[]> choices = new ArrayList<>();
    for (long u : g.units) {
      choices.add(candidates(u));
    }
    List<Integer> freeKernelDims = new ArrayList<>();
    for (int p = 0; p < g.wUnits.length; p++) {
      if (g.wReduction[p]) {
        choices.add(candidates(g.wUnits[p]));
        freeKernelDims.add(p);
      }
    }
    ImmutableList.Builder<TileConfig> out = ImmutableList.builder();
    int found = 0;
    long examined = 0;
    long maxExamined = Math.max(1, 64L * limit);
    int[] idx = new int[choices.size()];
    int r = g.units.length;
    while (found < limit && examined < maxExamined) {
      long[] o = new long[r];
      for (int p = 0; p < r; p++) {
        o[p] = choices.get(p)[idx[p]];
      }
      long[] k = g.wUnits.clone();
      for (int j = 0; j < freeKernelDims.size(); j++) {
        k[freeKernelDims.get(j)] = choices.get(r + j)[idx[r + j]];
      }
      TileConfig c = DefaultTile.config(g, o, k);
      examined++;
      if (Footprints.compute(g, c, TileFootprint.DEFAULT_BUFFERING).fitsIn(vmemBytes)) {
        out.add(c);
        found++;
      }
      if (!advance(idx, choices, r)) {
        break;
      }
    }
    return out.build();
  }

  /** Odometer step: space dims from minor to major, then weight dims. Returns false when exhausted. */
  private static boolean advance(int[] idx, List<long[]> choices, int outRank) {
    int n = idx.length;
    for (int j = 0; j < n; j++) {
      int p = j < outRank ? outRank - 1 - j : j;
      if (++idx[p] < choices.get(p).length) {
        return true;
      }
      idx[p] = 0;
    }
    return false;
  }
}
