package dev.tpucost.api.tile;

import com.google.common.math.LongMath;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.OpCategory;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.PaddingDimension;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * The index mapping of every op, one dispatch over opcodes: which block of each operand one block of the op's
 * value needs ({@link #operandExtent}: broadcast, transpose, reshape, slice, pad, concatenate, reduce, dot,
 * convolution and reduce-window windows with halos, gather, collectives, ...; ops without a simple mapping,
 * such as sort, scatter or custom-call, read their whole operand each step), and which grid loops each
 * operand dimension follows ({@link #operandMask}). The main contraction's weight takes the configuration's
 * weight block.
 */
final class BlockMaps {
  private final TilingGeometry g;
  private final Kernel kernel;
  private final long[] weightExtent;
  private final int kBit;
  private final int streamBit;
  private final int chunkBit;

  /**
   * Maps for geometry {@code g} with the weight block {@code weightExtent} (null without a contraction) and
   * the loop bits of the contraction's reduction and streaming loops (0 when they make one trip) and of the
   * reduce-chunk loop.
   */
  BlockMaps(TilingGeometry g, long[] weightExtent, int kBit, int streamBit, int chunkBit) {
    this.g = g;
    this.kernel = g.kernel;
    this.weightExtent = weightExtent;
    this.kBit = kBit;
    this.streamBit = streamBit;
    this.chunkBit = chunkBit;
  }

  /** The block of operand {@code k} that one block {@code e} of node {@code instr}'s value needs. */
  long[] operandExtent(int i, Instruction instr, int k, Shape os, long[] e) {
    Shape self = TilingGeometry.firstLeaf(instr.shape());
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
      case DYNAMIC_RESHAPE: {
        if (Arrays.equals(os.dims(), self.dims())) {
          return clamp(e.clone(), full);
        }
        int[] pairs = degenerateReshape(os.dims(), self.dims());
        if (pairs == null) {
          return contiguousBlock(e, os);
        }
        long[] oe = new long[os.rank()];
        Arrays.fill(oe, 1);
        for (int d = 0; d < pairs.length; d++) {
          if (pairs[d] >= 0) {
            oe[d] = e[pairs[d]];
          }
        }
        return clamp(oe, full);
      }
      case REDUCE: {
        int inputs = (kernel.operandCount(i) + 1) / 2;
        if (k >= inputs) {
          return full;
        }
        long[] oe = new long[os.rank()];
        int next = 0;
        for (int d = 0; d < os.rank(); d++) {
          oe[d] = TilingGeometry.contains(instr, d) ? full[d] : at(e, next++, full[d]);
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
        return dotOperandExtent(i, instr, k, os, e);
      case CONVOLUTION:
        return convOperandExtent(i, instr, k, os, e);
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
        if (instr.opcode().isElementwise() || instr.opcode() == Opcode.COPY || instr.opcode() == Opcode.BITCAST_CONVERT
            || sameShapeCollective(instr, os)) {
          if (os.rank() == 0) {
            return full;
          }
          return os.rank() == e.length ? clamp(e.clone(), full) : full;
        }
        return full;
    }
  }

  private long[] dotOperandExtent(int i, Instruction dot, int k, Shape os, long[] e) {
    if (k > 1) {
      return os.dims();
    }
    DotDimensionNumbers dn = dot.dotDimensions().orElse(DotDimensionNumbers.matmul());
    List<Long> contracting = k == 0 ? dn.lhsContracting() : dn.rhsContracting();
    List<Long> batch = k == 0 ? dn.lhsBatch() : dn.rhsBatch();
    Shape lhs = kernel.node(kernel.operand(i, 0)).shape();
    int lhsFree = lhs.rank() - dn.lhsBatch().size() - dn.lhsContracting().size();
    int next = k == 0 ? batch.size() : batch.size() + lhsFree;
    boolean main = i == g.contraction && weightExtent != null;
    long[] full = os.dims();
    long[] oe = new long[os.rank()];
    for (int d = 0; d < os.rank(); d++) {
      int bi = batch.indexOf((long) d);
      int ci = contracting.indexOf((long) d);
      if (bi >= 0) {
        oe[d] = at(e, bi, full[d]);
      } else if (ci >= 0) {
        oe[d] = main ? weightExtent[dn.rhsContracting().get(ci).intValue()] : full[d];
      } else {
        oe[d] = at(e, next++, full[d]);
      }
      if (main && k == 1) {
        oe[d] = Math.min(oe[d], weightExtent[d]);
      }
    }
    return clamp(oe, full);
  }

  private long[] convOperandExtent(int i, Instruction conv, int k, Shape os, long[] e) {
    long[] full = os.dims();
    if (k > 1) {
      return full;
    }
    Shape in = kernel.node(kernel.operand(i, 0)).shape();
    Shape w = kernel.node(kernel.operand(i, 1)).shape();
    ConvolutionDimensionNumbers dn = TilingGeometry.convDims(conv, in);
    boolean main = i == g.contraction && weightExtent != null;
    long[] we = main ? weightExtent : w.dims();
    long[] oe = full.clone();
    if (k == 1) {
      int of = (int) dn.kernelOutputFeature();
      oe[of] = at(e, dn.outputFeature(), full[of]);
      if (main) {
        for (int d = 0; d < oe.length; d++) {
          oe[d] = Math.min(oe[d], we[d]);
        }
      }
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

  /** The loops each dimension of operand {@code k} follows, given those of node {@code instr}'s dims. */
  int[] operandMask(int i, Instruction instr, int k, Shape os, int[] m, boolean chunked) {
    int[] om = new int[os.rank()];
    if (os.isTuple() || !os.isArray() || om.length == 0) {
      return om;
    }
    int all = 0;
    for (int x : m) {
      all |= x;
    }
    boolean main = i == g.contraction;
    int kBit = main ? this.kBit : 0;
    int streamBit = main ? this.streamBit : 0;
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
        long[] selfDims = TilingGeometry.firstLeaf(instr.shape()).dims();
        int[] pairs = degenerateReshape(os.dims(), selfDims);
        if (om.length == m.length && Arrays.equals(os.dims(), selfDims)) {
          System.arraycopy(m, 0, om, 0, om.length);
        } else if (pairs != null) {
          for (int d = 0; d < pairs.length; d++) {
            om[d] = pairs[d] >= 0 ? maskAt(m, pairs[d]) : 0;
          }
        } else {
          Arrays.fill(om, all);
        }
      }
      case REDUCE -> {
        if (k < (kernel.operandCount(i) + 1) / 2) {
          int next = 0;
          for (int d = 0; d < om.length; d++) {
            om[d] = TilingGeometry.contains(instr, d) ? (chunked ? chunkBit : 0) : maskAt(m, next++);
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
              om[d] = kBit;
            } else {
              om[d] = maskAt(m, next++) | (k == 1 ? streamBit : 0);
            }
          }
        }
      }
      case CONVOLUTION -> {
        if (k <= 1) {
          ConvolutionDimensionNumbers dn = TilingGeometry.convDims(instr, kernel.node(kernel.operand(i, 0)).shape());
          if (k == 1) {
            Arrays.fill(om, kBit);
            om[(int) dn.kernelOutputFeature()] = maskAt(m, dn.outputFeature()) | streamBit;
          } else {
            om[(int) dn.inputBatch()] = maskAt(m, dn.outputBatch());
            om[(int) dn.inputFeature()] = instr.featureGroupCount() > 1 ? maskAt(m, dn.outputFeature()) : kBit;
            for (int sp = 0; sp < dn.spatialRank(); sp++) {
              om[dn.inputSpatial().get(sp).intValue()] = maskAt(m, dn.outputSpatial().get(sp)) | kBit;
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
            || (instr.opcode() == Opcode.PAD && k == 0)
            || sameShapeCollective(instr, os);
        if (sameIndexing && om.length == m.length) {
          System.arraycopy(m, 0, om, 0, om.length);
        }
      }
    }
    return om;
  }

  /**
   * A collective whose operand has its result's rank (all-reduce, collective-permute, all-to-all, and
   * all-gather and reduce-scatter, whose operand is one shard of the result along a dimension): block for
   * block, as a copy or a concatenation, as far as one device's memory traffic goes. tpucost has no model of
   * the interconnect.
   */
  private static boolean sameShapeCollective(Instruction instr, Shape os) {
    Shape self = TilingGeometry.firstLeaf(instr.shape());
    return instr.opcode().category() == OpCategory.COLLECTIVE && os.isArray() && self.isArray()
        && os.rank() == self.rank();
  }

  /**
   * For a reshape that only inserts or removes size-1 dimensions: per operand dimension, the result
   * dimension it is (or -1 for a size-1 one). Null for any other reshape.
   */
  private static int[] degenerateReshape(long[] operand, long[] result) {
    int[] pairs = new int[operand.length];
    int j = 0;
    for (int d = 0; d < operand.length; d++) {
      if (operand[d] == 1) {
        pairs[d] = -1;
        continue;
      }
      while (j < result.length && result[j] == 1) {
        j++;
      }
      if (j >= result.length || result[j] != operand[d]) {
        return null;
      }
      pairs[d] = j++;
    }
    while (j < result.length) {
      if (result[j++] != 1) {
        return null;
      }
    }
    return pairs;
  }

  /** Splits a reduce's reduced dimensions until its input block is small enough; returns the steps. */
  static long chunkReduction(Instruction reduce, Shape os, long[] oe) {
    long elems = product(oe);
    if (elems <= Footprints.REDUCE_CHUNK_ELEMENTS) {
      return 1;
    }
    while (elems > Footprints.REDUCE_CHUNK_ELEMENTS) {
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
  static long gatherBatch(Instruction gather, long[] e) {
    GatherDimensionNumbers dn = gather.gatherDimensions().orElse(null);
    if (dn == null) {
      return 1;
    }
    long c = 1;
    for (int d = 0; d < e.length; d++) {
      if (!dn.offsetDims().contains((long) d)) {
        c *= Math.max(1, e[d]);
      }
    }
    return c;
  }

  /** The row-major block of {@code os} holding as many elements as {@code e}, minor dimensions first. */
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

  private static int maskAt(int[] m, long index) {
    return index >= 0 && index < m.length ? m[(int) index] : 0;
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

  private static long product(long[] v) {
    long p = 1;
    for (long x : v) {
      p = LongMath.saturatedMultiply(p, x);
    }
    return p;
  }
}
