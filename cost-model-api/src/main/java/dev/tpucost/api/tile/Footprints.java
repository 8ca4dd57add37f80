package dev.tpucost.api.tile;

import com.google.common.math.LongMath;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import java.util.Arrays;

/**
 * Footprint propagation: from a configuration's block of the iteration space back through every node's
 * index mapping ({@link BlockMaps}) to the parameters, and forward to the outputs; then per parameter and
 * output the bytes of a block, its loads, what crosses HBM, and the working set. A reduce whose reduced
 * dimensions the space does not tile, and whose input block would exceed {@value #REDUCE_CHUNK_ELEMENTS}
 * elements, is split along them into chunk steps, as a TPU compiler does. The loop structure is described on
 * {@link TileFootprint}.
 */
final class Footprints {
  /** Largest input block (elements) a reduce keeps per step before it is split into reduction steps. */
  static final long REDUCE_CHUNK_ELEMENTS = 1L << 18;

  private final TilingGeometry g;
  private final Kernel kernel;
  private final int n;
  private final long[][] ext;
  private final int[][] dm;
  private final long[] mult;
  /** Loop index of each physical space position. */
  private final int[] spaceLoop;
  private final long[] trips;
  private final double[] fill;
  private final int streamLoop;
  private final int kLoop;
  private final int chunkLoop;
  private final long[] bounds;
  private final int parallel;
  private long[] weightExtent;
  private long chunkSteps = 1;

  private Footprints(TilingGeometry g, TileConfig c) {
    this.g = g;
    this.kernel = g.kernel;
    this.n = kernel.nodeCount();
    this.ext = new long[n][];
    this.dm = new int[n][];
    this.mult = new long[n];
    Arrays.fill(mult, 1);
    int r = g.order.length;
    this.bounds = c.outputBounds();
    this.spaceLoop = new int[r];
    this.trips = new long[r + 3];
    this.fill = new double[r + 3];
    Arrays.fill(trips, 1);
    Arrays.fill(fill, 1);
    int next = 0;
    int reducedCount = 0;
    for (boolean b : g.reduced) {
      reducedCount += b ? 1 : 0;
    }
    this.parallel = r - reducedCount;
    for (int pass = 0; pass < 2; pass++) {
      for (int p = 0; p < r; p++) {
        if (g.reduced[p] == (pass == 1)) {
          spaceLoop[p] = next++;
        }
      }
    }
    for (int p = 0; p < r; p++) {
      long b = Math.min(c.outputBound(p), g.units[p]);
      long extent = g.spaceExtent(p, b);
      trips[spaceLoop[p]] = NativeTiling.ceilDiv(g.units[p], b);
      fill[spaceLoop[p]] = g.dims[p] / (double) (trips[spaceLoop[p]] * extent);
    }
    this.streamLoop = r;
    this.kLoop = r + 1;
    this.chunkLoop = r + 2;
    if (g.contraction >= 0) {
      TilingGeometry.WeightLoops w = g.weightLoops(c);
      weightExtent = w.blockExtents();
      trips[kLoop] = w.kTrips();
      fill[kLoop] = w.kFill();
      trips[streamLoop] = w.streamTrips();
      fill[streamLoop] = w.streamFill();
    }
  }

  /** The footprint of {@code c} (bounds already checked) at the given buffering level. */
  static TileFootprint compute(TilingGeometry g, TileConfig c, int buffering) {
    return new Footprints(g, c).run(buffering);
  }

  private int bit(int loop) {
    return trips[loop] > 1 ? 1 << loop : 0;
  }

