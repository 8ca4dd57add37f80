package dev.tpucost.corpus.zoo;

import static com.google.common.base.Preconditions.checkArgument;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.ScatterDimensionNumbers;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.shape.Tile;
import dev.tpucost.hlo.binary.LiteralText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one HLO computation with shape inference: every op computes its result shape from its operands
 * and checks them (so a generator bug fails here, not in a cost model). Array results get TPU's tiled
 * layouts: row-major, {@code T(8,128)} for 32-bit types, {@code T(8,128)(2,1)} for 16-bit and
 * {@code T(8,128)(4,1)} for 8-bit types and pred, on rank >= 2. Called computations (reducers, loop
 * bodies) come from the {@link Program} the graph belongs to.
 */
public final class Graph {
  private final Program program;
  private final ComputationBuilder b;

  Graph(Program program, ComputationBuilder b) {
    this.program = program;
    this.b = b;
  }

  /** The program this graph belongs to. */
  public Program program() {
    return program;
  }

  /** An array shape of {@code type} and {@code dims} with the TPU layout. */
  public static Shape shape(ElementType type, long... dims) {
    return Shape.array(type, dims, tpuLayout(type, dims.length, null));
  }

  /** The TPU layout for rank {@code rank}, optionally with another minor-to-major order. */
  static Layout tpuLayout(ElementType type, int rank, int[] minorToMajor) {
    Layout.Builder l = Layout.builder(minorToMajor != null ? minorToMajor : Layout.rowMajor(rank).minorToMajor());
    if (rank >= 2) {
      l.addTile(Tile.of(8, 128));
      int pack = type.bits() < 32 && type.bits() > 0 ? 32 / type.bits() : 1;
      if (pack > 1) {
        l.addTile(Tile.of(pack, 1));
      }
    }
    return l.build();
  }

  /** The next parameter. */
  public Instruction param(ElementType type, long... dims) {
    return b.parameter(shape(type, dims));
  }

  /** The next parameter, of any shape (a tuple for loop state). */
  public Instruction param(Shape shape) {
    return b.parameter(shape);
  }

  /** The next parameter, with a given minor-to-major order (a transposed layout). */
  public Instruction param(ElementType type, long[] dims, int[] minorToMajor) {
    return b.parameter(Shape.array(type, dims, tpuLayout(type, dims.length, minorToMajor)));
  }

  /** A scalar constant; its value is rounded to {@code type} (see {@link LiteralText#canonical}). */
  public Instruction constant(ElementType type, String literal) {
    String value = LiteralText.canonical(literal, type);
    return b.op(Opcode.CONSTANT, Shape.scalar(type), i -> i.attribute("literal", value));
  }

  /** An elementwise unary op. */
  public Instruction unary(Opcode op, Instruction x) {
    checkArgument(op.isElementwise(), "%s is not elementwise", op);
    return b.op(op, x.shape(), x);
  }

  /** An elementwise binary op on two operands of one shape. */
  public Instruction binary(Opcode op, Instruction a, Instruction c) {
    checkArgument(a.shape().sameDimensions(c.shape()), "%s of %s and %s", op, a.shape(), c.shape());
    return b.op(op, a.shape(), a, c);
  }

  /** {@code a + c}. */
  public Instruction add(Instruction a, Instruction c) {
    return binary(Opcode.ADD, a, c);
  }

  /** {@code a * c}. */
  public Instruction mul(Instruction a, Instruction c) {
    return binary(Opcode.MULTIPLY, a, c);
  }

  /** {@code a - c}. */
  public Instruction sub(Instruction a, Instruction c) {
    return binary(Opcode.SUBTRACT, a, c);
  }

  /** {@code a / c}. */
  public Instruction div(Instruction a, Instruction c) {
    return binary(Opcode.DIVIDE, a, c);
  }

  /** A comparison, giving pred. */
  public Instruction compare(Instruction a, Instruction c, ComparisonDirection dir) {
    checkArgument(a.shape().sameDimensions(c.shape()), "compare of %s and %s", a.shape(), c.shape());
    Shape out = shape(ElementType.PRED, a.shape().dims());
    return b.op(Opcode.COMPARE, out, i -> i.comparisonDirection(dir), a, c);
  }

  /** {@code pred ? a : c}. */
  public Instruction select(Instruction pred, Instruction a, Instruction c) {
    checkArgument(a.shape().sameDimensions(c.shape()), "select of %s and %s", a.shape(), c.shape());
    return b.op(Opcode.SELECT, a.shape(), pred, a, c);
  }

