package dev.tpucost.gnn.features;

import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.OpCategory;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.PaddingDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.NativeTiling;
import java.util.List;

/**
 * Raw (un-normalised) features, in the spirit of TpuGraphs' 140 node features:
 *
 * <ul>
 *   <li>per node ({@value #NODE_FEATURES}): root/parameter flags, fan-in and fan-out, rank, the first six
 *       output dimensions with their sum and product (log scale), physical layout order, element width and
 *       floating flag, the node's flops and transcendentals, window size/stride/padding, contraction size,
 *       reduction ratio, bytes, padding to native tiles, dimensions-attribute count, feature groups, and the
 *       opcode category one-hot; the opcode itself goes to a learned embedding;
 *   <li>per kernel ({@value #KERNEL_FEATURES}): log flops, transcendentals, bytes, node count;
 *   <li>per config: TpuGraphs' 24-number tile encoding (log scale) next to the analytical model's
 *       closed-form quantities of the tile (see {@code AnalyticalModel.tileFeatures}).
 * </ul>
 */
public final class Featurizer {
  /** Node features. */
  public static final int NODE_FEATURES = 40;
  /** Kernel-level features. */
  public static final int KERNEL_FEATURES = 4;
  /** TpuGraphs' tile encoding. */
  public static final int TILE_ENCODING = 24;

  /** Opcode vocabulary: index i + 1 is opcode {@code VOCABULARY.get(i)}; 0 is unknown. */
  public static final List<String> VOCABULARY = java.util.Arrays.stream(Opcode.values()).map(Opcode::text).toList();

  private Featurizer() {}

  /** The kernel's graph features, node features included (fresh arrays: for training sets that keep them). */
  public static KernelGraph graph(Kernel k) {
    int n = k.nodeCount();
    float[][] x = new float[n][NODE_FEATURES];
    KernelGraph g = structure(k, x);
    return new KernelGraph(g.opcodes(), x, g.src(), g.dst(), g.kernelFeatures());
  }