  private TileFootprint run(int buffering) {
    long[] spaceExt = new long[g.space.rank()];
    int[] spaceMask = new int[g.space.rank()];
    for (int p = 0; p < g.order.length; p++) {
      spaceExt[g.order[p]] = g.spaceExtent(p, bounds[p]);
      spaceMask[g.order[p]] = bit(spaceLoop[p]);
    }
    int root = kernel.rootIndex();
    int[] leaves = TilingGeometry.outputNodes(kernel);
    if (g.spaceNode >= 0) {
      ext[g.spaceNode] = spaceExt.clone();
      dm[g.spaceNode] = spaceMask.clone();
    }
    boolean[] residentLeaf = new boolean[leaves.length];
    for (int j = 0; j < leaves.length; j++) {
      int leaf = leaves[j];
      if (leaf == g.spaceNode) {
        continue;
      }
      Shape s = TilingGeometry.firstLeaf(kernel.node(leaf).shape());
      if (s.isArray() && Arrays.equals(s.dims(), g.space.dims())) {
        merge(leaf, spaceExt.clone(), spaceMask.clone());
      } else if (isReduceOfSpace(leaf)) {
        Instruction red = kernel.node(leaf);
        long[] e = new long[s.rank()];
        int[] m = new int[s.rank()];
        int w = 0;
        for (int d = 0; d < g.space.rank() && w < e.length; d++) {
          if (!TilingGeometry.contains(red, d)) {
            e[w] = spaceExt[d];
            m[w++] = spaceMask[d];
          }
        }
        merge(leaf, e, m);
        residentLeaf[j] = leaf != g.primaryReduce;
      } else {
        merge(leaf, s.dims(), new int[s.rank()]);
      }
    }
    boolean kernelTiled = trips[kLoop] > 1 || trips[streamLoop] > 1;
    BlockMaps maps = new BlockMaps(g, weightExtent, kernelTiled ? bit(kLoop) : 0, kernelTiled ? bit(streamLoop) : 0,
        1 << chunkLoop);
    for (int i = n - 1; i >= 0; i--) {
      Instruction instr = kernel.node(i);
      if (ext[i] == null) {
        if (i == root && instr.opcode() == Opcode.TUPLE) {
          continue;
        }
        ext[i] = TilingGeometry.firstLeaf(instr.shape()).dims();
      }
      if (dm[i] == null || dm[i].length != ext[i].length) {
        dm[i] = new int[ext[i].length];
      }
      for (int k = 0; k < kernel.operandCount(i); k++) {
        int op = kernel.operand(i, k);
        Shape os = TilingGeometry.firstLeaf(kernel.node(op).shape());
        long[] oe = maps.operandExtent(i, instr, k, os, ext[i]);
        boolean chunked = false;
        boolean spaceTiled = false;
        if (instr.opcode() == Opcode.REDUCE && k < (kernel.operandCount(i) + 1) / 2 && os.rank() > 0) {
          spaceTiled = os.isArray() && Arrays.equals(os.dims(), g.space.dims());
          if (spaceTiled) {
            for (int d = 0; d < oe.length; d++) {
              if (TilingGeometry.contains(instr, d)) {
                oe[d] = spaceExt[d];
              }
            }
          } else {
            long steps = BlockMaps.chunkReduction(instr, os, oe);
            chunked = steps > 1;
            chunkSteps = Math.max(chunkSteps, steps);
          }
        }
        if (instr.opcode() == Opcode.GATHER && k == 0) {
          mult[op] = Math.max(mult[op], BlockMaps.gatherBatch(instr, ext[i]));
        }
        int[] om = maps.operandMask(i, instr, k, os, dm[i], chunked);
        if (spaceTiled) {
          for (int d = 0; d < om.length; d++) {
            if (TilingGeometry.contains(instr, d)) {
              om[d] = spaceMask[d];
            }
          }
        }
        merge(op, oe, om);
      }
    }
    trips[chunkLoop] = chunkSteps;
    for (int i = 0; i < n; i++) {
      if (ext[i] == null) {
        ext[i] = new long[0];
      }
    }

    int np = kernel.parameterCount();
    long[] paramBytes = new long[np];
    long[] loads = new long[np];
    int[] masks = new int[np];
    double[] transfer = new double[np];
    boolean[] onChip = new boolean[np];
    long hbmBlocks = 0;
    for (int p = 0; p < np; p++) {
      int node = kernel.parameterIndex(p);
      int mask = 0;
      for (int x : dm[node] == null ? new int[0] : dm[node]) {
        mask |= x;
      }
      masks[p] = mask;
      loads[p] = loads(mask);
      Shape s = kernel.node(node).shape();
      long b = s.isTuple() ? s.byteSize() : NativeTiling.paddedBytes(s, ext[node]);
      paramBytes[p] = LongMath.saturatedMultiply(b, mult[node]);
      onChip[p] = NativeTiling.onChip(s);
      if (!onChip[p]) {
        transfer[p] = paramBytes[p] * (double) loads[p] * fillOf(mask);
        hbmBlocks = LongMath.saturatedAdd(hbmBlocks, paramBytes[p]);
      }
    }
    long outBlocks = 0;
    long resident = 0;
    double outTransfer = 0;
    for (int j = 0; j < leaves.length; j++) {
      int leaf = leaves[j];
      Shape s = kernel.node(leaf).shape();
      for (Shape part : s.leaves()) {
        long block = part.isArray() && part.rank() == ext[leaf].length && part == TilingGeometry.firstLeaf(s)
            ? NativeTiling.paddedBytes(part, ext[leaf]) : NativeTiling.paddedBytes(part);
        if (NativeTiling.onChip(part)) {
          continue;
        }
        outTransfer += NativeTiling.paddedBytes(part);
        if (residentLeaf[j]) {
          resident = LongMath.saturatedAdd(resident, block);
        } else {
          outBlocks = LongMath.saturatedAdd(outBlocks, block);
        }
      }
    }
    long acc = 0;
    boolean reducing = false;
    for (int l = parallel; l < trips.length; l++) {
      reducing |= trips[l] > 1;
    }
    if (reducing) {
      if (g.contraction >= 0 && (trips[kLoop] > 1 || trips[streamLoop] > 1)) {
        acc = LongMath.saturatedAdd(acc, NativeTiling.f32Bytes(kernel.node(g.contraction).shape(), ext[g.contraction]));
      }
      for (int leaf : leaves) {
        if (kernel.node(leaf).opcode() == Opcode.REDUCE) {
          acc = LongMath.saturatedAdd(acc, NativeTiling.f32Bytes(TilingGeometry.firstLeaf(kernel.node(leaf).shape()), ext[leaf]));
        }
      }
    }
    long working = LongMath.saturatedAdd(
        LongMath.saturatedMultiply(buffering, LongMath.saturatedAdd(hbmBlocks, outBlocks)),
        LongMath.saturatedAdd(acc, resident));
    return new TileFootprint(ext, trips.clone(), parallel, paramBytes, loads, masks, transfer, onChip,
        outBlocks, outTransfer, acc, working);
  }

