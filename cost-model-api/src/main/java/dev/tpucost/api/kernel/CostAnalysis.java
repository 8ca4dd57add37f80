package dev.tpucost.api.kernel;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * XLA's {@code HloCostAnalysis} rules: one dispatch over opcodes, one small rule each, with its formula.
 * {@code |x|} is the element count of {@code x}; {@code B(x)} its byte size.
 *
 * <p>Counts of called computations (reducers, comparators, nested fusions, loop bodies) are computed
 * once per computation and memoised in this object, so an instance belongs to one kernel; it is not
 * thread-safe and is used only while building a {@link Kernel}.
 */
final class CostAnalysis {
  /** Flops and transcendentals of something, with the number of ops of unknown cost inside it. */
  record Counts(double flops, double transcendentals, int unknown) {
    static final Counts ZERO = new Counts(0, 0, 0);

    Counts plus(Counts o) {
      return new Counts(flops + o.flops, transcendentals + o.transcendentals, unknown + o.unknown);
    }

    Counts times(double k) {
      return new Counts(flops * k, transcendentals * k, unknown);
    }
  }

  private final LongFunction<Computation> computations;
  private final Map<Long, Counts> memo = new HashMap<>();

  /** An analysis that finds called computations through {@code computations}. */
  CostAnalysis(LongFunction<Computation> computations) {
    this.computations = computations;
  }

  /** Counts of a whole computation: the sum over its instructions. */
  Counts computation(Computation c) {
    Counts cached = memo.get(c.id());
    if (cached != null) {
      return cached;
    }
    Counts sum = Counts.ZERO;
    for (Instruction i : c.instructions()) {
      sum = sum.plus(instruction(c, i));
    }
    memo.put(c.id(), sum);
    return sum;
  }

  private Counts called(Instruction i, int k) {
    if (k >= i.calledComputationCount()) {
      return Counts.ZERO;
    }
    return computation(computations.apply(i.calledComputationId(k)));
  }

