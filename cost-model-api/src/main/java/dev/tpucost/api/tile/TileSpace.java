package dev.tpucost.api.tile;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.math.LongMath;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.PaddingDimension;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tile configurations of one kernel on one chip: which are valid, what each touches per step
 * ({@link #footprint}), the default choice, and enumeration.
 *
 * <h2>Geometry</h2>
 * The kernel's <em>output</em> is its root's array shape (the largest array of a multi-output fusion);
 * {@code output_bounds} tile its physical dimensions. A kernel with a dot or convolution also has a
 * <em>weight</em>: the right-hand/kernel operand of its most expensive contraction. {@code kernel_bounds}
 * tile the weight's physical dimensions; on its <em>reduction</em> dimensions (dot contracting dims,
 * convolution input-feature and spatial dims) they are free choices that split the reduction into steps;
 * on its other dimensions they are implied by the output tile (N and batch dims of a dot, output feature
 * of a convolution), or cover the dimension when the contraction's output is not the kernel's output.
 *
 * <h2>Validity</h2>
 * Every bound divides its dimension's size in units or covers it ({@code >=} the size), kernel bounds
 * agree with the output tile where implied, input bounds are empty (inferred), and the double-buffered
 * working set fits in the chip's VMEM.
 *
 * <h2>Footprint</h2>
 * The output tile is propagated back through every node's index mapping (broadcast, transpose, reshape,
 * slice, pad, concatenate, reduce, dot, convolution and reduce-window windows with halos, gather, ...) to
 * the parameters; ops without a simple mapping (sort, scatter, custom-call, ...) read their whole operand
 * each step. A reduce whose input block would exceed {@value #REDUCE_CHUNK_ELEMENTS} elements is split
 * along its reduced dimensions into reduction steps, as a TPU compiler does.
 *
 * <h2>Default</h2>
 * {@link #defaultConfig()}: start from tiles that cover everything; while the working set exceeds a
 * quarter of VMEM, shrink the bound whose block extent (in elements) is largest to its next smaller
 * divisor (output dimensions before kernel dimensions, major before minor on ties).
 *
 * <p>Immutable and thread-safe; construction costs one pass over the kernel.
 */
public final class TileSpace {
  /** Largest input block (elements) a reduce keeps per step before it is split into reduction steps. */
  public static final long REDUCE_CHUNK_ELEMENTS = 1L << 18;

  private final Kernel kernel;
  private final ChipSpec chip;
  private final Shape output;
  private final int[] outOrder;
  private final long[] outUnitSize;
  private final long[] outUnits;
  private final int contraction;
  private final Shape weight;
  private final int[] weightOrder;
  private final long[] weightUnitSize;
  private final long[] weightUnits;
  private final boolean[] weightReduction;
  private final int[] weightToOutput;

  private TileSpace(Kernel kernel, ChipSpec chip) {
    this.kernel = kernel;
    this.chip = chip;
    this.output = tilingOutput(kernel.outputShape());
    this.outOrder = NativeTiling.physicalOrder(output);
    this.outUnitSize = unitSizes(outOrder.length);
    this.outUnits = NativeTiling.sizeInUnits(output);
    checkUnits(kernel, "output " + output, outUnits);
    this.contraction = mainContraction(kernel);
    if (contraction < 0) {
      this.weight = null;
      this.weightOrder = new int[0];
      this.weightUnitSize = new long[0];
      this.weightUnits = new long[0];
      this.weightReduction = new boolean[0];
      this.weightToOutput = new int[0];
      return;
    }
    Instruction c = kernel.node(contraction);
    this.weight = kernel.node(kernel.operand(contraction, 1)).shape();
    this.weightOrder = NativeTiling.physicalOrder(weight);
    this.weightUnitSize = unitSizes(weightOrder.length);
    this.weightUnits = NativeTiling.sizeInUnits(weight);
    checkUnits(kernel, "weight " + weight, weightUnits);
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
    boolean mapped = c.shape().isArray() && c.shape().sameDimensions(output);
    this.weightReduction = new boolean[rank];
    this.weightToOutput = new int[rank];
    for (int p = 0; p < rank; p++) {
      int d = weightOrder[p];
      weightReduction[p] = reductionByDim[d];
      weightToOutput[p] = mapped ? toOutByDim[d] : -1;
    }
  }

  /** Most units a dimension may have: far beyond any TPU's memory, and it bounds the divisor searches. */
  public static final long MAX_UNITS = 1L << 32;

  private static void checkUnits(Kernel kernel, String what, long[] units) {
    for (long u : units) {
      if (u > MAX_UNITS) {
        throw new dev.tpucost.api.hlo.HloValidationException("kernel '" + kernel.name() + "': the " + what + " has a"
            + " dimension of " + u + " native-tile units, beyond what tpucost tiles (" + MAX_UNITS + ")");
      }
    }
  }

  /**
   * The tile space of {@code kernel} on {@code chip}.
   *
   * @throws dev.tpucost.api.hlo.HloValidationException when a dimension exceeds {@link #MAX_UNITS} units
   */
  public static TileSpace of(Kernel kernel, ChipSpec chip) {
    return new TileSpace(kernel, chip);
  }

  private static long[] unitSizes(int rank) {
    long[] u = new long[rank];
    for (int p = 0; p < rank; p++) {
      u[p] = NativeTiling.unit(rank, p);
    }
    return u;
  }

  private static Shape tilingOutput(Shape root) {
    if (!root.isTuple()) {
      return root.isArray() ? root : Shape.scalar(ElementType.F32);
    }
    Shape best = null;
    for (Shape leaf : root.leaves()) {
      if (leaf.isArray() && (best == null || leaf.elementCount() > best.elementCount())) {
        best = leaf;
      }
    }
    return best != null ? best : Shape.scalar(ElementType.F32);
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

  private static ConvolutionDimensionNumbers convDims(Instruction conv, Shape input) {
    return conv.convolutionDimensions().orElseGet(() -> ConvolutionDimensionNumbers.nhwc(Math.max(0, input.rank() - 2)));
  }

  /** The kernel. */
  public Kernel kernel() {
    return kernel;
  }

  /** The chip. */
  public ChipSpec chip() {
    return chip;
  }

  /** The array shape that output bounds tile. */
  public Shape outputShape() {
    return output;
  }

  /** The weight operand's shape, if the kernel has a dot or convolution. */
  public Optional<Shape> weightShape() {
    return Optional.ofNullable(weight);
  }

  /** Node index of the contraction whose weight kernel bounds tile, or -1. */
  public int contractionNode() {
    return contraction;
  }

  /** Output sizes in tile units, physical major to minor. */
  public long[] outputUnits() {
    return outUnits.clone();
  }

  /** Weight sizes in tile units, physical major to minor (empty without a contraction). */
  public long[] kernelUnits() {
    return weightUnits.clone();
  }

  /** Per weight physical dimension: true if its kernel bound is a free choice (a reduction dimension). */
  public boolean[] kernelReductionDims() {
    return weightReduction.clone();
  }

  // ---------------------------------------------------------------- validity

  /** Why {@code config} is not valid for this kernel on this chip, or empty if it is. */
  public Optional<String> check(TileConfig config) {
    Optional<String> bounds = checkBounds(config);
    if (bounds.isPresent()) {
      return bounds;
    }
    TileFootprint fp = footprintUnchecked(config);
    if (fp.workingSetBytes() > chip.vmemBytes()) {
      return Optional.of(String.format(
          "kernel '%s', tile %s: double-buffered working set of %s does not fit in the %s of VMEM of chip %s",
          kernel.name(), config, bytes(fp.workingSetBytes()), bytes(chip.vmemBytes()), chip.name()));
    }
    return Optional.empty();
  }

  /** True if {@code config} is valid (bounds and VMEM). */
  public boolean isValid(TileConfig config) {
    return check(config).isEmpty();
  }

  /**
   * Checks {@code config}.
   *
   * @throws InvalidTileException naming the kernel, the field and the problem
   */
  public void validate(TileConfig config) {
    Optional<String> problem = check(config);
    if (problem.isPresent()) {
      throw new InvalidTileException(problem.get());
    }
  }

  /**
   * Why {@code config}'s bounds are impossible (lengths, divisibility, consistency with the output tile),
   * or empty if they are valid; VMEM is not checked. Cheap: no footprint.
   */
  public Optional<String> checkBounds(TileConfig c) {
    // The message prefix is built only on failure: autotuners call this for every candidate.
    java.util.function.Function<String, Optional<String>> fail = m -> Optional.of("kernel '" + kernel.name() + "', tile " + c + ": " + m);
    if (c.inputBounds().length != 0) {
      return fail.apply("input_bounds must be empty (the compiler infers them)");
    }
    if (c.outputRank() != outUnits.length) {
      return fail.apply("output_bounds has " + c.outputRank() + " entries but the output " + output
          + " has " + outUnits.length + " physical dimensions");
    }
    for (int p = 0; p < outUnits.length; p++) {
      Optional<String> bad = checkBound("output_bounds", p, c.outputBound(p), outUnits[p], outUnitSize[p], output.dim(outOrder[p]));
      if (bad.isPresent()) {
        return fail.apply(bad.get());
      }
    }
    if (c.kernelRank() != weightUnits.length) {
      return fail.apply("kernel_bounds has " + c.kernelRank() + " entries but "
          + (weight == null ? "the kernel has no dot or convolution weight" : "the weight " + weight + " has " + weightUnits.length + " physical dimensions"));
    }
    long[] implied = impliedKernelBounds(c.outputBounds());
    for (int p = 0; p < weightUnits.length; p++) {
      long b = c.kernelBound(p);
      if (weightReduction[p]) {
        Optional<String> bad = checkBound("kernel_bounds", p, b, weightUnits[p], weightUnitSize[p], weight.dim(weightOrder[p]));
        if (bad.isPresent()) {
          return fail.apply(bad.get());
        }
      } else if (Math.min(b, weightUnits[p]) != Math.min(implied[p], weightUnits[p])) {
        return fail.apply("kernel_bounds[" + p + "]=" + b + " disagrees with the output tile, which implies "
            + implied[p] + " for this non-reduction weight dimension");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkBound(String field, int p, long b, long units, long unit, long elements) {
    if (b >= units || units % b == 0) {
      return Optional.empty();
    }
    return Optional.of(String.format(
        "%s[%d]=%d neither divides nor covers the dimension's %d units (%d elements in units of %d)",
        field, p, b, units, elements, unit));
  }

  private long[] impliedKernelBounds(long[] outputBounds) {
    long[] k = new long[weightUnits.length];
    for (int p = 0; p < k.length; p++) {
      if (weightReduction[p]) {
        continue;
      }
      int outDim = weightToOutput[p];
      if (outDim < 0) {
        k[p] = weightUnits[p];
        continue;
      }
      int outPos = indexOf(outOrder, outDim);
      long extent = Math.min(outputBounds[outPos] * outUnitSize[outPos], output.dim(outDim));
      k[p] = Math.max(1, Math.min(weightUnits[p], NativeTiling.ceilDiv(extent, weightUnitSize[p])));
    }
    return k;
  }

  /**
   * Completes a partial config: an empty output or kernel side takes the default's (kernel entries implied
   * by the output tile follow the given output side).
   */
  public TileConfig resolve(TileConfig partial) {
    if ((partial.outputRank() > 0 || outUnits.length == 0) && (partial.kernelRank() > 0 || weightUnits.length == 0)) {
      return partial;
    }
    TileConfig def = defaultConfig();
    long[] out = partial.outputRank() > 0 || outUnits.length == 0 ? partial.outputBounds() : def.outputBounds();
    long[] k;
    if (partial.kernelRank() > 0 || weightUnits.length == 0) {
      k = partial.kernelBounds();
    } else {
      k = impliedKernelBounds(out);
      for (int p = 0; p < k.length; p++) {
        if (weightReduction[p]) {
          k[p] = def.kernelBound(p);
        }
      }
    }
    return TileConfig.of(k, out, partial.inputBounds());
  }

  // ---------------------------------------------------------------- footprint

  /**
   * What one step of {@code config} touches.
   *
   * @throws InvalidTileException if a bound is impossible (VMEM fit is not checked here)
   */
  public TileFootprint footprint(TileConfig config) {
    Optional<String> bad = checkBounds(config);
    if (bad.isPresent()) {
      throw new InvalidTileException(bad.get());
    }
    return footprintUnchecked(config);
  }

  private TileFootprint footprintUnchecked(TileConfig c) {
    int n = kernel.nodeCount();
    long[][] ext = new long[n][];
    long[] mult = new long[n];
    Arrays.fill(mult, 1);
    long[] outExtent = new long[output.rank()];
    // Loop-dependency masks: bit p for the loop over output physical dimension p (outermost first),
    // bit outRank for the reduction loop (innermost); each node dimension carries the loops it follows.
    int[][] dm = new int[n][];
    int[] outMask = new int[output.rank()];
    long[] trips = new long[outOrder.length + 1];
    long outputTiles = 1;
    for (int p = 0; p < outOrder.length; p++) {
      long b = Math.min(c.outputBound(p), outUnits[p]);
      outExtent[outOrder[p]] = Math.min(b * outUnitSize[p], output.dim(outOrder[p]));
      trips[p] = NativeTiling.ceilDiv(outUnits[p], b);
      outputTiles *= trips[p];
      if (trips[p] > 1) {
        outMask[outOrder[p]] = 1 << p;
      }
    }
    int reductionBit = 1 << outOrder.length;
    long[] weightExtent = null;
    long reductionSteps = 1;
    if (contraction >= 0) {
      weightExtent = new long[weight.rank()];
      for (int p = 0; p < weightOrder.length; p++) {
        long b = Math.min(c.kernelBound(p), weightUnits[p]);
        weightExtent[weightOrder[p]] = Math.min(b * weightUnitSize[p], weight.dim(weightOrder[p]));
        if (weightReduction[p]) {
          reductionSteps *= NativeTiling.ceilDiv(weightUnits[p], b);
        }
      }
    }
    int root = kernel.rootIndex();
    Instruction rootInstr = kernel.node(root);
    List<Shape> outputLeaves = new ArrayList<>();
    List<long[]> outputLeafExtents = new ArrayList<>();
    if (rootInstr.opcode() == Opcode.TUPLE) {
      for (int k = 0; k < kernel.operandCount(root); k++) {
        int op = kernel.operand(root, k);
        Shape s = firstLeaf(kernel.node(op).shape());
        long[] e = s.isArray() && s.sameDimensions(output) ? outExtent.clone() : s.dims();
        merge(ext, op, e);
        mergeMask(dm, op, s.isArray() && s.sameDimensions(output) ? outMask.clone() : new int[s.rank()]);
        outputLeaves.add(s);
        outputLeafExtents.add(e);
      }
    } else {
      Shape s = firstLeaf(rootInstr.shape());
      long[] e = s.isArray() && s.sameDimensions(output) ? outExtent.clone() : s.dims();
      ext[root] = e;
      dm[root] = s.isArray() && s.sameDimensions(output) ? outMask.clone() : new int[s.rank()];
      for (Shape leaf : rootInstr.shape().leaves()) {
        outputLeaves.add(leaf);
        outputLeafExtents.add(leaf.sameDimensions(output) ? outExtent.clone() : leaf.dims());
      }
    }
    long reduceSteps = 1;
    boolean kernelTiled = reductionSteps > 1;
    for (int i = n - 1; i >= 0; i--) {
      Instruction instr = kernel.node(i);
      if (ext[i] == null) {
        if (i == root && instr.opcode() == Opcode.TUPLE) {
          continue;
        }
        ext[i] = firstLeaf(instr.shape()).dims();
      }
      if (dm[i] == null || dm[i].length != ext[i].length) {
        dm[i] = new int[ext[i].length];
      }
      for (int k = 0; k < kernel.operandCount(i); k++) {
        int op = kernel.operand(i, k);
        Shape os = firstLeaf(kernel.node(op).shape());
        long[] oe = operandExtent(i, instr, k, os, ext[i], weightExtent);
        boolean chunked = false;
        if (instr.opcode() == Opcode.REDUCE && k < (kernel.operandCount(i) + 1) / 2 && os.rank() > 0) {
          long steps = chunkReduction(instr, os, oe);
          chunked = steps > 1;
          reduceSteps = Math.max(reduceSteps, steps);
        }
        if (instr.opcode() == Opcode.GATHER && k == 0) {
          mult[op] = Math.max(mult[op], gatherBatch(instr, ext[i]));
        }
        merge(ext, op, oe);
        mergeMask(dm, op, operandMask(i, instr, k, os, dm[i], kernelTiled, chunked, reductionBit));
      }
    }
    reductionSteps = Math.max(reductionSteps, reduceSteps);
    trips[outOrder.length] = reductionSteps;
    long[] paramBytes = new long[kernel.parameterCount()];
    long[] loads = new long[paramBytes.length];
    int[] masks = new int[paramBytes.length];
    long sum = 0;
    for (int p = 0; p < paramBytes.length; p++) {
      int node = kernel.parameterIndex(p);
      loads[p] = loads(dm[node], trips);
      for (int x : dm[node] == null ? new int[0] : dm[node]) {
        masks[p] |= x;
      }
      Shape s = kernel.node(node).shape();
      long b = s.isTuple() ? s.byteSize() : NativeTiling.paddedBytes(s, ext[node]);
      paramBytes[p] = LongMath.saturatedMultiply(b, mult[node]);
      sum = LongMath.saturatedAdd(sum, paramBytes[p]);
    }
    long outBytes = 0;
    for (int j = 0; j < outputLeaves.size(); j++) {
      outBytes = LongMath.saturatedAdd(outBytes, NativeTiling.paddedBytes(outputLeaves.get(j), outputLeafExtents.get(j)));
    }
    long acc = 0;
    if (reductionSteps > 1 && contraction >= 0) {
      Shape cs = kernel.node(contraction).shape();
      acc = NativeTiling.paddedBytes(Shape.array(ElementType.F32, cs.dims(), cs.layout().orElse(null)), ext[contraction]);
    }
    long working = LongMath.saturatedAdd(LongMath.saturatedMultiply(2, LongMath.saturatedAdd(sum, outBytes)), acc);
    for (int i = 0; i < n; i++) {
      if (ext[i] == null) {
        ext[i] = new long[0];
      }
    }
    return new TileFootprint(ext, outputTiles, reductionSteps, paramBytes, loads, masks, outBytes, acc, working);
  }

  /**
   * How many times a block that depends on the loops in {@code mask} is loaded: consecutive steps that
   * need the same block reuse it, so only the loops up to the innermost one it depends on count.
   */
  private static long loads(int[] mask, long[] trips) {
    int m = 0;
    if (mask != null) {
      for (int x : mask) {
        m |= x;
      }
    }
    if (m == 0) {
      return 1;
    }
    int innermost = 31 - Integer.numberOfLeadingZeros(m);
    long n = 1;
    for (int l = 0; l <= innermost && l < trips.length; l++) {
      n = LongMath.saturatedMultiply(n, trips[l]);
    }
    return n;
  }

  /** The loops each dimension of operand {@code k} follows, given those of node {@code instr}'s dims. */
  private int[] operandMask(int i, Instruction instr, int k, Shape os, int[] m, boolean kernelTiled, boolean chunked,
      int rbit) {
    int[] om = new int[os.rank()];
    if (os.isTuple() || !os.isArray() || om.length == 0) {
      return om;
    }
    int all = 0;
    for (int x : m) {
      all |= x;
    }
    boolean main = i == contraction && kernelTiled;
    switch (instr.opcode()) {
      case BROADCAST -> {
        for (int j = 0; j < om.length && j < instr.dimensionCount(); j++) {
          om[j] = maskAt(m, instr.dimension(j));
        }
      }
      case TRANSPOSE -> {
        for (int j = 0; j < instr.dimensionCount() && j < m.length; j++) {
          int d = (int) instr.dimension(j);
          if (d >= 0 && d < om.length) {
            om[d] = m[j];
          }
        }
      }
      case RESHAPE, BITCAST, DYNAMIC_RESHAPE -> {
        if (om.length == m.length && sameDims(os, firstLeaf(instr.shape()))) {
          System.arraycopy(m, 0, om, 0, om.length);
        } else {
          Arrays.fill(om, all);
        }
      }
      case REDUCE -> {
        if (k < (kernel.operandCount(i) + 1) / 2) {
          int next = 0;
          for (int d = 0; d < om.length; d++) {
            om[d] = contains(instr, d) ? (chunked ? rbit : 0) : maskAt(m, next++);
          }
        }
      }
      case DOT -> {
        if (k <= 1) {
          DotDimensionNumbers dn = instr.dotDimensions().orElse(DotDimensionNumbers.matmul());
          List<Long> contracting = k == 0 ? dn.lhsContracting() : dn.rhsContracting();
          List<Long> batch = k == 0 ? dn.lhsBatch() : dn.rhsBatch();
          Shape lhs = kernel.node(kernel.operand(i, 0)).shape();
          int lhsFree = lhs.rank() - dn.lhsBatch().size() - dn.lhsContracting().size();
          int next = k == 0 ? batch.size() : batch.size() + lhsFree;
          for (int d = 0; d < om.length; d++) {
            int bi = batch.indexOf((long) d);
            if (bi >= 0) {
              om[d] = maskAt(m, bi);
            } else if (contracting.contains((long) d)) {
              om[d] = main ? rbit : 0;
            } else {
              om[d] = maskAt(m, next++);
            }
          }
        }
      }
      case CONVOLUTION -> {
        if (k <= 1) {
          ConvolutionDimensionNumbers dn = convDims(instr, kernel.node(kernel.operand(i, 0)).shape());
          int r = main ? rbit : 0;
          if (k == 1) {
            Arrays.fill(om, r);
            om[(int) dn.kernelOutputFeature()] = maskAt(m, dn.outputFeature());
          } else {
            om[(int) dn.inputBatch()] = maskAt(m, dn.outputBatch());
            om[(int) dn.inputFeature()] = instr.featureGroupCount() > 1 ? maskAt(m, dn.outputFeature()) : r;
            for (int sp = 0; sp < dn.spatialRank(); sp++) {
              om[dn.inputSpatial().get(sp).intValue()] = maskAt(m, dn.outputSpatial().get(sp)) | r;
            }
          }
        }
      }
      case GATHER -> Arrays.fill(om, all);
      default -> {
        boolean sameIndexing = instr.opcode().isElementwise() || instr.opcode() == Opcode.COPY
            || instr.opcode() == Opcode.BITCAST_CONVERT || instr.opcode() == Opcode.SLICE
            || instr.opcode() == Opcode.REVERSE || instr.opcode() == Opcode.CONCATENATE
            || instr.opcode() == Opcode.REDUCE_WINDOW
            || (instr.opcode() == Opcode.DYNAMIC_SLICE && k == 0)
            || (instr.opcode() == Opcode.DYNAMIC_UPDATE_SLICE && k <= 1)
            || (instr.opcode() == Opcode.PAD && k == 0);
        if (sameIndexing && om.length == m.length) {
          System.arraycopy(m, 0, om, 0, om.length);
        }
      }
    }
    return om;
  }

  private static int maskAt(int[] m, long index) {
    return index >= 0 && index < m.length ? m[(int) index] : 0;
  }

  private static void mergeMask(int[][] dm, int node, int[] mask) {
    int[] cur = dm[node];
    if (cur == null) {
      dm[node] = mask;
    } else if (cur.length == mask.length) {
      for (int d = 0; d < mask.length; d++) {
        cur[d] |= mask[d];
      }
    }
  }

  /** The block of operand {@code k} that one block {@code e} of node {@code instr}'s value needs. */
  private long[] operandExtent(int i, Instruction instr, int k, Shape os, long[] e, long[] weightExtent) {
    Shape self = firstLeaf(instr.shape());
    long[] full = os.dims();
    if (os.isTuple() || !os.isArray()) {
      return full;
    }
    switch (instr.opcode()) {
      case BROADCAST: {
        long[] oe = new long[os.rank()];
        for (int j = 0; j < os.rank() && j < instr.dimensionCount(); j++) {
          oe[j] = at(e, instr.dimension(j), full[j]);
        }
        return clamp(oe, full);
      }
      case TRANSPOSE: {
        long[] oe = full.clone();
        for (int j = 0; j < instr.dimensionCount() && j < e.length; j++) {
          int d = (int) instr.dimension(j);
          if (d >= 0 && d < oe.length) {
            oe[d] = e[j];
          }
        }
        return clamp(oe, full);
      }
      case RESHAPE:
      case BITCAST:
      case DYNAMIC_RESHAPE:
        return os.sameDimensions(self) || sameDims(os, self) ? clamp(e.clone(), full) : contiguousBlock(e, os);
      case REDUCE: {
        int inputs = (kernel.operandCount(i) + 1) / 2;
        if (k >= inputs) {
          return full;
        }
        long[] oe = new long[os.rank()];
        int next = 0;
        for (int d = 0; d < os.rank(); d++) {
          oe[d] = contains(instr, d) ? full[d] : at(e, next++, full[d]);
        }
        return clamp(oe, full);
      }
      case SLICE: {
        long[] oe = full.clone();
        List<SliceDimension> sl = instr.slice();
        for (int d = 0; d < oe.length && d < e.length; d++) {
          long stride = d < sl.size() ? sl.get(d).stride() : 1;
          oe[d] = e[d] * stride;
        }
        return clamp(oe, full);
      }
      case DYNAMIC_SLICE:
      case DYNAMIC_UPDATE_SLICE:
        if (k == 0 || (instr.opcode() == Opcode.DYNAMIC_UPDATE_SLICE && k == 1)) {
          return os.rank() == e.length ? clamp(e.clone(), full) : full;
        }
        return full;
      case PAD: {
        if (k == 1) {
          return full;
        }
        long[] oe = full.clone();
        List<PaddingDimension> pad = instr.padding();
        for (int d = 0; d < oe.length && d < e.length; d++) {
          long interior = d < pad.size() ? pad.get(d).interior() : 0;
          oe[d] = NativeTiling.ceilDiv(e[d], interior + 1);
        }
        return clamp(oe, full);
      }
      case CONCATENATE:
      case REVERSE:
        return os.rank() == e.length ? clamp(e.clone(), full) : full;
      case DOT:
        return dotOperandExtent(i, instr, k, os, e, weightExtent);
      case CONVOLUTION:
        return convOperandExtent(i, instr, k, os, e, weightExtent);
      case REDUCE_WINDOW: {
        int inputs = kernel.operandCount(i) / 2;
        Window w = instr.window().orElse(null);
        if (k >= inputs || w == null) {
          return full;
        }
        long[] oe = full.clone();
        for (int d = 0; d < oe.length && d < e.length && d < w.rank(); d++) {
          WindowDimension wd = w.dim(d);
          oe[d] = NativeTiling.ceilDiv((e[d] - 1) * wd.stride() + wd.dilatedSize(), wd.baseDilation());
        }
        return clamp(oe, full);
      }
      case GATHER: {
        if (k != 0) {
          return full;
        }
        long[] sizes = instr.gatherSliceSizes();
        return sizes.length == os.rank() ? clamp(sizes, full) : full;
      }
      default:
        if (instr.opcode().isElementwise() || instr.opcode() == Opcode.COPY || instr.opcode() == Opcode.BITCAST_CONVERT) {
          if (os.rank() == 0) {
            return full;
          }
          return os.rank() == e.length ? clamp(e.clone(), full) : full;
        }
        return full;
    }
  }

  private long[] dotOperandExtent(int i, Instruction dot, int k, Shape os, long[] e, long[] weightExtent) {
    if (k > 1) {
      return os.dims();
    }
    DotDimensionNumbers dn = dot.dotDimensions().orElse(DotDimensionNumbers.matmul());
    List<Long> contracting = k == 0 ? dn.lhsContracting() : dn.rhsContracting();
    List<Long> batch = k == 0 ? dn.lhsBatch() : dn.rhsBatch();
    Shape lhs = kernel.node(kernel.operand(i, 0)).shape();
    int lhsFree = lhs.rank() - dn.lhsBatch().size() - dn.lhsContracting().size();
    int next = k == 0 ? batch.size() : batch.size() + lhsFree;
    long[] full = os.dims();
    long[] oe = new long[os.rank()];
    for (int d = 0; d < os.rank(); d++) {
      int bi = batch.indexOf((long) d);
      int ci = contracting.indexOf((long) d);
      if (bi >= 0) {
        oe[d] = at(e, bi, full[d]);
      } else if (ci >= 0) {
        if (i == contraction && weightExtent != null) {
          oe[d] = weightExtent[dn.rhsContracting().get(ci).intValue()];
        } else {
          oe[d] = full[d];
        }
      } else {
        oe[d] = at(e, next++, full[d]);
      }
    }
    return clamp(oe, full);
  }

  private long[] convOperandExtent(int i, Instruction conv, int k, Shape os, long[] e, long[] weightExtent) {
    long[] full = os.dims();
    if (k > 1) {
      return full;
    }
    Shape in = kernel.node(kernel.operand(i, 0)).shape();
    Shape w = kernel.node(kernel.operand(i, 1)).shape();
    ConvolutionDimensionNumbers dn = convDims(conv, in);
    boolean main = i == contraction && weightExtent != null;
    long[] we = main ? weightExtent : w.dims();
    long[] oe = full.clone();
    if (k == 1) {
      oe[(int) dn.kernelOutputFeature()] = at(e, dn.outputFeature(), full[(int) dn.kernelOutputFeature()]);
      return clamp(oe, full);
    }
    oe[(int) dn.inputBatch()] = at(e, dn.outputBatch(), full[(int) dn.inputBatch()]);
    int f = (int) dn.inputFeature();
    if (conv.featureGroupCount() > 1) {
      long cout = Math.max(1, w.dim((int) dn.kernelOutputFeature()));
      oe[f] = NativeTiling.ceilDiv(at(e, dn.outputFeature(), cout) * full[f], cout);
    } else {
      oe[f] = we[(int) dn.kernelInputFeature()];
    }
    Window win = conv.window().orElse(null);
    for (int s = 0; s < dn.spatialRank(); s++) {
      int d = dn.inputSpatial().get(s).intValue();
      long taps = we[dn.kernelSpatial().get(s).intValue()];
      WindowDimension wd = win != null && s < win.rank() ? win.dim(s) : WindowDimension.of(taps);
      long outExt = at(e, dn.outputSpatial().get(s), full[d]);
      long span = (outExt - 1) * wd.stride() + (taps - 1) * wd.windowDilation() + 1;
      oe[d] = NativeTiling.ceilDiv(span, wd.baseDilation());
    }
    return clamp(oe, full);
  }

  /** Splits a reduce's reduced dimensions until its input block is small enough; returns the steps. */
  private static long chunkReduction(Instruction reduce, Shape os, long[] oe) {
    long elems = product(oe);
    if (elems <= REDUCE_CHUNK_ELEMENTS) {
      return 1;
    }
    while (elems > REDUCE_CHUNK_ELEMENTS) {
      int widest = -1;
      for (int j = 0; j < reduce.dimensionCount(); j++) {
        int d = (int) reduce.dimension(j);
        if (d >= 0 && d < oe.length && oe[d] > 1 && (widest < 0 || oe[d] > oe[widest])) {
          widest = d;
        }
      }
      if (widest < 0) {
        break;
      }
      oe[widest] = NativeTiling.ceilDiv(oe[widest], 2);
      elems = product(oe);
    }
    long steps = 1;
    for (int j = 0; j < reduce.dimensionCount(); j++) {
      int d = (int) reduce.dimension(j);
      if (d >= 0 && d < oe.length) {
        steps *= NativeTiling.ceilDiv(os.dim(d), oe[d]);
      }
    }
    return steps;
  }

  /** Number of gathered slices per block: the product of the output's non-offset (batch) extents. */
  private static long gatherBatch(Instruction gather, long[] e) {
    GatherDimensionNumbers dn = gather.gatherDimensions().orElse(null);
    if (dn == null) {
      return 1;
    }
    long n = 1;
    for (int d = 0; d < e.length; d++) {
      if (!dn.offsetDims().contains((long) d)) {
        n *= Math.max(1, e[d]);
      }
    }
    return n;
  }

  private static long[] contiguousBlock(long[] e, Shape os) {
    long remaining = Math.max(1, product(e));
    long[] oe = new long[os.rank()];
    Arrays.fill(oe, 1);
    for (int d = os.rank() - 1; d >= 0 && remaining > 1; d--) {
      long dim = Math.max(1, os.dim(d));
      if (remaining >= dim) {
        oe[d] = dim;
        remaining = NativeTiling.ceilDiv(remaining, dim);
      } else {
        oe[d] = remaining;
        remaining = 1;
      }
    }
    return oe;
  }

  private static boolean sameDims(Shape a, Shape b) {
    return Arrays.equals(a.dims(), b.dims());
  }

  private static boolean contains(Instruction instr, int d) {
    for (int j = 0; j < instr.dimensionCount(); j++) {
      if (instr.dimension(j) == d) {
        return true;
      }
    }
    return false;
  }

  private static long at(long[] e, long index, long fallback) {
    return index >= 0 && index < e.length ? e[(int) index] : fallback;
  }

  private static long[] clamp(long[] oe, long[] full) {
    if (oe.length != full.length) {
      return full.clone();
    }
    for (int d = 0; d < oe.length; d++) {
      oe[d] = Math.max(Math.min(oe[d], full[d]), Math.min(1, full[d]));
    }
    return oe;
  }

  private static void merge(long[][] ext, int node, long[] e) {
    long[] cur = ext[node];
    if (cur == null) {
      ext[node] = e;
    } else if (cur.length == e.length) {
      for (int d = 0; d < e.length; d++) {
        cur[d] = Math.max(cur[d], e[d]);
      }
    }
  }

  private static Shape firstLeaf(Shape s) {
    while (s.isTuple() && !s.tupleShapes().isEmpty()) {
      s = s.tupleShape(0);
    }
    return s;
  }

  private static long product(long[] v) {
    long p = 1;
    for (long x : v) {
      p = LongMath.saturatedMultiply(p, x);
    }
    return p;
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static String bytes(long b) {
    if (b >= 1L << 20) {
      return String.format("%.1f MiB", b / (double) (1L << 20));
    }
    if (b >= 1L << 10) {
      return String.format("%.1f KiB", b / 1024.0);
    }
    return b + " B";
  }

  // ---------------------------------------------------------------- default and enumeration

  /**
   * The compiler's pick when the caller gives none (see the class comment). Always has valid bounds; it
   * fits in VMEM whenever any config does along the shrinking path.
   */
  public TileConfig defaultConfig() {
    long budget = chip.vmemBytes() / 4;
    long[] out = outUnits.clone();
    long[] k = weightUnits.clone();
    while (true) {
      TileConfig c = TileConfig.of(withImplied(k, out), out);
      TileFootprint fp = footprintUnchecked(c);
      if (fp.workingSetBytes() <= budget) {
        return c;
      }
      int bestSide = -1;
      int bestPos = -1;
      long bestExtent = 0;
      for (int p = 0; p < out.length; p++) {
        long extent = Math.min(out[p] * outUnitSize[p], output.dim(outOrder[p]));
        if (out[p] > 1 && extent > bestExtent) {
          bestSide = 0;
          bestPos = p;
          bestExtent = extent;
        }
      }
      for (int p = 0; p < k.length; p++) {
        long extent = Math.min(k[p] * weightUnitSize[p], weight.dim(weightOrder[p]));
        if (weightReduction[p] && k[p] > 1 && extent > bestExtent) {
          bestSide = 1;
          bestPos = p;
          bestExtent = extent;
        }
      }
      if (bestSide < 0) {
        return c;
      }
      if (bestSide == 0) {
        out[bestPos] = nextSmallerDivisor(outUnits[bestPos], out[bestPos]);
      } else {
        k[bestPos] = nextSmallerDivisor(weightUnits[bestPos], k[bestPos]);
      }
    }
  }

  /**
   * The config with these output bounds and these kernel bounds on the weight's reduction dimensions
   * (entries on other weight dimensions are replaced by what the output tile implies).
   */
  public TileConfig config(long[] outputBounds, long[] kernelBounds) {
    checkArgument(outputBounds.length == outUnits.length, "%s output bounds for %s output dims", outputBounds.length, outUnits.length);
    checkArgument(kernelBounds.length == weightUnits.length, "%s kernel bounds for %s weight dims", kernelBounds.length, weightUnits.length);
    return TileConfig.of(withImplied(kernelBounds, outputBounds), outputBounds);
  }

  private long[] withImplied(long[] k, long[] out) {
    long[] implied = impliedKernelBounds(out);
    long[] r = k.clone();
    for (int p = 0; p < r.length; p++) {
      if (!weightReduction[p]) {
        r[p] = implied[p];
      }
    }
    return r;
  }

  /** The valid bounds of a dimension of {@code units} units: its divisors, ascending. */
  public static long[] divisors(long units) {
    checkArgument(units >= 1, "units must be >= 1, got %s", units);
    List<Long> small = new ArrayList<>();
    List<Long> large = new ArrayList<>();
    for (long d = 1; d * d <= units; d++) {
      if (units % d == 0) {
        small.add(d);
        if (d != units / d) {
          large.add(0, units / d);
        }
      }
    }
    small.addAll(large);
    return small.stream().mapToLong(Long::longValue).toArray();
  }

  private static long nextSmallerDivisor(long units, long current) {
    long best = 1;
    for (long d : divisors(units)) {
      if (d < current) {
        best = d;
      }
    }
    return best;
  }

  /**
   * Number of configs with valid bounds (divisors of every output dimension and every weight reduction
   * dimension), before the VMEM check; saturates at {@link Long#MAX_VALUE}.
   */
  public long boundsSpaceSize() {
    long n = 1;
    for (long u : outUnits) {
      n = LongMath.saturatedMultiply(n, divisors(u).length);
    }
    for (int p = 0; p < weightUnits.length; p++) {
      if (weightReduction[p]) {
        n = LongMath.saturatedMultiply(n, divisors(weightUnits[p]).length);
      }
    }
    return n;
  }

  /**
   * Up to {@code limit} valid configs, in a fixed order (odometer over the divisors, most-minor output
   * dimension fastest), skipping those that do not fit in VMEM. Examines at most {@code 64 * limit}
   * candidates so that a huge, mostly-overflowing space cannot hang the caller.
   */
  public List<TileConfig> validConfigs(int limit) {
    checkArgument(limit >= 0, "limit must be >= 0, got %s", limit);
    List<long[]> choices = new ArrayList<>();
    for (long u : outUnits) {
      choices.add(divisors(u));
    }
    List<Integer> freeKernelDims = new ArrayList<>();
    for (int p = 0; p < weightUnits.length; p++) {
      if (weightReduction[p]) {
        choices.add(divisors(weightUnits[p]));
        freeKernelDims.add(p);
      }
    }
    ImmutableList.Builder<TileConfig> out = ImmutableList.builder();
    int found = 0;
    long examined = 0;
    long maxExamined = Math.max(1, 64L * limit);
    int[] idx = new int[choices.size()];
    while (found < limit && examined < maxExamined) {
      long[] o = new long[outUnits.length];
      for (int p = 0; p < o.length; p++) {
        o[p] = choices.get(p)[idx[p]];
      }
      long[] k = weightUnits.clone();
      for (int j = 0; j < freeKernelDims.size(); j++) {
        k[freeKernelDims.get(j)] = choices.get(o.length + j)[idx[o.length + j]];
      }
      TileConfig c = TileConfig.of(withImplied(k, o), o);
      examined++;
      if (footprintUnchecked(c).workingSetBytes() <= chip.vmemBytes()) {
        out.add(c);
        found++;
      }
      int pos = o.length - 1 >= 0 ? o.length - 1 : choices.size() - 1;
      if (!advance(idx, choices, pos)) {
        break;
      }
    }
    return out.build();
  }

  /** Odometer step: output dims from minor to major, then kernel dims. Returns false when exhausted. */
  private static boolean advance(int[] idx, List<long[]> choices, int startPos) {
    int n = idx.length;
    if (n == 0) {
      return false;
    }
    // Order: output dims most-minor first (startPos down to 0), then kernel dims in order.
    int[] order = new int[n];
    int w = 0;
    for (int p = startPos; p >= 0 && p < n; p--) {
      order[w++] = p;
    }
    for (int p = startPos + 1; p < n; p++) {
      order[w++] = p;
    }
    for (int j = 0; j < w; j++) {
      int p = order[j];
      if (++idx[p] < choices.get(p).length) {
        return true;
      }
      idx[p] = 0;
    }
    return false;
  }
}
