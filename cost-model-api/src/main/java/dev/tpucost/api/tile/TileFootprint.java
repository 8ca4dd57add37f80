package dev.tpucost.api.tile;

/**
 * What one step of a tiled kernel touches: the extent of every node's value per step (logical dimensions
 * of its first array leaf), the bytes of each parameter's and of the output's block padded to native
 * tiles, and the number of steps. A step is one output tile times one slice of the reduction (the
 * contracting/kernel tile of a dot or convolution, or a chunk of a large reduce).
 *
 * @param nodeExtents per node, the extents of its block per step
 * @param outputTiles number of output tiles
 * @param reductionSteps steps per output tile (1 without a tiled reduction)
 * @param parameterBytes per parameter, bytes of its block per step
 * @param parameterLoads per parameter, how many times its block is loaded over the whole kernel:
 *     consecutive steps that need the same block reuse it (loop order: output physical dimensions,
 *     outermost first, then the reduction loop innermost)
 * @param parameterLoopMasks per parameter, the loops its block follows: bit {@code p} for the loop over
 *     output physical dimension {@code p} (outermost first), bit {@code outputRank} for the reduction loop;
 *     only loops with more than one trip show
 * @param outputBytes bytes of the output block per step (all outputs)
 * @param accumulatorBytes bytes of the f32 accumulator kept across reduction steps (0 if none)
 * @param workingSetBytes double-buffered VMEM working set: {@code 2 (sum parameterBytes + outputBytes) +
 *     accumulatorBytes}
 */
public record TileFootprint(
    long[][] nodeExtents,
    long outputTiles,
    long reductionSteps,
    long[] parameterBytes,
    long[] parameterLoads,
    int[] parameterLoopMasks,
    long outputBytes,
    long accumulatorBytes,
    long workingSetBytes) {

  /** A deep copy of the per-node extents. */
  @Override
  public long[][] nodeExtents() {
    long[][] copy = new long[nodeExtents.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = nodeExtents[i].clone();
    }
    return copy;
  }

  /** A copy of the per-parameter block bytes. */
  @Override
  public long[] parameterBytes() {
    return parameterBytes.clone();
  }

  /** A copy of the per-parameter load counts. */
  @Override
  public long[] parameterLoads() {
    return parameterLoads.clone();
  }

  /** A copy of the per-parameter loop masks. */
  @Override
  public int[] parameterLoopMasks() {
    return parameterLoopMasks.clone();
  }

  /** How many times parameter {@code p}'s block is loaded over the kernel. */
  public long parameterLoads(int p) {
    return parameterLoads[p];
  }

  /** Bytes of parameter {@code p}'s block per step. */
  public long parameterBytes(int p) {
    return parameterBytes[p];
  }

  /** Total steps: {@code outputTiles * reductionSteps}. */
  public long steps() {
    return outputTiles * reductionSteps;
  }

  /** Number of dimensions of node {@code i}'s block (0 for scalars and tuples). */
  public int nodeRank(int i) {
    return nodeExtents[i].length;
  }

  /** Extent of dimension {@code d} of node {@code i}'s block, without copying. */
  public long nodeExtent(int i, int d) {
    return nodeExtents[i][d];
  }

  /** Extents of node {@code i}'s block per step. */
  public long[] nodeExtent(int i) {
    return nodeExtents[i].clone();
  }
}