  private boolean isReduceOfSpace(int node) {
    Instruction n = kernel.node(node);
    if (n.opcode() != Opcode.REDUCE || kernel.operandCount(node) == 0) {
      return false;
    }
    Shape in = TilingGeometry.firstLeaf(kernel.node(kernel.operand(node, 0)).shape());
    return in.isArray() && Arrays.equals(in.dims(), g.space.dims());
  }

  private double fillOf(int mask) {
    double f = 1;
    for (int l = 0; l < trips.length; l++) {
      if ((mask & (1 << l)) != 0) {
        f *= fill[l];
      }
    }
    return f;
  }

  /**
   * How many times a block that follows the loops in {@code mask} is loaded: consecutive steps that need
   * the same block reuse it, so only the loops up to the innermost one it follows count.
   */
  private long loads(int mask) {
    if (mask == 0) {
      return 1;
    }
    int innermost = 31 - Integer.numberOfLeadingZeros(mask);
    long c = 1;
    for (int l = 0; l <= innermost && l < trips.length; l++) {
      c = LongMath.saturatedMultiply(c, trips[l]);
    }
    return c;
  }

  private void merge(int node, long[] e, int[] mask) {
    long[] cur = ext[node];
    if (cur == null) {
      ext[node] = e;
    } else if (cur.length == e.length) {
      for (int d = 0; d < e.length; d++) {
        cur[d] = Math.max(cur[d], e[d]);
      }
    }
    int[] cm = dm[node];
    if (cm == null) {
      dm[node] = mask;
    } else if (cm.length == mask.length) {
      for (int d = 0; d < mask.length; d++) {
        cm[d] |= mask[d];
      }
    }
  }
}
