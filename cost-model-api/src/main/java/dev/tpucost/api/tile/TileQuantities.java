package dev.tpucost.api.tile;

import dev.tpucost.api.chip.ChipSpec;

/**
 * The tile-dependent quantities of one (kernel, tile), in closed form from the kernel's {@link TileProfile}:
 * O(parameters + dimensions), no walk over the graph. Quantities are per core: the megacore's cores split
 * the output blocks, evenly or as the tiles fall ({@link CoreSplit}).
 *
 * <p>Blocks: along space position {@code p} a bound of {@code b} units covers {@code e = min(b * unit, dim)}
 * elements, making {@code ceil(units / b)} trips (the last block partial). A parameter's block is its
 * padded size times {@code e / dim} for every loop it follows; it is reloaded whenever one of those loops, or
 * an outer one, advances, so over the kernel it moves its bytes once per trip of the outer loops it does not
 * follow (the bytes that exist: a partial block moves only its part). Compute is on whole blocks: the MXU
 * streams the M rows of a step (rounded to 8) once per weight pass, with K and N padded to the array; VPU,
 * transcendental and cross-lane work scale with the padded blocks ({@link #computePadding}).
 *
 * @param steps grid steps per core
 * @param mxuRows rows streamed through the MXUs
 * @param mxuPasses weight passes of the MXUs
 * @param vpuOps elementwise vreg ops per VPU ALU
 * @param moveOps data-movement vreg ops per VPU ALU
 * @param eupOps transcendental vreg ops
 * @param xluOps cross-lane vreg ops
 * @param memoryCycles cycles to move the HBM bytes at peak bandwidth
 * @param dmaTransfers DMA transfers per core
 * @param workingSetBytes the double-buffered VMEM working set
 * @param spill how far the working set exceeds VMEM ({@code workingSet / vmem}, at least 1): a kernel that
 *     does not fit streams its blocks without overlap and moves the excess again
 * @param computePadding {@link #computePadding(TileProfile, TileConfig)} of the tile, which the compute
 *     quantities above are scaled by (kept so that a learned model taking it as a feature does not compute it again)
 */
