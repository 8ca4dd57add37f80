package dev.tpucost.api.tile;

import dev.tpucost.api.chip.ChipSpec;
import java.util.Arrays;

/**
 * The default tile: the configuration a compiler could have chosen when the caller gives none. It is the
 * best configuration under the analytical closed form at its prior weights ({@link TileQuantities#cycles}
 * with {@link TileQuantities#PRIOR_WEIGHTS}) over a bounded search:
 *
 * <ol>
 *   <li>start from bounds that cover everything and, while the working set exceeds a quarter of VMEM,
 *       halve the bound whose block is widest in elements (space before weight, major before minor on ties);
 *   <li>then, for up to {@value #PASSES} passes, set each free bound in turn (every space dimension and every
 *       weight reduction dimension) to the best of its candidates ({@link TileEnumeration#candidates}: powers
 *       of two, the whole dimension, halves and thirds of it, all at most {@value TileEnumeration#MAX_CANDIDATES}),
 *       the others held, until a pass changes nothing; on the second-minor dimension of a packed type
 *       (bf16) no bound below one native tile ({@code 16} rows) is proposed, since such a block still moves
 *       whole native tiles;
 *   <li>the closed form's working set ignores convolution halos, so the footprint checks the result: if it
 *       does not fit VMEM, the descent runs again (up to {@value #ROUNDS} rounds) with the closed form's
 *       working set scaled by how far it was off, and as a last resort the widest bound is halved until the
 *       footprint fits.
 * </ol>
 *
 * Weight bounds on non-reduction dimensions are those the output tile implies (no streaming). The search
 * costs about a hundred closed-form evaluations, each O(parameters + dimensions). Deterministic: ties keep
 * the earlier (larger) bound.
 */
final class DefaultTile {
  static final int PASSES = 3;
  static final int ROUNDS = 3;

  private DefaultTile() {}

  static TileConfig choose(TileProfile profile, ChipSpec chip) {
    TilingGeometry g = profile.geometry;
    int r = g.units.length;
    int kr = g.wUnits.length;
    long[] out = g.units.clone();
    long[] k = g.wUnits.clone();
    long budget = chip.vmemBytes() / 4;
    // 1. Shrink to a quarter of VMEM.
    for (int guard = 0; guard < 64 * (r + kr + 1); guard++) {
      TileQuantities q = TileQuantities.of(profile, config(g, out, k), chip);
      if (q.workingSetBytes() <= budget) {
        break;
      }
      if (!halveWidest(g, out, k)) {
        break;
      }
    }
    // 2. Coordinate descent over the candidates. 3. The closed form estimates the working set; the footprint
    // (which sees convolution halos) decides: if it does not fit, descend again with the closed form's
    // working set scaled up by the ratio found, then, as a last resort, shrink until it fits.
    double scale = 1;
    for (int round = 0; round < ROUNDS; round++) {
      descend(profile, chip, out, k, scale);
      TileConfig c = config(g, out, k);
      long footprint = Footprints.compute(g, c, TileFootprint.DEFAULT_BUFFERING).workingSetBytes();
      if (footprint <= chip.vmemBytes()) {
        return c;
      }
      double closed = TileQuantities.of(profile, c, chip, scale).workingSetBytes();
      scale *= Math.max(1.1, footprint / Math.max(1.0, closed) * 1.05);
    }
    for (int guard = 0; guard < 64 * (r + kr + 1); guard++) {
      if (Footprints.compute(g, config(g, out, k), TileFootprint.DEFAULT_BUFFERING).fitsIn(chip.vmemBytes())
          || !halveWidest(g, out, k)) {
        break;
      }
    }
    return config(g, out, k);
  }

  /** Coordinate descent from {@code out}/{@code k} (updated in place) under the prior weights. */
  private static void descend(TileProfile profile, ChipSpec chip, long[] out, long[] k, double scale) {
    TilingGeometry g = profile.geometry;
    int r = out.length;
    int kr = k.length;
    double best = TileQuantities.of(profile, config(g, out, k), chip, scale).cycles(TileQuantities.PRIOR_WEIGHTS);
    for (int pass = 0; pass < PASSES; pass++) {
      boolean changed = false;
      for (int p = 0; p < r + kr; p++) {
        boolean onOutput = p < r;
        int pos = onOutput ? p : p - r;
        if (!onOutput && !g.wReduction[pos]) {
          continue;
        }
        long[] side = onOutput ? out : k;
        long units = onOutput ? g.units[pos] : g.wUnits[pos];
        long keep = side[pos];
        long min = g.minimumDefaultBound(!onOutput, pos);
        for (long c : TileEnumeration.candidates(units)) {
          if (c == keep || (c < min && c != units)) {
            continue;
          }
          side[pos] = c;
          double cycles = TileQuantities.of(profile, config(g, out, k), chip, scale).cycles(TileQuantities.PRIOR_WEIGHTS);
          if (cycles < best * (1 - 1e-9)) {
            best = cycles;
            keep = c;
            changed = true;
          }
        }
        side[pos] = keep;
      }
      if (!changed) {
        break;
      }
    }
  }

  /** Halves the bound whose block is widest in elements; false if every bound is 1. */
  private static boolean halveWidest(TilingGeometry g, long[] out, long[] k) {
    int side = -1;
    int pos = -1;
    long widest = 0;
    for (int p = 0; p < out.length; p++) {
      long e = g.spaceExtent(p, out[p]);
      if (out[p] > g.minimumDefaultBound(false, p) && e > widest) {
        side = 0;
        pos = p;
        widest = e;
      }
    }
    for (int p = 0; p < k.length; p++) {
      long e = g.weightExtent(p, k[p]);
      if (g.wReduction[p] && k[p] > g.minimumDefaultBound(true, p) && e > widest) {
        side = 1;
        pos = p;
        widest = e;
      }
    }
    if (side < 0) {
      return false;
    }
    if (side == 0) {
      out[pos] = NativeTiling.ceilDiv(out[pos], 2);
    } else {
      k[pos] = NativeTiling.ceilDiv(k[pos], 2);
    }
    return true;
  }

  /** The config with these output bounds and these weight reduction bounds, other weight bounds implied. */
  static TileConfig config(TilingGeometry g, long[] out, long[] k) {
    long[] implied = g.impliedKernelBounds(out);
    long[] kk = Arrays.copyOf(k, k.length);
    for (int p = 0; p < kk.length; p++) {
      if (!g.wReduction[p]) {
        kk[p] = implied[p];
      }
    }
    return TileConfig.of(kk, out.clone());
  }
}
