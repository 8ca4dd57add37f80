package dev.tpucost.api.tile;

/**
 * What a tiled kernel touches: the extent of every node's value per step (logical dimensions of its first
 * array leaf), the grid's loops, and per parameter and output the bytes of a block, how often it moves and
 * how many bytes really cross HBM.
 *
 * <h2>Loops</h2>
 * The grid runs its loops outermost first: one per physical dimension of the iteration space that the
 * output keeps (<em>parallel</em>: each trip is a new output block), then one per space dimension a root
 * reduce removes, the weight-streaming loop, the contraction's reduction loop and the reduce-chunk loop
 * (<em>reduction</em> loops: their steps accumulate into the same output block). A loop with one trip does
 * nothing. Bounds need not divide: a loop makes {@code ceil(units / bound)} trips and its last block is
 * partial. A step computes a whole block (padded or masked on the MXU and VPU) but moves only the bytes
 * that exist.
 *
 * @param nodeExtents per node, the extents of its block per step
 * @param loopTrips trips of each loop, outermost first
 * @param parallelLoops how many of the leading loops are parallel
 * @param parameterBytes per parameter, bytes of its block padded to the array's tiles
 * @param parameterLoads per parameter, how many times its block is loaded: consecutive steps that need
 *     the same block reuse it, so the loops up to the innermost one it follows count
 * @param parameterLoopMasks per parameter, bit {@code l} set if its block follows loop {@code l} (loops
 *     with one trip do not show)
 * @param parameterTransferBytes per parameter, bytes moved from HBM over the whole kernel (ragged blocks
 *     move what exists; 0 for an operand already on chip)
 * @param parameterOnChip per parameter, true if it lives on chip ({@code S(n)}, {@code n > 0})
 * @param outputBytes bytes of the output blocks per step (all outputs; 0 for outputs on chip)
 * @param outputTransferBytes bytes written to HBM over the whole kernel
 * @param accumulatorBytes bytes of the f32 accumulators kept across reduction steps (0 if none)
 * @param workingSetBytes VMEM working set: {@code buffering * (blocks moved from or to HBM) + accumulators}
 */
public record TileFootprint(
    long[][] nodeExtents,
    long[] loopTrips,
    int parallelLoops,
    long[] parameterBytes,
    long[] parameterLoads,
    int[] parameterLoopMasks,
    double[] parameterTransferBytes,
    boolean[] parameterOnChip,
    long outputBytes,
    double outputTransferBytes,
    long accumulatorBytes,
    long workingSetBytes) {

  /** Double buffering: the next step's blocks load while this step computes (XLA's default level). */
  public static final int DEFAULT_BUFFERING = 2;

  /** A deep copy of the per-node extents. */
  @Override
  public long[][] nodeExtents() {
    long[][] copy = new long[nodeExtents.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = nodeExtents[i].clone();
    }
    return copy;
  }

  /** A copy of the loop trips. */
  @Override
  public long[] loopTrips() {
    return loopTrips.clone();
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

  /** A copy of the per-parameter HBM bytes. */
  @Override
  public double[] parameterTransferBytes() {
    return parameterTransferBytes.clone();
  }

  /** A copy of the per-parameter on-chip flags. */
  @Override
  public boolean[] parameterOnChip() {
    return parameterOnChip.clone();
  }

  /** Number of output blocks: the product of the parallel loops' trips. */
  public long outputTiles() {
    long n = 1;
    for (int l = 0; l < parallelLoops; l++) {
      n *= loopTrips[l];
    }
    return n;
  }

  /** Steps per output block: the product of the reduction loops' trips (1 without any). */
  public long reductionSteps() {
    long n = 1;
    for (int l = parallelLoops; l < loopTrips.length; l++) {
      n *= loopTrips[l];
    }
    return n;
  }

  /** Total steps: {@code outputTiles * reductionSteps}. */
  public long steps() {
    return outputTiles() * reductionSteps();
  }

  /** How many times parameter {@code p}'s block is loaded over the kernel. */
  public long parameterLoads(int p) {
    return parameterLoads[p];
  }

  /** Bytes of parameter {@code p}'s block per step. */
  public long parameterBytes(int p) {
    return parameterBytes[p];
  }

  /** Bytes of parameter {@code p} moved from HBM over the kernel. */
  public double parameterTransferBytes(int p) {
    return parameterTransferBytes[p];
  }

  /** True if parameter {@code p} is already on chip. */
  public boolean parameterOnChip(int p) {
    return parameterOnChip[p];
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

  /** True if the working set fits in {@code vmemBytes}. */
  public boolean fitsIn(long vmemBytes) {
    return workingSetBytes <= vmemBytes;
  }
}
