package dev.tpucost.api.tile;

import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.OpCategory;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import java.util.Arrays;

/**
 * What the closed-form tile quantities ({@link TileQuantities}) need to know about a kernel before a tile is
 * chosen, computed once per kernel: its {@link TilingGeometry}; each parameter's bytes read when nothing is
 * split (its padded size, or its slice), whether it is on chip, and the loops its block follows (from two
 * footprints, at the whole space and at the smallest tile); the main
 * contraction's batch/M/K/N and the role of every space dimension; and static counts from
 * {@code KernelStats}: elementwise ops, transcendentals, data-movement elements, cross-lane elements, and
 * opcodes without a rule (costed conservatively as VPU work and counted). Immutable.
 */
public final class TileProfile {
  static final int ROLE_M = 0;
  static final int ROLE_N = 1;
  static final int ROLE_BATCH = 2;

  final TilingGeometry geometry;
  final int rank;
  /** Loop index of each physical space position (parallel positions first). */
  final int[] spaceLoop;
  final int parallel;
  final double[] paramBytes;
  final boolean[] paramOnChip;
  final int[] paramMask;
  final double outputBytes;
  /** f32 bytes of the main contraction's whole output (its accumulator, tiled like the output). */
  final double contractionAccumulatorBytes;
  /** f32 bytes of the root reduces' whole outputs (their accumulators). */
  final double reduceAccumulatorBytes;
  final boolean contraction;
  final int[] outRole;
  final double batch;
  final double m;
  final double n;
  final double k;
  final int precisionPasses;
  final double vpuOps;
  final double moveElements;
  final double transcendentals;
  final double xluElements;
  final int fallbackOps;