  /** Element type conversion. */
  public Instruction convert(Instruction x, ElementType type) {
    return b.op(Opcode.CONVERT, shape(type, x.shape().dims()), x);
  }

  /** {@code max(x, 0)}. */
  public Instruction relu(Instruction x) {
    return binary(Opcode.MAXIMUM, x, splat(constant(x.shape().elementType(), "0"), x));
  }

  /** A scalar broadcast to {@code like}'s shape. */
  public Instruction splat(Instruction scalar, Instruction like) {
    return b.op(Opcode.BROADCAST, shape(scalar.shape().elementType(), like.shape().dims()), scalar);
  }

  /** A broadcast of {@code x} to {@code dims}; {@code mapping[i]} is the output dimension of x's dimension i. */
  public Instruction broadcast(Instruction x, long[] dims, long... mapping) {
    checkArgument(mapping.length == x.shape().rank(), "broadcast of rank %s with %s mapped dims", x.shape().rank(), mapping.length);
    for (int i = 0; i < mapping.length; i++) {
      checkArgument(dims[(int) mapping[i]] == x.shape().dim(i), "broadcast dim %s: %s vs %s", i, x.shape(), Arrays.toString(dims));
    }
    return b.op(Opcode.BROADCAST, shape(x.shape().elementType(), dims), i -> i.dimensions(mapping), x);
  }

  /** {@code x + bias} with the bias vector broadcast along the last dimension. */
  public Instruction biasAdd(Instruction x, Instruction bias) {
    long[] dims = x.shape().dims();
    return add(x, broadcast(bias, dims, dims.length - 1));
  }

  /** A reshape to {@code dims} (same element count). */
  public Instruction reshape(Instruction x, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    checkArgument(n == x.shape().elementCount(), "reshape of %s to %s", x.shape(), Arrays.toString(dims));
    return b.op(Opcode.RESHAPE, shape(x.shape().elementType(), dims), x);
  }

