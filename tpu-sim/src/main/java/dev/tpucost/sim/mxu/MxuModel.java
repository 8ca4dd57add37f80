package dev.tpucost.sim.mxu;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.MatmulPrecision;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileFootprint;
import java.util.List;

/**
 * Weight-stationary systolic arrays of R x C (the chip's {@code mxu_rows x mxu_cols}), several per core.
 * A matmul step of M rows, K contracting and N output columns is {@code ceil(K/R) * ceil(N/C)} weight
 * passes (K and N padded to the array), times the bf16 passes of its precision ({@link MatmulPrecision}). Passes are spread over the
 * core's MXUs. On one MXU the first pass costs the no-overlap weight-stationary count {@code 2R + C + M - 2}
 * (R cycles of weight load, M streamed rows, C - 1 drain, R - 1 skew); each later pass costs
 * {@code max(M, R)}: its weight push is double-buffered behind the previous pass's streaming, and rows
 * stream at one per cycle.
 */
public final class MxuModel {
  private MxuModel() {}

  /**
   * Cycles of {@code passes} passes of {@code rows} streamed rows each, spread over {@code mxus} arrays:
   * {@code fillShare} of the fill and drain {@code 2R + C - 2} is paid (the rest hides behind the previous
   * step's passes), and the streaming cycles are scaled by {@code scale} (both 1 at the prior constants).
   */
  public static double passCycles(long passes, long rows, int r, int c, int mxus, double fillShare, double scale) {
    if (passes <= 0 || rows <= 0) {
      return 0;
    }
    long perMxu = (passes + mxus - 1) / mxus;
    return fillShare * (2L * r + c - 2) + scale * (rows + (perMxu - 1) * Math.max(rows, r));
  }

  /** MXU cycles of one grid step of {@code k}: the sum over its dots and convolutions. */
  public static double stepCycles(Kernel k, TileFootprint fp, ChipSpec chip, double fillShare, double scale) {
    double total = 0;
    for (int i = 0; i < k.nodeCount(); i++) {
      Instruction n = k.node(i);
      if ((n.opcode() == Opcode.DOT || n.opcode() == Opcode.CONVOLUTION) && k.operandCount(i) >= 2
          && n.shape().isArray()) {
        total += n.opcode() == Opcode.DOT ? dot(k, i, fp, chip, fillShare, scale) : convolution(k, i, fp, chip, fillShare, scale);
      }
    }
    return total;
  }

  private static double dot(Kernel k, int i, TileFootprint fp, ChipSpec chip, double fillShare, double scale) {
    Instruction dot = k.node(i);
    DotDimensionNumbers dn = dot.dotDimensions().orElse(DotDimensionNumbers.matmul());
    int lhs = k.operand(i, 0);
    int rhs = k.operand(i, 1);
    long[] le = fp.nodeExtent(lhs);
    long[] re = fp.nodeExtent(rhs);
    long batch = 1;
    for (long d : dn.lhsBatch()) {
      batch *= at(le, d);
    }
    long m = free(le, dn.lhsContracting(), dn.lhsBatch());
    long kk = 1;
    for (long d : dn.lhsContracting()) {
      kk *= at(le, d);
    }
    long n = free(re, dn.rhsContracting(), dn.rhsBatch());
    long passes = batch * ceilDiv(kk, chip.mxuRows()) * ceilDiv(n, chip.mxuCols()) * precisionPasses(k, i);
    return passCycles(passes, m, chip.mxuRows(), chip.mxuCols(), chip.mxusPerCore(), fillShare, scale);
  }

  private static double convolution(Kernel k, int i, TileFootprint fp, ChipSpec chip, double fillShare, double scale) {
    Instruction conv = k.node(i);
    long[] out = fp.nodeExtent(i);
    long[] we = fp.nodeExtent(k.operand(i, 1));
    ConvolutionDimensionNumbers dn = conv.convolutionDimensions()
        .orElseGet(() -> ConvolutionDimensionNumbers.nhwc(Math.max(0, out.length - 2)));
    long rows = at(out, dn.outputBatch());
    for (long s : dn.outputSpatial()) {
      rows *= at(out, s);
    }
    long taps = 1;
    for (long s : dn.kernelSpatial()) {
      taps *= at(we, s);
    }
    long kin = at(we, dn.kernelInputFeature());
    long nout = at(we, dn.kernelOutputFeature());
    long groups = conv.featureGroupCount();
    long passes;
    if (groups > 1) {
      long coutTotal = k.node(k.operand(i, 1)).shape().dim((int) dn.kernelOutputFeature());
      long perGroup = Math.max(1, coutTotal / groups);
      long groupsInTile = ceilDiv(nout, perGroup);
      passes = groupsInTile * ceilDiv(taps * kin, chip.mxuRows()) * ceilDiv(Math.min(nout, perGroup), chip.mxuCols());
    } else {
      passes = ceilDiv(taps * kin, chip.mxuRows()) * ceilDiv(nout, chip.mxuCols());
    }
    passes *= precisionPasses(k, i);
    return passCycles(passes, rows, chip.mxuRows(), chip.mxuCols(), chip.mxusPerCore(), fillShare, scale);
  }

  /** bf16 passes per pass of the array ({@link MatmulPrecision}: 1 at DEFAULT precision, 3 at HIGH, 6 at HIGHEST). */
  static int precisionPasses(Kernel k, int i) {
    return MatmulPrecision.bf16Passes(k.node(i), k.node(k.operand(i, 0)).shape().elementType().bits(),
        k.node(k.operand(i, 1)).shape().elementType().bits());
  }

  private static long free(long[] e, List<Long> contracting, List<Long> batch) {
    long p = 1;
    for (int d = 0; d < e.length; d++) {
      if (!contracting.contains((long) d) && !batch.contains((long) d)) {
        p *= e[d];
      }
    }
    return p;
  }

  private static long at(long[] e, long d) {
    return d >= 0 && d < e.length ? Math.max(1, e[(int) d]) : 1;
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }
}