  private TileProfile(TilingGeometry g) {
    this.geometry = g;
    Kernel kernel = g.kernel;
    rank = g.order.length;
    spaceLoop = new int[rank];
    int next = 0;
    int reducedCount = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int p = 0; p < rank; p++) {
        if (g.reduced[p] == (pass == 1)) {
          spaceLoop[p] = next++;
          reducedCount += pass;
        }
      }
    }
    parallel = rank - reducedCount;
    // One footprint at the smallest tile shows which loops each parameter's block follows.
    long[] ones = new long[rank];
    Arrays.fill(ones, 1);
    long[] kOnes = new long[g.wUnits.length];
    Arrays.fill(kOnes, 1);
    TileFootprint fp = Footprints.compute(g, TileConfig.of(kOnes, ones), TileFootprint.DEFAULT_BUFFERING);
    paramMask = fp.parameterLoopMasks();
    paramOnChip = fp.parameterOnChip();
    // A second one at the whole space gives each parameter's block when nothing is split: its padded size,
    // or less when the kernel reads only part of it (a dynamic-slice, a gather window).
    TileFootprint whole = Footprints.compute(g, TileConfig.of(g.wUnits, g.units), TileFootprint.DEFAULT_BUFFERING);
    paramBytes = new double[kernel.parameterCount()];
    for (int p = 0; p < paramBytes.length; p++) {
      Shape s = kernel.node(kernel.parameterIndex(p)).shape();
      double full = s.isArray() ? NativeTiling.paddedBytes(s) : s.byteSize();
      paramBytes[p] = Math.min(full, whole.parameterBytes(p));
    }
    double ob = 0;
    for (Shape leaf : kernel.outputShape().leaves()) {
      if (!NativeTiling.onChip(leaf)) {
        ob += leaf.isArray() ? NativeTiling.paddedBytes(leaf) : leaf.byteSize();
      }
    }
    outputBytes = ob;
    double racc = 0;
    for (int leaf : TilingGeometry.outputNodes(kernel)) {
      if (kernel.node(leaf).opcode() == Opcode.REDUCE) {
        Shape s = TilingGeometry.firstLeaf(kernel.node(leaf).shape());
        racc += NativeTiling.f32Bytes(s, s.dims());
      }
    }
    reduceAccumulatorBytes = racc;
    Shape cs = g.contraction >= 0 ? kernel.node(g.contraction).shape() : null;
    contractionAccumulatorBytes = cs != null ? NativeTiling.f32Bytes(cs, cs.dims()) : 0;

    int c = g.contraction;
    contraction = c >= 0;
    outRole = new int[rank];
    Arrays.fill(outRole, ROLE_M);
    double b = 1;
    double mm = 1;
    double nn = 1;
    double kk = 1;
    int passes = 1;
    if (contraction) {
      Instruction ci = kernel.node(c);
      Shape lhs = kernel.node(kernel.operand(c, 0)).shape();
      Shape rhs = kernel.node(kernel.operand(c, 1)).shape();
      boolean mapped = ci.shape().isArray() && Arrays.equals(ci.shape().dims(), g.space.dims());
      int[] logicalRole = new int[ci.shape().isArray() ? ci.shape().rank() : 0];
      if (ci.opcode() == Opcode.DOT) {
        DotDimensionNumbers dn = ci.dotDimensions().orElse(DotDimensionNumbers.matmul());
        int nb = dn.lhsBatch().size();
        int lhsFree = lhs.rank() - nb - dn.lhsContracting().size();
        for (int d = 0; d < logicalRole.length; d++) {
          logicalRole[d] = d < nb ? ROLE_BATCH : d < nb + lhsFree ? ROLE_M : ROLE_N;
        }
        for (long d : dn.lhsBatch()) {
          b *= lhs.dim((int) d);
        }
        for (long d : dn.lhsContracting()) {
          kk *= lhs.dim((int) d);
        }
        for (int d = 0; d < lhs.rank(); d++) {
          if (!dn.lhsBatch().contains((long) d) && !dn.lhsContracting().contains((long) d)) {
            mm *= lhs.dim(d);
          }
        }
        for (int d = 0; d < rhs.rank(); d++) {
          if (!dn.rhsBatch().contains((long) d) && !dn.rhsContracting().contains((long) d)) {
            nn *= rhs.dim(d);
          }
        }
      } else {
        ConvolutionDimensionNumbers dn = TilingGeometry.convDims(ci, lhs);
        for (int d = 0; d < logicalRole.length; d++) {
          logicalRole[d] = d == dn.outputFeature() ? ROLE_N : ROLE_M;
        }
        nn = rhs.dim((int) dn.kernelOutputFeature());
        kk = rhs.dim((int) dn.kernelInputFeature());
        for (long s : dn.kernelSpatial()) {
          kk *= rhs.dim((int) s);
        }
        mm = ci.shape().elementCount() / Math.max(1.0, nn);
        if (ci.featureGroupCount() > 1) {
          b = ci.featureGroupCount();
          nn = Math.max(1, nn / ci.featureGroupCount());
        }
      }
      if (mapped) {
        for (int p = 0; p < rank; p++) {
          outRole[p] = logicalRole[g.order[p]];
        }
      }
      passes = dev.tpucost.api.hlo.MatmulPrecision.bf16Passes(ci, lhs.elementType().bits(), rhs.elementType().bits());
    }
    batch = b;
    m = mm;
    n = nn;
    k = kk;
    precisionPasses = passes;

    double vpu = 0;
    double move = 0;
    double xlu = 0;
    int fallback = 0;
    for (int i = 0; i < kernel.nodeCount(); i++) {
      Instruction ins = kernel.node(i);
      double elems = ins.shape().isArray() ? ins.shape().elementCount() : 0;
      OpCategory cat = ins.opcode().category();
      switch (cat) {
        case ELEMENTWISE, REDUCTION -> vpu += kernel.nodeFlops(i);
        case DATA_MOVEMENT -> {
          if (ins.opcode() != Opcode.BITCAST) {
            move += elems;
          }
          if (ins.opcode() == Opcode.TRANSPOSE) {
            xlu += elems;
          }
        }
        case CONTRACTION, TRANSCENDENTAL -> {}
        case COLLECTIVE -> move += elems + kernel.nodeFlops(i);
        default -> {
          switch (ins.opcode()) {
            case PARAMETER, CONSTANT, TUPLE, GET_TUPLE_ELEMENT -> {}
            default -> {
              fallback++;
              vpu += 4 * elems;
            }
          }
        }
      }
      if (ins.opcode() == Opcode.REDUCE && kernel.operandCount(i) > 0) {
        Shape in = kernel.node(kernel.operand(i, 0)).shape();
        int[] io = NativeTiling.physicalOrder(in);
        for (int j = 0; j < ins.dimensionCount() && io.length > 0; j++) {
          if (ins.dimension(j) == io[io.length - 1]) {
            xlu += in.elementCount();
          }
        }
      }
    }
    vpuOps = vpu;
    moveElements = move;
    transcendentals = kernel.stats().transcendentals();
    xluElements = xlu;
    fallbackOps = fallback;
  }

  /** The profile of the kernel of {@code geometry}. */
  public static TileProfile of(TilingGeometry geometry) {
    return new TileProfile(geometry);
  }

  /** The geometry. */
  public TilingGeometry geometry() {
    return geometry;
  }

  /** Operations without a cost rule, costed as four VPU ops per element. */
  public int fallbackOps() {
    return fallbackOps;
  }
}