  /**
   * The kernel's graph without node features (its {@link KernelGraph#nodes()} is empty): they are written
   * into {@code rows[0..n)} instead, a caller's reusable buffer of at least {@code n} rows of
   * {@value #NODE_FEATURES}, so that featurising a kernel allocates nothing per node.
   */
  public static KernelGraph structure(Kernel k, float[][] rows) {
    int n = k.nodeCount();
    if (rows.length < n) {
      throw new IllegalArgumentException(rows.length + " feature rows for " + n + " nodes");
    }
    int[] ops = new int[n];
    Shape previous = null;
    for (int i = 0; i < n; i++) {
      ops[i] = k.node(i).opcode().ordinal() + 1;
      Shape s = outputShape(k.node(i));
      // Consecutive nodes often share a shape (an elementwise chain): its features are copied, not recomputed.
      boolean same = previous != null && (s == previous || s.equals(previous));
      node(k, i, s, rows[i], same ? rows[i - 1] : null);
      previous = s;
    }
    int[] src = new int[k.edgeCount()];
    int[] dst = new int[k.edgeCount()];
    int e = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k.operandCount(i); j++) {
        src[e] = k.operand(i, j);
        dst[e] = i;
        e++;
      }
    }
    float[] kf = {
      log(k.stats().flops()), log(k.stats().transcendentals()), log(k.stats().bytesAccessed()), log(n)
    };
    return new KernelGraph(ops, NO_ROWS, src, dst, kf);
  }

  private static final float[][] NO_ROWS = new float[0][];

  /** The shape a node's features describe: its output's, or a tuple output's first element's. */
  private static Shape outputShape(Instruction ins) {
    Shape s = ins.shape();
    while (s.isTuple() && !s.tupleShapes().isEmpty()) {
      s = s.tupleShape(0);
    }
    return s;
  }

  /**
   * Node {@code i}'s raw features into {@code f} (cleared first); {@code s} is its {@link #outputShape}, and
   * {@code sameShape}, if not null, the row of a node with an equal one, whose shape features are copied.
   */
  private static void node(Kernel k, int i, Shape s, float[] f, float[] sameShape) {
    Instruction ins = k.node(i);
    java.util.Arrays.fill(f, 0);
    f[0] = i == k.rootIndex() ? 1 : 0;
    f[1] = ins.opcode() == Opcode.PARAMETER ? 1 : 0;
    f[2] = log(k.operandCount(i));
    f[3] = log(k.userCount(i));
    long elements = s.elementCount();
    if (sameShape != null) {
      System.arraycopy(sameShape, SHAPE_FROM, f, SHAPE_FROM, SHAPE_TO - SHAPE_FROM);
      f[SHAPE_BYTES] = sameShape[SHAPE_BYTES];
      f[SHAPE_PADDING] = sameShape[SHAPE_PADDING];
    } else {
      shape(s, elements, f);
    }
    f[21] = log(k.nodeFlops(i));
    f[22] = log(k.nodeTranscendentals(i));
    Window w = ins.window().orElse(null);
    if (w != null) {
      long stride = 1;
      long pad = 0;
      for (WindowDimension wd : w.dimensions()) {
        stride = Math.max(stride, wd.stride());
        pad += Math.abs(wd.paddingLow()) + Math.abs(wd.paddingHigh());
      }
      f[23] = log(w.elementCount());
      f[24] = log(stride);
      f[25] = log(pad);
    }
    if (ins.opcode() == Opcode.DOT && k.operandCount(i) > 0) {
      Shape lhs = k.node(k.operand(i, 0)).shape();
      double kk = 1;
      for (long d : ins.dotDimensions().orElse(DotDimensionNumbers.matmul()).lhsContracting()) {
        kk *= d < lhs.rank() ? lhs.dim((int) d) : 1;
      }
      f[26] = log(kk);
    } else if (ins.opcode() == Opcode.CONVOLUTION && k.operandCount(i) > 1) {
      Shape kernel = k.node(k.operand(i, 1)).shape();
      ConvolutionDimensionNumbers dn = ins.convolutionDimensions()
          .orElseGet(() -> ConvolutionDimensionNumbers.nhwc(Math.max(0, kernel.rank() - 2)));
      double kk = kernel.dim((int) dn.kernelInputFeature());
      for (long sp : dn.kernelSpatial()) {
        kk *= kernel.dim((int) sp);
      }
      f[26] = log(kk);
    }
    if (ins.opcode() == Opcode.REDUCE && k.operandCount(i) > 0) {
      f[27] = log(k.node(k.operand(i, 0)).shape().elementCount() / Math.max(1.0, elements));
    }
    int cat = ins.opcode().category().ordinal();
    f[29 + Math.min(cat, OpCategory.values().length - 1)] = 1;
    f[38] = ins.dimensionCount();
    long interior = 0;
    for (PaddingDimension p : ins.padding()) {
      interior += p.interior();
    }
    f[39] = log(ins.featureGroupCount() - 1 + interior);
  }

  /** A node's shape features ({@link #shape}): entries {@code [SHAPE_FROM, SHAPE_TO)}, bytes and tile padding. */
  private static final int SHAPE_FROM = 4;
  private static final int SHAPE_TO = 21;
  private static final int SHAPE_BYTES = 28;
  private static final int SHAPE_PADDING = 37;

  /** The features of a node's shape: entries 4-20 (rank, dimensions, layout, element type), 28 and 37. */
  private static void shape(Shape s, long elements, float[] f) {
    f[4] = s.rank();
    double sum = 0;
    for (int d = 0; d < s.rank(); d++) {
      long dim = Math.max(0, s.dim(d));
      if (d < 6) {
        f[5 + d] = log(dim);
      }
      sum += dim;
    }
    f[11] = log(sum);
    f[12] = log(elements);
    if (s.isArray()) {
      Layout l = s.layout().orElse(null); // none: row-major, minor_to_major = rank-1, ..., 0
      int rank = l != null ? l.rank() : s.rank();
      for (int d = 0; d < Math.min(6, rank); d++) {
        f[13 + d] = l != null ? l.minorToMajor(d) : rank - 1 - d;
      }
    }
    f[19] = s.elementType().bits() / 32f;
    f[20] = s.elementType().isFloating() ? 1 : 0;
    long bytes = s.byteSize();
    f[28] = log(bytes);
    f[37] = s.isArray() && bytes > 0 ? (float) (NativeTiling.paddedBytes(s) / (double) bytes - 1) : 0;
  }

  /**
   * A hash of a node's raw feature row ({@link #NODE_FEATURES} entries) over the features that most often tell
   * two nodes of one opcode in a kernel apart (users, rank, the first four dimensions, elements, flops,
   * contraction size, bytes): equal rows have equal hashes, and rows that differ elsewhere are told apart by
   * comparing them. Ten fixed entries, where hashing all forty cost more than the comparisons it saves.
   */
  public static int likenessHash(float[] f) {
    return Float.floatToRawIntBits(f[3]) * 0x01000193
        ^ Float.floatToRawIntBits(f[4]) * 0x2C1B3C6D
        ^ Float.floatToRawIntBits(f[5]) * 0x297A2D39
        ^ Float.floatToRawIntBits(f[6]) * 0x1B873593
        ^ Float.floatToRawIntBits(f[7]) * 0x5BD1E995
        ^ Float.floatToRawIntBits(f[8]) * 0x7FEB352D
        ^ Float.floatToRawIntBits(f[12]) * 0x846CA68B
        ^ Float.floatToRawIntBits(f[21]) * 0x9E3779B1
        ^ Float.floatToRawIntBits(f[26]) * 0xCC9E2D51
        ^ Float.floatToRawIntBits(f[28]) * 0x85EBCA6B;
  }

  /** {@code (float) ln(1 + max(0, v))}, the scale of raw features ({@link FeatureLog}). */
  public static float log(double v) {
    return FeatureLog.log1p(v);
  }
}