  /** Flops and transcendentals of one instruction of computation {@code c}. */
  Counts instruction(Computation c, Instruction i) {
    Shape out = i.shape();
    long outElems = firstLeaf(out).elementCount();
    switch (i.opcode().category()) {
      case ELEMENTWISE:
        if (i.opcode() == Opcode.MAP) {
          // map: |out| * cost(to_apply)
          return called(i, 0).times(outElems);
        }
        // elementwise (incl. select, convert, compare, clamp): flops = |out|
        return new Counts(outElems, 0, 0);
      case TRANSCENDENTAL:
        // transcendental: transcendentals = |out|
        return new Counts(0, outElems, 0);
      default:
        break;
    }
    switch (i.opcode()) {
      case DOT:
      case RAGGED_DOT:
      case SCALED_DOT:
        return new Counts(dotFlops(c, i), 0, 0);
      case CONVOLUTION:
        return new Counts(convolutionFlops(c, i), 0, 0);
      case REDUCE: {
        // reduce: cost(reducer) * (|in| - |out|)
        long in = c.operand(i, 0).shape().elementCount();
        return called(i, 0).times(Math.max(0, in - outElems));
      }
      case REDUCE_WINDOW: {
        // reduce-window: cost(reducer) * (window elements - 1) * |out|
        long win = i.window().map(Window::elementCount).orElse(1L);
        return called(i, 0).times(Math.max(0, win - 1) * (double) outElems);
      }
      case SELECT_AND_SCATTER: {
        // select-and-scatter: cost(select) * |source| * (window - 1) + cost(scatter) * |source|
        long source = c.operand(i, 1).shape().elementCount();
        long win = i.window().map(Window::elementCount).orElse(1L);
        return called(i, 0).times(source * (double) Math.max(0, win - 1)).plus(called(i, 1).times(source));
      }
      case SCATTER: {
        // scatter: cost(combiner) * |updates|; operands are (inputs..., indices, updates...)
        int n = (i.operandCount() - 1) / 2;
        long updates = c.operand(i, i.operandCount() - n).shape().elementCount();
        return called(i, 0).times(updates);
      }
      case FFT: {
        // fft: 2 * 4 * prod(log2 fft_length) * |in|  (4 multiply-adds per complex multiply)
        double logs = 1;
        for (String part : i.attributes().getOrDefault("fft_length", "").replaceAll("[{}\\s]", "").split(",")) {
          if (!part.isEmpty()) {
            logs *= Math.max(1, 63 - Long.numberOfLeadingZeros(Long.parseLong(part)));
          }
        }
        return new Counts(2.0 * 4 * logs * c.operand(i, 0).shape().elementCount(), 0, 0);
      }
      case SORT: {
        // sort: n * ceil(log2 n), n = elements of the first operand
        long n = c.operand(i, 0).shape().elementCount();
        return new Counts(n * (double) ceilLog2(n), 0, 0);
      }
      case TRIANGULAR_SOLVE: {
        // triangular-solve: 2 * (last dim of a) * |b|
        Shape a = c.operand(i, 0).shape();
        long k = a.rank() == 0 ? 1 : a.dim(a.rank() - 1);
        return new Counts(2.0 * k * c.operand(i, 1).shape().elementCount(), 0, 0);
      }
      case CHOLESKY: {
        // cholesky: n * |a| / 3, n = last dim of a
        Shape a = c.operand(i, 0).shape();
        long n = a.rank() == 0 ? 1 : a.dim(a.rank() - 1);
        return new Counts(n * (double) a.elementCount() / 3.0, 0, 0);
      }
      case RNG:
        // rng: transcendentals = |out|
        return new Counts(0, outElems, 0);
      case ALL_REDUCE:
      case ALL_REDUCE_START:
      case REDUCE_SCATTER:
        // all-reduce: flops = |out| (one combine per element, two replicas assumed)
        return new Counts(outElems, 0, 0);
      case BATCH_NORM_TRAINING:
      case BATCH_NORM_INFERENCE:
      case BATCH_NORM_GRAD: {
        // batch norm (approximation, not in HloCostAnalysis): a few flops per element and one rsqrt
        // per feature: training 7|in|, inference 4|in|, grad 12|in|.
        Shape in = c.operand(i, 0).shape();
        long features = in.rank() == 0 ? 1 : in.dim((int) Math.min(in.rank() - 1, Math.max(0, featureIndex(i))));
        double perElement = i.opcode() == Opcode.BATCH_NORM_TRAINING ? 7 : i.opcode() == Opcode.BATCH_NORM_INFERENCE ? 4 : 12;
        return new Counts(perElement * in.elementCount(), features, 0);
      }
      case FUSION:
      case CALL:
      case ASYNC_START:
        // fusion, call: the sum over the called computation
        return called(i, 0);
      case WHILE:
        // while: one iteration of body + condition (the trip count is unknown)
        return called(i, 0).plus(called(i, 1));
      case CONDITIONAL: {
        // conditional: the most expensive branch
        Counts max = Counts.ZERO;
        for (int k = 0; k < i.calledComputationCount(); k++) {
          Counts b = called(i, k);
          if (b.flops + b.transcendentals > max.flops + max.transcendentals) {
            max = b;
          }
        }
        return max;
      }
      case CUSTOM_CALL:
        // custom-call: unknown; counted, never guessed
        return new Counts(0, 0, 1);
      default:
        // data movement, parameters, constants, tuples, collectives other than all-reduce: no flops
        return Counts.ZERO;
    }
  }

