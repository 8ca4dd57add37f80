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

  /** Fraction of peak bandwidth a transfer of runs of {@code runBytes} achieves. */
  public static double efficiency(double runBytes) {
    return runBytes / (runBytes + SimConstants.DMA_RUN_OVERHEAD_BYTES);
  }

  /** Cycles to move {@code bytes} in runs of {@code runBytes} at {@code bytesPerCycle}, issue included. */
  public static double transferCycles(double bytes, double runBytes, double bytesPerCycle) {
    if (bytes <= 0) {
      return 0;
    }
    return SimConstants.DMA_ISSUE_CYCLES + bytes / (bytesPerCycle * efficiency(runBytes));
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }
}
