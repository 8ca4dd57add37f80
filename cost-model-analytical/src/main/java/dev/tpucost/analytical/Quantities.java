package dev.tpucost.analytical;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.tile.TileConfig;

/**
 * The tile-dependent quantities of one (kernel, tile), in closed form from the kernel's
 * {@link KernelProfile}: O(parameters + dimensions), no walk over the graph. Times are in cycles per core;
 * the constants turn them into a runtime ({@link #cycles}).
 *
 * <p>Blocks: along output dimension {@code p} a tile covers {@code min(b * unit, dim) / dim} of it; a
 * parameter's block is its padded size times the fractions of the loops it follows, and it is reloaded
 * whenever one of those loops (or an outer one) advances, e.g. a matmul's LHS once per N tile. The MXU
 * streams the M rows of a tile once per weight pass, with K and N padded to the array and M rounded to 8.
 */
record Quantities(
    double steps,
    double mxuRows,
    double mxuPasses,
    double vpuOps,
    double moveOps,
    double eupOps,
    double xluOps,
    double memoryCycles,
    double dmaTransfers) {

  static Quantities of(KernelProfile k, TileConfig tile, ChipSpec chip) {
    int r = k.outRank;
    double[] frac = new double[r];
    long[] trips = new long[r + 1];
    long outTiles = 1;
    double tileElements = 1;
    double paddedElements = 1;
    for (int p = 0; p < r; p++) {
      long b = Math.min(tile.outputBound(p), k.outUnits[p]);
      double extent = Math.min(b * k.outUnit[p], k.outFull[p]);
      frac[p] = extent / k.outFull[p];
      trips[p] = (k.outUnits[p] + b - 1) / b;
      outTiles *= trips[p];
      tileElements *= extent;
      paddedElements *= p == r - 1 ? roundUp(extent, 128) : p == r - 2 ? roundUp(extent, 8) : extent;
    }
    double pad = tileElements == 0 ? 1 : paddedElements / tileElements;
    long redTrips = 1;
    double kFrac = 1;
    for (int p = 0; p < k.kUnits.length; p++) {
      if (k.kReduction[p]) {
        long b = Math.min(tile.kernelBound(p), k.kUnits[p]);
        redTrips *= (k.kUnits[p] + b - 1) / b;
        kFrac *= Math.min(b * k.kUnit[p], k.kFull[p]) / (double) k.kFull[p];
      }
    }
    trips[r] = redTrips;
    int cores = chip.coresPerDevice();
    double stepsPerCore = Math.ceil(outTiles / (double) cores) * redTrips;

    // Memory: every parameter block times its loads, plus the output once.
    double bytes = k.outputBytes * pad;
    double transfers = outTiles;
    for (int p = 0; p < k.paramBytes.length; p++) {
      int mask = k.paramMask[p];
      double block = k.paramBytes[p];
      long loads = 1;
      if (mask != 0) {
        // Loops with a single trip never move a block: the innermost loop that matters has trips > 1.
        int innermost = -1;
        for (int l = 0; l <= r; l++) {
          if ((mask & (1 << l)) != 0 && trips[l] > 1) {
            innermost = l;
          }
        }
        for (int l = 0; l <= innermost && l <= r; l++) {
          loads *= trips[l];
        }
        for (int l = 0; l < r; l++) {
          if ((mask & (1 << l)) != 0) {
            block *= frac[l];
          }
        }
        if ((mask & (1 << r)) != 0) {
          block *= kFrac;
        }
      }
      bytes += block * loads;
      transfers += loads;
    }

    // MXU: passes per step over the tile's batch, K and N; M rows streamed per pass.
    double rows = 0;
    double passes = 0;
    if (k.contraction) {
      double mt = k.m;
      double nt = k.n;
      double bt = k.batch;
      for (int p = 0; p < r; p++) {
        switch (k.outRole[p]) {
          case KernelProfile.ROLE_N -> nt *= frac[p];
          case KernelProfile.ROLE_BATCH -> bt *= frac[p];
          default -> mt *= frac[p];
        }
      }
      double kt = k.k * kFrac;
      double perStep = Math.ceil(bt) * Math.ceil(kt / chip.mxuRows()) * Math.ceil(nt / chip.mxuCols()) * k.precisionPasses;
      double perMxu = Math.ceil(perStep / chip.mxusPerCore());
      passes = stepsPerCore * perMxu;
      rows = passes * roundUp(Math.max(1, mt), 8);
    }
    double lanes = 1024.0 * cores;
    double alus = chip.vpuAlus();
    return new Quantities(
        stepsPerCore,
        rows,
        passes,
        k.vpuOps * pad / (lanes * alus),
        k.moveElements * pad / (lanes * alus),
        k.transcendentals * pad / lanes,
        k.xluElements / lanes,
        bytes / chip.hbmBytesPerCycle(),
        transfers / cores);
  }

  /** Padded over real elements of one output tile (native (8,128) padding of the two minor dims), minus 1. */
  static double padding(KernelProfile k, TileConfig tile) {
    int r = k.outRank;
    double real = 1;
    double padded = 1;
    for (int p = 0; p < r; p++) {
      long b = Math.min(tile.outputBound(p), k.outUnits[p]);
      double extent = Math.min(b * k.outUnit[p], k.outFull[p]);
      real *= extent;
      padded *= p == r - 1 ? roundUp(extent, 128) : p == r - 2 ? roundUp(extent, 8) : extent;
    }
    return real == 0 ? 0 : padded / real - 1;
  }

  /** The model's estimate of a tile's double-buffered working set in bytes. */
  static double workingSet(KernelProfile k, TileConfig tile) {
    int r = k.outRank;
    double[] frac = new double[r];
    double outFrac = 1;
    for (int p = 0; p < r; p++) {
      long b = Math.min(tile.outputBound(p), k.outUnits[p]);
      frac[p] = Math.min(b * k.outUnit[p], k.outFull[p]) / (double) k.outFull[p];
      outFrac *= frac[p];
    }
    double kFrac = 1;
    for (int p = 0; p < k.kUnits.length; p++) {
      if (k.kReduction[p]) {
        long b = Math.min(tile.kernelBound(p), k.kUnits[p]);
        kFrac *= Math.min(b * k.kUnit[p], k.kFull[p]) / (double) k.kFull[p];
      }
    }
    double sum = k.outputBytes * outFrac;
    for (int p = 0; p < k.paramBytes.length; p++) {
      double block = k.paramBytes[p];
      for (int l = 0; l < r; l++) {
        if ((k.paramMask[p] & (1 << l)) != 0) {
          block *= frac[l];
        }
      }
      if ((k.paramMask[p] & (1 << r)) != 0) {
        block *= kFrac;
      }
      sum += block;
    }
    return 2 * sum;
  }

  /** Total cycles under {@code c}. */
  double cycles(Constants c) {
    double mxu = c.mxuEfficiency() * (mxuRows + c.mxuFill() * mxuPasses);
    double vpu = c.vpuEfficiency() * (vpuOps + c.moveCost() * moveOps);
    double eup = c.eupCost() * eupOps;
    double xlu = c.xluCost() * xluOps;
    double compute = Math.max(Math.max(mxu, vpu), Math.max(eup, xlu));
    double memory = c.memoryEfficiency() * memoryCycles + c.dmaCost() * dmaTransfers;
    return compute + memory - c.overlap() * Math.min(compute, memory) + c.stepCost() * steps + c.launchCost();
  }

  private static double roundUp(double x, double m) {
    return Math.ceil(x / m) * m;
  }
}