public record TileQuantities(
    double steps,
    double mxuRows,
    double mxuPasses,
    double vpuOps,
    double moveOps,
    double eupOps,
    double xluOps,
    double memoryCycles,
    double dmaTransfers,
    double workingSetBytes,
    double spill,
    double computePadding) {

  /** Number of weights {@link #cycles} takes. */
  public static final int WEIGHTS = 11;

  /**
   * Uncalibrated weights from public figures, in {@link #cycles} order: ~2k-cycle kernel floor and ~0.35 us
   * per grid step (XLA:TPU, Pallas on v5e), weight load R cycles plus drain per MXU pass, peak bandwidth. The
   * default tile is the best configuration under these ({@link DefaultTile}).
   */
  public static final double[] PRIOR_WEIGHTS = {2000, 500, 0.9, 256, 1, 1, 0.5, 4, 3, 1.1, 40};

  /**
   * How a megacore's cores ({@link ChipSpec#coresPerDevice} above 1) share a kernel's grid in the closed form; on
   * any other chip the two give the same quantities.
   */
  public enum CoreSplit {
    /**
     * Every core does {@code 1/cores} of the compute, whatever the number of output tiles: the form the learned
     * models were trained on and the default-tile search uses.
     */
    EVEN,
    /**
     * The cores split the output tiles, so the busiest core computes {@code ceil(tiles / cores) / tiles} of the
     * grid's VPU, transcendental and cross-lane work: one output tile runs on one core while the other idles, as
     * the simulator (and the chip) runs it. What the analytical model predicts with. Memory stays pooled: the
     * busiest core's bytes at its {@code 1/cores} of the bandwidth (what the simulator charges) made the analytical
     * model's fusion MAPE on v4 12.7% instead of 20.1%, but ordered small kernels' tiles worse (tile τ over kernels
     * of 3-9 configs 0.89 -> 0.66 on the family split), as splitting a small output moves padded sub-native blocks
     * the closed form does not see; computing the share alone improved every metric on both splits.
     */
    BUSIEST_CORE
  }

  /** The quantities of {@code tile} (bounds possible, of the kernel's ranks) on {@code chip}, {@link CoreSplit#EVEN}. */
  public static TileQuantities of(TileProfile k, TileConfig tile, ChipSpec chip) {
    return of(k, tile, chip, 1, CoreSplit.EVEN);
  }

  /** The quantities of {@code tile} (bounds possible, of the kernel's ranks) on {@code chip}, its cores split as given. */
  public static TileQuantities of(TileProfile k, TileConfig tile, ChipSpec chip, CoreSplit split) {
    return of(k, tile, chip, 1, split);
  }

  /**
   * Like {@link #of(TileProfile, TileConfig, ChipSpec)} with the closed-form working set scaled by
   * {@code workingSetScale} (the default search's correction towards the footprint's, which sees halos).
   */
  static TileQuantities of(TileProfile k, TileConfig tile, ChipSpec chip, double workingSetScale) {
    return of(k, tile, chip, workingSetScale, CoreSplit.EVEN);
  }

  private static TileQuantities of(TileProfile k, TileConfig tile, ChipSpec chip, double workingSetScale,
      CoreSplit split) {
    TilingGeometry g = k.geometry;
    int r = k.rank;
    if (tile.outputRank() != r || tile.kernelRank() != g.wUnits.length) {
      throw new InvalidTileException("kernel '" + g.kernel.name() + "', tile " + tile + ": bounds of the wrong rank"
          + " for the closed form (resolve an empty configuration first)");
    }
    int loops = r + 2;
    double[] frac = new double[loops];
    long[] trips = new long[loops];
    long outTiles = 1;
    long redTrips = 1;
    for (int p = 0; p < r; p++) {
      long b = Math.min(tile.outputBound(p), g.units[p]);
      long e = g.spaceExtent(p, b);
      int l = k.spaceLoop[p];
      frac[l] = e / (double) g.dims[p];
      trips[l] = NativeTiling.ceilDiv(g.units[p], b);
      if (l < k.parallel) {
        outTiles *= trips[l];
      } else {
        redTrips *= trips[l];
      }
    }
    double padded = paddedCompute(k, tile);
    TilingGeometry.WeightLoops w = g.weightLoops(tile);
    long kTrips = w.kTrips();
    long streamTrips = w.streamTrips();
    double kFrac = w.kFraction();
    double streamFrac = w.streamFraction();
    trips[r] = streamTrips;
    frac[r] = streamFrac;
    trips[r + 1] = kTrips;
    frac[r + 1] = kFrac;
    redTrips *= kTrips * streamTrips;
    int cores = chip.coresPerDevice();
    double stepsPerCore = Math.ceil(outTiles / (double) cores) * redTrips;

    // Memory: each parameter moves its bytes once per trip of the outer loops it does not follow; the
    // outputs are written once.
    double bytes = k.outputBytes;
    double transfers = outTiles;
    double blocks = 0;
    for (int p = 0; p < k.paramBytes.length; p++) {
      int mask = k.paramMask[p];
      int innermost = -1;
      for (int l = 0; l < loops; l++) {
        if ((mask & (1 << l)) != 0 && trips[l] > 1) {
          innermost = l;
        }
      }
      long loads = 1;
      double reread = 1;
      double block = k.paramBytes[p];
      for (int l = 0; l <= innermost; l++) {
        loads *= trips[l];
        if ((mask & (1 << l)) == 0) {
          reread *= trips[l];
        }
      }
      for (int l = 0; l < loops; l++) {
        if ((mask & (1 << l)) != 0) {
          block *= frac[l];
        }
      }
      if (!k.paramOnChip[p]) {
        bytes += k.paramBytes[p] * reread;
        transfers += loads;
        blocks += block;
      }
    }
    double outFrac = 1;
    for (int p = 0; p < r; p++) {
      if (k.spaceLoop[p] < k.parallel) {
        outFrac *= frac[k.spaceLoop[p]];
      }
    }
    blocks += k.outputBytes * outFrac;
    double acc = 0;
    if (kTrips * streamTrips > 1) {
      acc += k.contractionAccumulatorBytes * outFrac * streamFrac;
    }
    if (redTrips > 1) {
      acc += k.reduceAccumulatorBytes * outFrac;
    }
    double workingSet = workingSetScale * (TileFootprint.DEFAULT_BUFFERING * blocks + acc);
    double spill = Math.max(1, workingSet / chip.vmemBytes());

    // MXU: passes per step over the tile's batch, K and N; M rows streamed per pass.
    double rows = 0;
    double passes = 0;
    if (k.contraction) {
      double mt = k.m;
      double nt = k.n * streamFrac;
      double bt = k.batch;
      for (int p = 0; p < r; p++) {
        double f = frac[k.spaceLoop[p]];
        switch (k.outRole[p]) {
          case TileProfile.ROLE_N -> nt *= f;
          case TileProfile.ROLE_BATCH -> bt *= f;
          default -> mt *= f;
        }
      }
      double kt = k.k * kFrac;
      double perStep = Math.ceil(bt) * Math.ceil(kt / chip.mxuRows()) * Math.ceil(nt / chip.mxuCols()) * k.precisionPasses;
      double perMxu = Math.ceil(perStep / chip.mxusPerCore());
      passes = stepsPerCore * perMxu;
      rows = passes * roundUp(Math.max(1, mt), 8);
    }
    // Even: the cores' lanes pooled. Busiest core: its share of the grid's compute (1/cores when the tiles divide
    // evenly). Memory stays pooled either way (see CoreSplit).
    double lanes = 1024.0 * cores;
    if (split == CoreSplit.BUSIEST_CORE && cores > 1) {
      lanes = 1024.0 * outTiles / Math.ceil(outTiles / (double) cores);
    }
    double alus = chip.vpuAlus();
    return new TileQuantities(
        stepsPerCore,
        rows,
        passes,
        k.vpuOps * padded / (lanes * alus),
        k.moveElements * padded / (lanes * alus),
        k.transcendentals * padded / lanes,
        k.xluElements * padded / lanes,
        bytes / chip.hbmBytesPerCycle(),
        transfers / cores,
        workingSet,
        spill,
        padded - 1);
  }

  /**
   * Padded over real elements of the whole grid's compute, minus 1: partial last blocks and the native
   * (8,128) padding of the two minor dimensions of every block.
   */
  public static double computePadding(TileProfile k, TileConfig tile) {
    return paddedCompute(k, tile) - 1;
  }

  /** Elements the grid computes (whole blocks, native-padded) over the elements of the space. */
  private static double paddedCompute(TileProfile k, TileConfig tile) {
    TilingGeometry g = k.geometry;
    double padded = 1;
    for (int p = 0; p < k.rank; p++) {
      long b = Math.min(tile.outputBound(p), g.units[p]);
      long e = g.spaceExtent(p, b);
      long t = NativeTiling.ceilDiv(g.units[p], b);
      double pe = p == k.rank - 1 ? roundUp(e, NativeTiling.LANES) : p == k.rank - 2 ? roundUp(e, NativeTiling.SUBLANES) : e;
      padded *= t * pe / g.dims[p];
    }
    return padded;
  }

  /**
   * Cycles under weights {@code w} ({@link #WEIGHTS} of them, in this order: launch, step, overlap, MXU fill,
   * MXU efficiency, VPU efficiency, move cost, EUP cost, XLU cost, memory efficiency, DMA cost):
   *
   * <pre>
   *   mxu     = mxu_efficiency * (rows + mxu_fill * passes)
   *   vpu     = vpu_efficiency * (vpu ops + move_cost * move ops)
   *   compute = max(mxu, vpu, eup_cost * eup ops, xlu_cost * xlu ops)
   *   memory  = spill * memory_efficiency * memory cycles + dma_cost * transfers
   *   total   = compute + memory - overlap / spill * min(compute, memory) + step_cost * steps + launch
   * </pre>
   */
  public double cycles(double[] w) {
    double mxu = w[4] * (mxuRows + w[3] * mxuPasses);
    double vpu = w[5] * (vpuOps + w[6] * moveOps);
    double eup = w[7] * eupOps;
    double xlu = w[8] * xluOps;
    double compute = Math.max(Math.max(mxu, vpu), Math.max(eup, xlu));
    double memory = spill * w[9] * memoryCycles + w[10] * dmaTransfers;
    return compute + memory - w[2] / spill * Math.min(compute, memory) + w[1] * steps + w[0];
  }

  private static double roundUp(double x, double m) {
    return Math.ceil(x / m) * m;
  }
}
