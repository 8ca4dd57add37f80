package dev.tpucost.api.shape;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.math.LongMath;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An HLO shape (XLA's {@code ShapeProto}): either an array (element type, dimensions, which of them are
 * dynamic, optional layout) or a tuple of shapes; {@code token[]} and {@code opaque[]} are arrays of rank
 * 0 with a non-array element type.
 *
 * <p>A dynamic dimension holds its upper bound ({@code <=N} in text) or {@link #UNBOUNDED} ({@code ?}).
 * Immutable.
 */
public final class Shape {
  /** The size of an unbounded dynamic dimension ({@code ?} in text), as in XLA. */
  public static final long UNBOUNDED = Long.MIN_VALUE;

  private static final long[] NO_DIMS = new long[0];
  private static final boolean[] NO_DYNAMIC = new boolean[0];

  private final ElementType type;
  private final long[] dims;
  private final boolean[] dynamic;
  private final Layout layout;
  private final ImmutableList<Shape> tupleShapes;
  /** {@link #elementCount}, computed once: the cost models ask it of every shape of every kernel, often twice. */
  private final long elementCount;

  private Shape(ElementType type, long[] dims, boolean[] dynamic, Layout layout, List<Shape> tuple) {
    this.type = type;
    this.dims = dims;
    this.dynamic = dynamic;
    this.layout = layout;
    this.tupleShapes = tuple == null ? ImmutableList.of() : ImmutableList.copyOf(tuple);
    this.elementCount = countElements();
  }

  /** An array shape with static dimensions and no layout. */
  public static Shape array(ElementType type, long... dims) {
    return array(type, dims, null, null);
  }

  /** An array shape with static dimensions and the given layout (may be null). */
  public static Shape array(ElementType type, long[] dims, Layout layout) {
    return array(type, dims, null, layout);
  }

  /**
   * An array shape. {@code dynamic} may be null (all static); {@code layout} may be null (none given).
   *
   * @throws IllegalArgumentException on a negative static dimension, a dynamic flag list of the wrong
   *     length, or a layout whose rank differs from the shape's
   */
  public static Shape array(ElementType type, long[] dims, boolean[] dynamic, Layout layout) {
    checkNotNull(type, "element type");
    checkArgument(type != ElementType.TUPLE, "use Shape.tuple for tuple shapes");
    checkNotNull(dims, "dimensions");
    if (!type.isArray() && dims.length != 0) { // not checkArgument: its message arguments are built on every call
      throw new IllegalArgumentException(type.text() + " shapes have no dimensions, got " + Arrays.toString(dims));
    }
    boolean[] dyn = dynamic == null ? new boolean[dims.length] : dynamic.clone();
    checkArgument(
        dyn.length == dims.length,
        "%s dynamic-dimension flags for %s dimensions",
        dyn.length,
        dims.length);
    for (int i = 0; i < dims.length; i++) {
      checkArgument(
          dims[i] >= 0 || (dyn[i] && dims[i] == UNBOUNDED),
          "dimension %s has size %s; sizes must be >= 0 (or '?' when dynamic)",
          i,
          dims[i]);
    }
    checkArgument(
        layout == null || layout.rank() == dims.length,
        "layout %s has rank %s but the shape has %s dimensions",
        layout,
        layout == null ? 0 : layout.rank(),
        dims.length);
    return new Shape(
        type, dims.length == 0 ? NO_DIMS : dims.clone(), dims.length == 0 ? NO_DYNAMIC : dyn, layout, null);
  }

  /** A rank-0 array of {@code type}. */
  public static Shape scalar(ElementType type) {
    return array(type, NO_DIMS, null, null);
  }

  /** The {@code token[]} shape. */
  public static Shape token() {
    return scalar(ElementType.TOKEN);
  }

  /** A tuple of the given element shapes (may be empty: {@code ()}). */
  public static Shape tuple(List<Shape> elements) {
    checkNotNull(elements, "tuple elements");
    for (Shape s : elements) {
      checkNotNull(s, "tuple element");
    }
    return new Shape(ElementType.TUPLE, NO_DIMS, NO_DYNAMIC, null, elements);
  }

  /** A tuple of the given element shapes. */
  public static Shape tuple(Shape... elements) {
    return tuple(Arrays.asList(elements));
  }

  /** Parses HLO text such as {@code bf16[8,128]{1,0:T(8,128)(2,1)}}; see {@link ShapeParser}. */
  public static Shape parse(String text) {
    return ShapeParser.parseShape(text);
  }

  /** The element type ({@link ElementType#TUPLE} for tuples). */
  public ElementType elementType() {
    return type;
  }

  /** True for tuple shapes. */
  public boolean isTuple() {
    return type == ElementType.TUPLE;
  }

  /** True for array shapes whose element type holds data (not tuple, token or opaque). */
  public boolean isArray() {
    return type.isArray();
  }

  /** Number of dimensions (0 for tuples, scalars, tokens). */
  public int rank() {
    return dims.length;
  }

  /** Size of dimension {@code i} (its bound if dynamic, {@link #UNBOUNDED} if unbounded). */
  public long dim(int i) {
    return dims[i];
  }

  /** A copy of the dimension sizes. */
  public long[] dims() {
    return dims.clone();
  }

  /** True if dimension {@code i} is dynamic. */
  public boolean isDynamic(int i) {
    return dynamic[i];
  }

  /** True if any dimension is dynamic. */
  public boolean hasDynamicDimensions() {
    for (boolean d : dynamic) {
      if (d) {
        return true;
      }
    }
    return false;
  }

  /** The layout, if the shape has one. */
  public Optional<Layout> layout() {
    return Optional.ofNullable(layout);
  }

  /** The layout, or the default row-major layout when none was given. */
  public Layout layoutOrDefault() {
    return layout != null ? layout : Layout.rowMajor(dims.length);
  }

  /** This shape with another layout (arrays only). */
  public Shape withLayout(Layout newLayout) {
    checkState(!isTuple(), "a tuple shape has no layout");
    return array(type, dims, dynamic, newLayout);
  }

  /** This shape without a layout (recursively for tuples). */
  public Shape withoutLayout() {
    if (isTuple()) {
      return tuple(tupleShapes.stream().map(Shape::withoutLayout).toList());
    }
    return layout == null ? this : new Shape(type, dims, dynamic, null, null);
  }

  /** Tuple elements (empty for arrays). */
  public List<Shape> tupleShapes() {
    return tupleShapes;
  }

  /** Tuple element {@code i}. */
  public Shape tupleShape(int i) {
    checkState(isTuple(), "%s is not a tuple", this);
    return tupleShapes.get(i);
  }

  /**
   * Number of elements of an array shape (1 for scalars; bounds count for dynamic dimensions, an
   * unbounded dimension counts as 0). Saturates at {@link Long#MAX_VALUE}. 0 for tuples.
   */
  public long elementCount() {
    return elementCount;
  }

  private long countElements() {
    if (isTuple()) {
      return 0;
    }
    long n = 1;
    for (long d : dims) {
      if (d == UNBOUNDED) {
        return 0;
      }
      n = LongMath.saturatedMultiply(n, d);
    }
    return n;
  }

  /**
   * Logical size in bytes, without padding: {@code ceil(elements * bits / 8)} for arrays (element size
   * from {@code E(..)} if the layout sets one), the sum over elements for tuples, 0 for token/opaque.
   */
  public long byteSize() {
    if (isTuple()) {
      long sum = 0;
      for (Shape s : tupleShapes) {
        sum = LongMath.saturatedAdd(sum, s.byteSize());
      }
      return sum;
    }
    long bits = layout != null && layout.elementSizeInBits() > 0 ? layout.elementSizeInBits() : type.bits();
    long n = elementCount();
    if (bits == 0 || n == 0) {
      return 0;
    }
    long totalBits = LongMath.saturatedMultiply(n, bits);
    return totalBits == Long.MAX_VALUE ? Long.MAX_VALUE : totalBits / 8 + (totalBits % 8 == 0 ? 0 : 1);
  }

  /** All array leaves of this shape, depth first (the shape itself for arrays). */
  public List<Shape> leaves() {
    if (!isTuple()) {
      return List.of(this);
    }
    ImmutableList.Builder<Shape> b = ImmutableList.builder();
    for (Shape s : tupleShapes) {
      b.addAll(s.leaves());
    }
    return b.build();
  }

  /** True if the two shapes have the same element type and dimensions (layouts ignored). */
  public boolean sameDimensions(Shape other) {
    if (isTuple() || other.isTuple()) {
      if (!(isTuple() && other.isTuple()) || tupleShapes.size() != other.tupleShapes.size()) {
        return false;
      }
      for (int i = 0; i < tupleShapes.size(); i++) {
        if (!tupleShapes.get(i).sameDimensions(other.tupleShapes.get(i))) {
          return false;
        }
      }
      return true;
    }
    return type == other.type && Arrays.equals(dims, other.dims);
  }

  /** HLO text form, e.g. {@code f32[8,<=16,?]{2,1,0}} or {@code (f32[], s32[4])}. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    appendText(sb);
    return sb.toString();
  }

  /** Appends the HLO text form to {@code sb}. */
  public void appendText(StringBuilder sb) {
    if (isTuple()) {
      sb.append('(');
      for (int i = 0; i < tupleShapes.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        tupleShapes.get(i).appendText(sb);
      }
      sb.append(')');
      return;
    }
    sb.append(type.text()).append('[');
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      if (dims[i] == UNBOUNDED) {
        sb.append('?');
      } else {
        if (dynamic[i]) {
          sb.append("<=");
        }
        sb.append(dims[i]);
      }
    }
    sb.append(']');
    if (layout != null) {
      sb.append('{').append(layout.toText()).append('}');
    }
  }

  @Override
  public String toString() {
    return toText();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s
        && type == s.type
        && Arrays.equals(dims, s.dims)
        && Arrays.equals(dynamic, s.dynamic)
        && Objects.equals(layout, s.layout)
        && tupleShapes.equals(s.tupleShapes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(dims), layout, tupleShapes);
  }
}