  /** A transpose: output dimension i is input dimension {@code perm[i]}. */
  public Instruction transpose(Instruction x, long... perm) {
    long[] dims = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      dims[i] = x.shape().dim((int) perm[i]);
    }
    return b.op(Opcode.TRANSPOSE, shape(x.shape().elementType(), dims), i -> i.dimensions(perm), x);
  }

  /**
   * A general dot. Output dims: batch, lhs free, rhs free (XLA's order); {@code out} is the result type.
   */
  public Instruction dot(Instruction lhs, Instruction rhs, long[] lhsContract, long[] rhsContract, long[] lhsBatch,
      long[] rhsBatch, ElementType out) {
    List<Long> dims = new ArrayList<>();
    for (int j = 0; j < lhsBatch.length; j++) {
      checkArgument(lhs.shape().dim((int) lhsBatch[j]) == rhs.shape().dim((int) rhsBatch[j]), "dot batch dims differ");
      dims.add(lhs.shape().dim((int) lhsBatch[j]));
    }
    for (int j = 0; j < lhsContract.length; j++) {
      checkArgument(lhs.shape().dim((int) lhsContract[j]) == rhs.shape().dim((int) rhsContract[j]),
          "dot contracts %s with %s", lhs.shape(), rhs.shape());
    }
    addFree(dims, lhs.shape(), lhsContract, lhsBatch);
    addFree(dims, rhs.shape(), rhsContract, rhsBatch);
    DotDimensionNumbers dn = new DotDimensionNumbers(boxed(lhsContract), boxed(rhsContract), boxed(lhsBatch), boxed(rhsBatch));
    return b.op(Opcode.DOT, shape(out, dims.stream().mapToLong(Long::longValue).toArray()), i -> i.dotDimensions(dn), lhs, rhs);
  }

  /** {@code [.., M, K] x [K, N]}: contracts lhs's last dimension with rhs's first. */
  public Instruction matmul(Instruction lhs, Instruction rhs, ElementType out) {
    return dot(lhs, rhs, new long[] {lhs.shape().rank() - 1}, new long[] {0}, new long[0], new long[0], out);
  }

  private static void addFree(List<Long> dims, Shape s, long[] contract, long[] batch) {
    for (int d = 0; d < s.rank(); d++) {
      if (!contains(contract, d) && !contains(batch, d)) {
        dims.add(s.dim(d));
      }
    }
  }

  /** A reduction of {@code x} over {@code dims} with {@code reducer} ("add" or "max") and init value. */
  public Instruction reduce(Instruction x, String reducer, long... dims) {
    ElementType t = x.shape().elementType();
    Instruction init = constant(t, reducer.equals("max") ? "-inf" : "0");
    List<Long> out = new ArrayList<>();
    for (int d = 0; d < x.shape().rank(); d++) {
      if (!contains(dims, d)) {
        out.add(x.shape().dim(d));
      }
    }
    long comp = program.reducer(reducer, t);
    return b.op(Opcode.REDUCE, shape(t, out.stream().mapToLong(Long::longValue).toArray()),
        i -> i.dimensions(dims).calledComputations(comp), x, init);
  }

  /** A 2-D convolution of NHWC {@code x} with HWIO {@code w}; {@code groups} > 1 for depthwise. */
  public Instruction conv2d(Instruction x, Instruction w, int stride, int pad, long groups, ElementType out) {
    Shape xs = x.shape();
    Shape ws = w.shape();
    checkArgument(xs.rank() == 4 && ws.rank() == 4, "conv2d needs NHWC and HWIO, got %s and %s", xs, ws);
    checkArgument(xs.dim(3) == ws.dim(2) * groups, "conv2d features: %s vs %s x %s groups", xs, ws, groups);
    long oh = (xs.dim(1) + 2L * pad - ws.dim(0)) / stride + 1;
    long ow = (xs.dim(2) + 2L * pad - ws.dim(1)) / stride + 1;
    checkArgument(oh > 0 && ow > 0, "conv2d output would be empty: %s * %s", xs, ws);
    WindowDimension h = WindowDimension.of(ws.dim(0), stride, pad, pad);
    WindowDimension v = WindowDimension.of(ws.dim(1), stride, pad, pad);
    return b.op(Opcode.CONVOLUTION, shape(out, xs.dim(0), oh, ow, ws.dim(3)),
        i -> i.window(Window.of(h, v)).convolutionDimensions(ConvolutionDimensionNumbers.nhwc(2)).featureGroupCount(groups),
        x, w);
  }

  /**
   * A convolution with explicit dimension numbers and window, its output shape computed as XLA does: per
   * spatial dimension {@code (in + lo + hi - dilated window) / stride + 1}, batch from the input's batch
   * dimension, features from the kernel's output feature dimension.
   */
  public Instruction convolution(Instruction x, Instruction w, ConvolutionDimensionNumbers dn, Window window,
      ElementType out) {
    Shape xs = x.shape();
    Shape ws = w.shape();
    long[] dims = new long[xs.rank()];
    dims[(int) dn.outputBatch()] = xs.dim((int) dn.inputBatch());
    dims[(int) dn.outputFeature()] = ws.dim((int) dn.kernelOutputFeature());
    for (int s = 0; s < dn.spatialRank(); s++) {
      WindowDimension d = window.dim(s);
      long in = xs.dim(dn.inputSpatial().get(s).intValue());
      long o = (in + d.paddingLow() + d.paddingHigh() - d.dilatedSize()) / d.stride() + 1;
      checkArgument(o > 0, "convolution output would be empty: %s * %s", xs, ws);
      dims[dn.outputSpatial().get(s).intValue()] = o;
    }
    return b.op(Opcode.CONVOLUTION, shape(out, dims), i -> i.window(window).convolutionDimensions(dn), x, w);
  }

  /** Max or average pooling ({@code reducer} "max" or "add") over NHWC spatial dims. */
  public Instruction pool(Instruction x, String reducer, int size, int stride) {
    Shape s = x.shape();
    long oh = (s.dim(1) - size) / stride + 1;
    long ow = (s.dim(2) - size) / stride + 1;
    Instruction init = constant(s.elementType(), reducer.equals("max") ? "-inf" : "0");
    long comp = program.reducer(reducer, s.elementType());
    Window w = Window.of(WindowDimension.of(1), WindowDimension.of(size, stride, 0, 0),
        WindowDimension.of(size, stride, 0, 0), WindowDimension.of(1));
    return b.op(Opcode.REDUCE_WINDOW, shape(s.elementType(), s.dim(0), oh, ow, s.dim(3)),
        i -> i.window(w).calledComputations(comp), x, init);
  }

  /** A static slice {@code [start, limit)} per dimension. */
  public Instruction slice(Instruction x, long[] start, long[] limit) {
    List<SliceDimension> sl = new ArrayList<>();
    long[] dims = new long[start.length];
    for (int d = 0; d < start.length; d++) {
      sl.add(new SliceDimension(start[d], limit[d], 1));
      dims[d] = limit[d] - start[d];
    }
    return b.op(Opcode.SLICE, shape(x.shape().elementType(), dims), i -> i.slice(sl), x);
  }

  /** Concatenation along {@code dim}. */
  public Instruction concat(long dim, Instruction... xs) {
    long[] dims = xs[0].shape().dims();
    long total = 0;
    for (Instruction x : xs) {
      total += x.shape().dim((int) dim);
    }
    dims[(int) dim] = total;
    return b.op(Opcode.CONCATENATE, shape(xs[0].shape().elementType(), dims), i -> i.dimensions(dim), xs);
  }

  /** Rows of {@code table [V, D]} at {@code ids [B]} (s32): an embedding lookup, result {@code [B, D]}. */
  public Instruction gatherRows(Instruction table, Instruction ids) {
    long d = table.shape().dim(1);
    long n = ids.shape().dim(0);
    GatherDimensionNumbers dn = new GatherDimensionNumbers(List.of(1L), List.of(0L), List.of(0L), 1, List.of(), List.of());
    Instruction idx = reshape(ids, n, 1);
    return b.op(Opcode.GATHER, shape(table.shape().elementType(), n, d),
        i -> i.gatherDimensions(dn).gatherSliceSizes(1, d), table, idx);
  }

  /** {@code table} with {@code updates [B, D]} added at rows {@code ids [B]}: an embedding gradient. */
  public Instruction scatterAddRows(Instruction table, Instruction ids, Instruction updates) {
    long n = ids.shape().dim(0);
    ScatterDimensionNumbers dn = new ScatterDimensionNumbers(List.of(1L), List.of(0L), List.of(0L), 1, List.of(), List.of());
    Instruction idx = reshape(ids, n, 1);
    long comp = program.reducer("add", table.shape().elementType());
    return b.op(Opcode.SCATTER, table.shape(), i -> i.scatterDimensions(dn).calledComputations(comp), table, idx, updates);
  }

  /** A dynamic slice of {@code sizes} at scalar s32 {@code starts}. */
  public Instruction dynamicSlice(Instruction x, long[] sizes, Instruction... starts) {
    Instruction[] ops = new Instruction[starts.length + 1];
    ops[0] = x;
    System.arraycopy(starts, 0, ops, 1, starts.length);
    return b.op(Opcode.DYNAMIC_SLICE, shape(x.shape().elementType(), sizes), i -> i.dynamicSliceSizes(sizes), ops);
  }

  /** {@code x} with {@code update} written at scalar s32 {@code starts}. */
  public Instruction dynamicUpdateSlice(Instruction x, Instruction update, Instruction... starts) {
    Instruction[] ops = new Instruction[starts.length + 2];
    ops[0] = x;
    ops[1] = update;
    System.arraycopy(starts, 0, ops, 2, starts.length);
    return b.op(Opcode.DYNAMIC_UPDATE_SLICE, x.shape(), ops);
  }

  /** A tuple of values. */
  public Instruction tuple(Instruction... xs) {
    List<Shape> shapes = new ArrayList<>();
    for (Instruction x : xs) {
      shapes.add(x.shape());
    }
    return b.op(Opcode.TUPLE, Shape.tuple(shapes), xs);
  }

  /** Element {@code index} of a tuple. */
  public Instruction get(Instruction tuple, int index) {
    return b.op(Opcode.GET_TUPLE_ELEMENT, tuple.shape().tupleShape(index), i -> i.tupleIndex(index), tuple);
  }

  /** A while loop over {@code state} with computations of the program. */
  public Instruction whileLoop(Instruction state, long condition, long body) {
    return b.op(Opcode.WHILE, state.shape(), i -> i.calledComputations(body, condition), state);
  }

  /** The computation built so far (root: the last instruction). */
  Computation build() {
    return b.build();
  }

  private static boolean contains(long[] a, long v) {
    for (long x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private static List<Long> boxed(long[] v) {
    List<Long> out = new ArrayList<>(v.length);
    for (long x : v) {
      out.add(x);
    }
    return out;
  }
}
