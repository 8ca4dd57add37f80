package dev.tpucost.api.tile;

import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a kernel's tile configuration tiles, and in which units (XLA:TPU's notation, see
 * {@code shared/reference/tile-config.md}).
 *
 * <h2>Iteration space</h2>
 * {@code output_bounds} tile the kernel's <em>iteration space</em>, one entry per physical dimension, major
 * to minor, in {@link NativeTiling} units. The space is the largest array among the kernel's outputs (the
 * root, or the operands of a root tuple) and the inputs of the reduces among them: for a kernel whose root
 * reduces {@code f32[32,26,26,192]} to {@code f32[192]} the space is the 4-D operand, and its dimensions that
 * the reduce removes are <em>reduced</em> ({@link #spaceReduced}): their steps accumulate into one output
 * block instead of producing new ones. Ties go to an output.
 *
 * <h2>Weight</h2>
 * A kernel with a dot or convolution also has a <em>weight</em>: the right-hand/kernel operand of its most
 * expensive contraction. {@code kernel_bounds} tile its physical dimensions. On its reduction dimensions
 * (contracting dims of a dot; input feature and spatial dims of a convolution) they split the contraction
 * into steps. On its other dimensions the output tile implies a block ({@link #impliedKernelBounds}); a
 * smaller bound streams the weight within an output step.
 *
 * <h2>Nothing to tile</h2>
 * An unfused reshape has nothing to tile ({@link #tileable} false): its only configuration is the empty one.
 * The geometry still describes how tpucost costs it (over its output).
 *
 * <p>Immutable; built once per kernel by {@link TileSpace}.
 */
public final class TilingGeometry {
  /** Most units a dimension may have: far beyond any TPU's memory, and it bounds the candidate searches. */
  public static final long MAX_UNITS = 1L << 32;

  /** Highest rank of an iteration space tpucost tiles (a loop per dimension must fit a 32-bit mask). */
  public static final int MAX_RANK = 24;

  final Kernel kernel;
  final Shape space;
  final int spaceNode;
  final int primaryReduce;
  final int[] order;
  final long[] unit;
  final long[] units;
  final long[] dims;
  final boolean[] reduced;
  final boolean tileable;
  final int contraction;
  final Shape weight;
  final int[] wOrder;
  final long[] wUnit;
  final long[] wUnits;
  final long[] wDims;
  final boolean[] wReduction;
  /** Per weight physical position: the space's physical position it follows, or -1. */
  final int[] wToSpacePos;

  private TilingGeometry(Kernel kernel) {
    this.kernel = kernel;
    int[] chosen = chooseSpace(kernel);
    this.spaceNode = chosen[0];
    this.primaryReduce = chosen[1];
    this.space = spaceNode >= 0 ? firstLeaf(kernel.node(spaceNode).shape()) : Shape.scalar(ElementType.F32);
    this.order = NativeTiling.physicalOrder(space);
    this.unit = unitSizes(order.length);
    this.units = NativeTiling.sizeInUnits(space);
    this.dims = physicalDims(space, order);
    checkUnits(kernel, "iteration space " + space, units);
    this.reduced = new boolean[order.length];
    if (primaryReduce >= 0) {
      Instruction r = kernel.node(primaryReduce);
      for (int p = 0; p < order.length; p++) {
        reduced[p] = contains(r, order[p]);
      }
    }
    Instruction root = kernel.root();
    this.tileable = kernel.isFusion()
        || (root.opcode() != Opcode.RESHAPE && root.opcode() != Opcode.DYNAMIC_RESHAPE && root.opcode() != Opcode.BITCAST);

    this.contraction = mainContraction(kernel);
    if (contraction < 0) {
      this.weight = null;
      this.wOrder = new int[0];
      this.wUnit = new long[0];
      this.wUnits = new long[0];
      this.wDims = new long[0];
      this.wReduction = new boolean[0];
      this.wToSpacePos = new int[0];
      return;
    }
    Instruction c = kernel.node(contraction);
    this.weight = kernel.node(kernel.operand(contraction, 1)).shape();
    this.wOrder = NativeTiling.physicalOrder(weight);
    this.wUnit = unitSizes(wOrder.length);
    this.wUnits = NativeTiling.sizeInUnits(weight);
    this.wDims = physicalDims(weight, wOrder);
    checkUnits(kernel, "weight " + weight, wUnits);
    int rank = weight.rank();
    boolean[] reductionByDim = new boolean[rank];
    int[] toOutByDim = new int[rank];
    Arrays.fill(toOutByDim, -1);
    if (c.opcode() == Opcode.CONVOLUTION) {
      ConvolutionDimensionNumbers dn = convDims(c, kernel.node(kernel.operand(contraction, 0)).shape());
      reductionByDim[(int) dn.kernelInputFeature()] = true;
      for (long s : dn.kernelSpatial()) {
        reductionByDim[(int) s] = true;
      }
      toOutByDim[(int) dn.kernelOutputFeature()] = (int) dn.outputFeature();
    } else {
      DotDimensionNumbers dn = c.dotDimensions().orElse(DotDimensionNumbers.matmul());
      Shape lhs = kernel.node(kernel.operand(contraction, 0)).shape();
      for (long d : dn.rhsContracting()) {
        reductionByDim[(int) d] = true;
      }
      int batch = dn.rhsBatch().size();
      for (int j = 0; j < batch; j++) {
        toOutByDim[dn.rhsBatch().get(j).intValue()] = j;
      }
      int lhsFree = lhs.rank() - batch - dn.lhsContracting().size();
      int next = batch + lhsFree;
      for (int d = 0; d < rank; d++) {
        if (!reductionByDim[d] && !dn.rhsBatch().contains((long) d)) {
          toOutByDim[d] = next++;
        }
      }
    }
    // The contraction's output indexes the space when it has the space's dimensions (element types may
    // differ: a bf16 output of an f32 convolution is still tiled by it).
    boolean mapped = c.shape().isArray() && Arrays.equals(c.shape().dims(), space.dims());
    this.wReduction = new boolean[rank];
    this.wToSpacePos = new int[rank];
    for (int p = 0; p < rank; p++) {
      int d = wOrder[p];
      wReduction[p] = reductionByDim[d];
      wToSpacePos[p] = mapped && toOutByDim[d] >= 0 ? indexOf(order, toOutByDim[d]) : -1;
    }
  }

  /**
   * The geometry of {@code kernel}.
   *
   * @throws HloValidationException when a dimension exceeds {@link #MAX_UNITS} units
   */
  public static TilingGeometry of(Kernel kernel) {
    return new TilingGeometry(kernel);
  }

  /** The nodes whose values leave the kernel: the operands of a root tuple, or the root. */
  static int[] outputNodes(Kernel k) {
    int root = k.rootIndex();
    return k.node(root).opcode() == Opcode.TUPLE ? operands(k, root) : new int[] {root};
  }

  /** The operand node indices of node {@code i}. */
  static int[] operands(Kernel k, int i) {
    int[] out = new int[k.operandCount(i)];
    for (int j = 0; j < out.length; j++) {
      out[j] = k.operand(i, j);
    }
    return out;
  }

  /** {node of the space, node of the primary root reduce of it or -1}. */
  private static int[] chooseSpace(Kernel k) {
    int[] outputs = outputNodes(k);
    int best = -1;
    int bestReduce = -1;
    long bestElements = -1;
    for (int o : outputs) {
      Shape s = k.node(o).shape();
      if (s.isArray() && s.elementCount() > bestElements) {
        best = o;
        bestReduce = -1;
        bestElements = s.elementCount();
      }
    }
    for (int o : outputs) {
      Instruction n = k.node(o);
      if (n.opcode() != Opcode.REDUCE || k.operandCount(o) == 0) {
        continue;
      }
      int in = k.operand(o, 0);
      Shape s = firstLeaf(k.node(in).shape());
      Shape out = firstLeaf(n.shape());
      boolean bigger = s.isArray() && s.elementCount() > bestElements;
      boolean sameSpaceLargerOutput = in == best && bestReduce >= 0 && out.elementCount() > firstLeaf(k.node(bestReduce).shape()).elementCount();
      if (bigger || sameSpaceLargerOutput) {
        best = in;
        bestReduce = o;
        bestElements = s.elementCount();
      }
    }
    return new int[] {best, bestReduce};
  }

  private static void checkUnits(Kernel kernel, String what, long[] units) {
    if (units.length > MAX_RANK) {
      throw new HloValidationException("kernel '" + kernel.name() + "': the " + what + " has rank " + units.length
          + ", beyond what tpucost tiles (" + MAX_RANK + ")");
    }
    for (long u : units) {
      if (u > MAX_UNITS) {
        throw new HloValidationException("kernel '" + kernel.name() + "': the " + what + " has a dimension of " + u
            + " native-tile units, beyond what tpucost tiles (" + MAX_UNITS + ")");
      }
    }
  }

  static long[] unitSizes(int rank) {
    long[] u = new long[rank];
    for (int p = 0; p < rank; p++) {
      u[p] = NativeTiling.unit(rank, p);
    }
    return u;
  }

  private static long[] physicalDims(Shape s, int[] order) {
    long[] d = new long[order.length];
    for (int p = 0; p < order.length; p++) {
      d[p] = Math.max(1, s.dim(order[p]));
    }
    return d;
  }

  private static int mainContraction(Kernel k) {
    int best = -1;
    double bestFlops = -1;
    for (int i = 0; i < k.nodeCount(); i++) {
      Instruction n = k.node(i);
      if ((n.opcode() == Opcode.DOT || n.opcode() == Opcode.CONVOLUTION) && k.operandCount(i) >= 2
          && n.shape().isArray() && k.node(k.operand(i, 1)).shape().isArray()) {
        double flops = n.shape().elementCount() * (double) k.node(k.operand(i, 1)).shape().elementCount();
        if (flops > bestFlops) {
          bestFlops = flops;
          best = i;
        }
      }
    }
    return best;
  }

  static ConvolutionDimensionNumbers convDims(Instruction conv, Shape input) {
    return conv.convolutionDimensions().orElseGet(() -> ConvolutionDimensionNumbers.nhwc(Math.max(0, input.rank() - 2)));
  }

  static boolean contains(Instruction instr, int d) {
    for (int j = 0; j < instr.dimensionCount(); j++) {
      if (instr.dimension(j) == d) {
        return true;
      }
    }
    return false;
  }

  static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  static Shape firstLeaf(Shape s) {
    while (s.isTuple() && !s.tupleShapes().isEmpty()) {
      s = s.tupleShape(0);
    }
    return s;
  }

  // ---------------------------------------------------------------- accessors

  /** The kernel. */
  public Kernel kernel() {
    return kernel;
  }

  /** The iteration space's shape (the array {@code output_bounds} tile; a scalar for a scalar kernel). */
  public Shape spaceShape() {
    return space;
  }





  /** Space sizes in tile units, physical major to minor ({@code output_bounds}' ranges). */
  public long[] outputUnits() {
    return units.clone();
  }





  /** Per physical space position: true if a root reduce removes it (its steps accumulate). */
  public boolean[] spaceReduced() {
    return reduced.clone();
  }



  /** False if the kernel has nothing to tile (an unfused reshape): its only configuration is empty. */
  public boolean tileable() {
    return tileable;
  }

  /** Node index of the contraction whose weight kernel bounds tile, or -1. */
  public int contractionNode() {
    return contraction;
  }

  /** The weight operand's shape, if the kernel has a dot or convolution. */
  public Optional<Shape> weightShape() {
    return Optional.ofNullable(weight);
  }

  /** Weight sizes in tile units, physical major to minor (empty without a contraction). */
  public long[] kernelUnits() {
    return wUnits.clone();
  }





  /** Per weight physical dimension: true if its kernel bound splits the reduction. */
  public boolean[] kernelReductionDims() {
    return wReduction.clone();
  }



  /**
   * The kernel bounds the output tile implies on the weight's non-reduction dimensions (the whole dimension
   * when it does not follow the space); reduction entries are 0.
   */
  public long[] impliedKernelBounds(long[] outputBounds) {
    long[] k = new long[wUnits.length];
    for (int p = 0; p < k.length; p++) {
      if (wReduction[p]) {
        continue;
      }
      int sp = wToSpacePos[p];
      if (sp < 0 || sp >= outputBounds.length) {
        k[p] = wUnits[p];
        continue;
      }
      long extent = Math.min(outputBounds[sp] * unit[sp], dims[sp]);
      k[p] = Math.max(1, Math.min(wUnits[p], NativeTiling.ceilDiv(extent, wUnit[p])));
    }
    return k;
  }

  /**
   * The weight's two loops for a configuration: the reduction loop (trips over the weight's reduction
   * dimensions) and the streaming loop (trips of weight blocks within an output step, where a bound is below
   * what the output tile implies).
   *
   * @param kTrips trips of the reduction loop
   * @param streamTrips trips of the streaming loop
   * @param kFraction share of the reduction dimensions one block covers
   * @param streamFraction share of the implied block one streamed block covers
   * @param kFill elements that exist over elements computed along the reduction (1 unless ragged)
   * @param streamFill the same along the streamed dimensions
   * @param blockExtents the weight block per step, by logical dimension
   */
  record WeightLoops(long kTrips, long streamTrips, double kFraction, double streamFraction, double kFill,
      double streamFill, long[] blockExtents) {}

  /** The weight loops of configuration {@code c} (bounds possible, of the weight's rank). */
  WeightLoops weightLoops(TileConfig c) {
    long[] extents = new long[weight == null ? 0 : weight.rank()];
    long[] implied = impliedKernelBounds(c.outputBounds());
    long kTrips = 1;
    long streamTrips = 1;
    double kFraction = 1;
    double streamFraction = 1;
    double kFill = 1;
    double streamFill = 1;
    for (int p = 0; p < wOrder.length; p++) {
      long b = Math.min(c.kernelBound(p), wUnits[p]);
      if (wReduction[p]) {
        long e = weightExtent(p, b);
        long t = NativeTiling.ceilDiv(wUnits[p], b);
        extents[wOrder[p]] = e;
        kTrips *= t;
        kFraction *= e / (double) wDims[p];
        kFill *= wDims[p] / (double) (t * e);
      } else {
        long full = weightExtent(p, implied[p]);
        long e = weightExtent(p, Math.min(b, implied[p]));
        long t = NativeTiling.ceilDiv(full, e);
        extents[wOrder[p]] = e;
        streamTrips *= t;
        streamFraction *= e / (double) full;
        streamFill *= full / (double) (t * e);
      }
    }
    return new WeightLoops(kTrips, streamTrips, kFraction, streamFraction, kFill, streamFill, extents);
  }

  /** Elements of space position {@code p} that a bound of {@code b} units covers (at most the dimension). */
  long spaceExtent(int p, long b) {
    return Math.min(Math.min(b, units[p]) * unit[p], dims[p]);
  }

  /** Elements of weight position {@code p} that a bound of {@code b} units covers. */
  long weightExtent(int p, long b) {
    return Math.min(Math.min(b, wUnits[p]) * wUnit[p], wDims[p]);
  }

  /** One line naming the space, e.g. for messages: {@code the output f32[64,128]}. */
  public String describeSpace() {
    if (primaryReduce >= 0) {
      return "the iteration space " + space + " (the operand of " + kernel.node(primaryReduce).name() + ")";
    }
    return "the output " + space;
  }

  /**
   * The smallest bound the default search proposes at position {@code pos} of the space ({@code onWeight}
   * false) or the weight: on the second-minor dimension of a packed type (bf16: two rows per 32-bit sublane)
   * a native tile is {@code 32 / bits} row units (16 bf16 rows), and a block of fewer rows still moves and
   * computes whole native tiles; elsewhere 1. A bound covering the whole dimension is always allowed.
   */
  long minimumDefaultBound(boolean onWeight, int pos) {
    Shape shape = onWeight ? weight : space;
    int rank = onWeight ? wOrder.length : order.length;
    if (shape == null || !shape.isArray() || rank < 2 || pos != rank - 2) {
      return 1;
    }
    int bits = shape.elementType().bits();
    return bits > 0 && bits < 32 ? NativeTiling.packing(bits) : 1;
  }
}
