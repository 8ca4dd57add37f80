package dev.tpucost.corpus.dataset;

import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Chooses the tile configurations of a kernel to label: the default first, then every configuration the
 * candidate bounds span ({@link TileSpace#candidates}: divisors, powers of two, the whole dimension, its half
 * and third, so ragged bounds too) when there are at most {@code n}, otherwise {@code n - 1} distinct ones
 * drawn by picking a random candidate for every free dimension. Configurations whose working set exceeds
 * VMEM are kept: the simulator costs them as spilling, as the hardware would run them. A kernel with nothing
 * to tile has only the empty configuration.
 */
public final class TileSampler {
  private TileSampler() {}

  /** Up to {@code n} distinct configs of {@code space}, the default first. */
  public static List<TileConfig> sample(TileSpace space, int n, Random r) {
    Set<TileConfig> out = new LinkedHashSet<>();
    out.add(space.defaultConfig());
    if (!space.tileable()) {
      return new ArrayList<>(out);
    }
    long[] outUnits = space.outputUnits();
    long[] kUnits = space.kernelUnits();
    boolean[] free = space.kernelReductionDims();
    List<long[]> choices = new ArrayList<>();
    for (long u : outUnits) {
      choices.add(TileSpace.candidates(u));
    }
    for (int p = 0; p < kUnits.length; p++) {
      choices.add(free[p] ? TileSpace.candidates(kUnits[p]) : new long[] {kUnits[p]});
    }
    if (space.boundsSpaceSize() <= n) {
      int[] idx = new int[choices.size()];
      while (out.size() < n) {
        out.add(build(space, choices, idx, outUnits.length));
        int d = idx.length - 1;
        while (d >= 0 && ++idx[d] == choices.get(d).length) {
          idx[d--] = 0;
        }
        if (d < 0) {
          break;
        }
      }
      return new ArrayList<>(out);
    }
    int attempts = 0;
    int[] idx = new int[choices.size()];
    while (out.size() < n && attempts++ < 20 * n) {
      for (int d = 0; d < idx.length; d++) {
        idx[d] = r.nextInt(choices.get(d).length);
      }
      out.add(build(space, choices, idx, outUnits.length));
    }
    return new ArrayList<>(out);
  }

  private static TileConfig build(TileSpace space, List<long[]> choices, int[] idx, int outRank) {
    long[] o = new long[outRank];
    for (int p = 0; p < outRank; p++) {
      o[p] = choices.get(p)[idx[p]];
    }
    long[] k = new long[idx.length - outRank];
    for (int p = 0; p < k.length; p++) {
      k[p] = choices.get(outRank + p)[idx[outRank + p]];
    }
    return space.config(o, k);
  }
}
