package dev.tpucost.sim.dma;

import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.NativeTiling;
import dev.tpucost.sim.SimConstants;

/**
 * DMA transfers between HBM and VMEM. Arrays sit in HBM as native (8,128) tiles of 32-bit words (4 KiB;
 * narrower types pack more rows), laid out tile-row by tile-row. A block is a set of contiguous runs: the
 * tiles along its minor dimension, extended across tile rows (and then across major dimensions) as long
 * as the block covers the whole width below. Each run costs {@link SimConstants#DMA_RUN_OVERHEAD_BYTES}
 * extra, so blocks narrow in the minor dimension move at lower efficiency. Bytes are padded to native
 * tiles; HBM bandwidth is shared by the device's concurrent transfers.
 */
public final class DmaModel {
  private DmaModel() {}

  /** Bytes of one contiguous run of a block with extents {@code extents} of array {@code shape}. */
  public static double runBytes(Shape shape, long[] extents) {
    if (!shape.isArray() || shape.rank() == 0 || extents.length != shape.rank()) {
      return Math.max(1, shape.byteSize());
    }
    int rank = shape.rank();
    int[] order = NativeTiling.physicalOrder(shape);
    int bits = shape.elementType().bits();
    if (rank == 1) {
      return Math.max(1, Math.ceil(NativeTiling.roundUpTo(Math.min(extents[0], shape.dim(0)), NativeTiling.LANES) * bits / 8.0));
    }
    long rowsPerTile = (long) NativeTiling.SUBLANES * NativeTiling.packing(bits);
    double tileBytes = rowsPerTile * NativeTiling.LANES * bits / 8.0;
    long minorFull = shape.dim(order[rank - 1]);
    long minorBlock = Math.min(extents[order[rank - 1]], minorFull);
    double run = tileBytes * Math.max(1, ceilDiv(minorBlock, NativeTiling.LANES));
    if (minorBlock < minorFull) {
      return run;
    }
    long rowsFull = shape.dim(order[rank - 2]);
    long rowsBlock = Math.min(extents[order[rank - 2]], rowsFull);
    run *= Math.max(1, ceilDiv(rowsBlock, rowsPerTile));
    if (rowsBlock < rowsFull) {
      return run;
    }
    for (int p = rank - 3; p >= 0; p--) {
      long full = shape.dim(order[p]);
      long block = Math.min(extents[order[p]], full);
      run *= Math.max(1, block);
      if (block < full) {
        break;
      }
    }
    return run;
  }

  /**
   * Fraction of peak bandwidth a transfer of runs of {@code runBytes} achieves: {@code peakShare} of it for
   * long runs, less by a setup worth {@code runOverheadBytes} per run.
   */
  public static double efficiency(double runBytes, double peakShare, double runOverheadBytes) {
    return peakShare * runBytes / (runBytes + runOverheadBytes);
  }

  /**
   * Cycles to move the blocks of {@code shape} with extents {@code extents}, {@code bytes} per load on
   * average. Where the minor dimension is cut into blocks and the last one ends inside a native tile (192
   * lanes in blocks of 128: a tail of 64), that tail moves as one short run per row ({@code tail lanes x
   * element bytes}) instead of whole tiles; its share of the bytes is the tail's share of the lanes. Measured
   * on TPU v3 (TpuGraphs {@code fusion.232}), such configurations run 1.3-1.7x slower than the sim's
   * whole-tile transfers, while cuts on tile boundaries ({@code fusion.245}, 256 lanes in blocks of 128) cost
   * almost nothing.
   */
  public static double transferCycles(double bytes, Shape shape, long[] extents, double bytesPerCycle, double peakShare,
      double runOverheadBytes) {
    double run = runBytes(shape, extents);
    if (bytes <= 0) {
      return 0;
    }
    double tailShare = 0;
    double tailRun = run;
    if (shape.isArray() && shape.rank() >= 1 && extents.length == shape.rank()) {
      int[] order = NativeTiling.physicalOrder(shape);
      int minor = order[shape.rank() - 1];
      long full = shape.dim(minor);
      long ext = Math.max(1, Math.min(extents[minor], full));
      if (ext < full) {
        long rem = full - (ceilDiv(full, ext) - 1) * ext;
        long partial = rem % NativeTiling.LANES;
        if (partial != 0 && ext >= NativeTiling.LANES) {
          tailShare = partial / (double) full;
          tailRun = Math.max(1, partial * shape.elementType().bits() / 8.0);
        }
      }
    }
    return SimConstants.DMA_ISSUE_CYCLES
        + bytes * (1 - tailShare) / (bytesPerCycle * efficiency(run, peakShare, runOverheadBytes))
        + bytes * tailShare / (bytesPerCycle * efficiency(tailRun, peakShare, runOverheadBytes));
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }
}