  private static long featureIndex(Instruction i) {
    String v = i.attributes().get("feature_index");
    try {
      return v == null ? 0 : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** dot: {@code 2 * |out| * prod(lhs contracting dims)}. */
  static double dotFlops(Computation c, Instruction dot) {
    Shape lhs = c.operand(dot, 0).shape();
    DotDimensionNumbers dn = dot.dotDimensions().orElse(DotDimensionNumbers.matmul());
    double k = 1;
    for (long d : dn.lhsContracting()) {
      if (d >= 0 && d < lhs.rank()) {
        k *= lhs.dim((int) d);
      }
    }
    return 2.0 * firstLeaf(dot.shape()).elementCount() * k;
  }

  /**
   * convolution: {@code 2 * (Cin / feature_group_count) * Cout * (N / batch_group_count) * prod_s
   * valid(s)}, where {@code valid(s)} counts the (kernel tap, output position) pairs of spatial dimension
   * {@code s} that land on a real input element after stride, padding and dilations.
   */
  static double convolutionFlops(Computation c, Instruction conv) {
    Shape in = c.operand(conv, 0).shape();
    Shape kernel = c.operand(conv, 1).shape();
    Shape out = firstLeaf(conv.shape());
    ConvolutionDimensionNumbers dn = conv.convolutionDimensions()
        .orElseGet(() -> ConvolutionDimensionNumbers.nhwc(Math.max(0, in.rank() - 2)));
    long inputFeatures = in.dim((int) dn.inputFeature());
    long outputFeatures = kernel.dim((int) dn.kernelOutputFeature());
    long batch = in.dim((int) dn.inputBatch());
    double fma = (double) (inputFeatures / conv.featureGroupCount()) * outputFeatures
        * (batch / conv.batchGroupCount());
    Window w = conv.window().orElse(null);
    for (int s = 0; s < dn.spatialRank(); s++) {
      long inSize = in.dim(dn.inputSpatial().get(s).intValue());
      long outSize = out.dim(dn.outputSpatial().get(s).intValue());
      long kSize = kernel.dim(dn.kernelSpatial().get(s).intValue());
      WindowDimension wd = w != null && s < w.rank() ? w.dim(s) : WindowDimension.of(kSize);
      fma *= validPositions(inSize, outSize, kSize, wd);
    }
    return 2.0 * fma;
  }

  /** Largest window (taps per spatial dimension) that is costed; larger ones are rejected, not looped over. */
  static final long MAX_WINDOW = 1L << 24;

  /**
   * Number of (tap, output index) pairs of one spatial dimension that read a real input element. For each
   * tap the valid outputs form a range in which every {@code period}-th index lands on a real (undilated)
   * input element, so the count is closed-form per tap: O(window x base dilation), not O(window x output).
   */
  static long validPositions(long inSize, long outSize, long kernelSize, WindowDimension w) {
    if (kernelSize > MAX_WINDOW) {
      throw new HloValidationException("a convolution window of " + kernelSize + " taps is beyond what tpucost costs ("
          + MAX_WINDOW + ")");
    }
    long s = w.stride();
    long bd = w.baseDilation();
    long maxIndex = (inSize - 1) * bd; // largest undilated index that lands on input
    long period = bd / gcd(s % bd == 0 ? bd : s % bd, bd);
    long valid = 0;
    for (long k = 0; k < kernelSize; k++) {
      long c = k * w.windowDilation() - w.paddingLow(); // undilated index = o * s + c
      long lo = Math.max(0, ceilDiv(-c, s));
      long hi = Math.min(outSize - 1, Math.floorDiv(maxIndex - c, s));
      if (inSize <= 0 || hi < lo) {
        continue;
      }
      for (long first = lo; first < lo + period && first <= hi; first++) {
        if (Math.floorMod(first * s + c, bd) == 0) {
          valid += (hi - first) / period + 1;
        }
      }
    }
    return valid;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * Bytes of one unfused instruction, XLA's standalone rules: by default {@code sum B(operands) +
   * B(out)}; slice {@code 2 B(out)}; dynamic-slice {@code 2 B(out) + B(indices)}; dynamic-update-slice
   * {@code 2 B(update) + B(indices)}; gather {@code 2 B(out) + B(indices)}; scatter {@code 3 B(updates) +
   * B(indices)}; bitcast, get-tuple-element, parameter, constant 0; tuple its pointer table (8 bytes per
   * element). Returns {read, written}.
   */
  static double[] standaloneBytes(Computation c, Instruction i) {
    double out = i.shape().byteSize();
    switch (i.opcode()) {
      case BITCAST:
      case GET_TUPLE_ELEMENT:
      case PARAMETER:
      case CONSTANT:
        return new double[] {0, 0};
      case TUPLE:
        return new double[] {0, 8.0 * i.operandCount()};
      case SLICE:
        return new double[] {out, out};
      case DYNAMIC_SLICE:
        return new double[] {out + operandBytes(c, i, 1, i.operandCount()), out};
      case DYNAMIC_UPDATE_SLICE: {
        double update = c.operand(i, 1).shape().byteSize();
        return new double[] {update + operandBytes(c, i, 2, i.operandCount()), update};
      }
      case GATHER:
        return new double[] {out + c.operand(i, 1).shape().byteSize(), out};
      case SCATTER: {
        int n = (i.operandCount() - 1) / 2;
        double updates = operandBytes(c, i, i.operandCount() - n, i.operandCount());
        return new double[] {2 * updates + c.operand(i, n).shape().byteSize(), updates};
      }
      default:
        return new double[] {operandBytes(c, i, 0, i.operandCount()), out};
    }
  }

  private static double operandBytes(Computation c, Instruction i, int from, int to) {
    double sum = 0;
    for (int k = from; k < to; k++) {
      sum += c.operand(i, k).shape().byteSize();
    }
    return sum;
  }

  static Shape firstLeaf(Shape s) {
    while (s.isTuple() && !s.tupleShapes().isEmpty()) {
      s = s.tupleShape(0);
    }
    return s;
  }

  static long ceilLog2(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }
}
