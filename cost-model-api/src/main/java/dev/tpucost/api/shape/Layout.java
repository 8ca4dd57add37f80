package dev.tpucost.api.shape;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An array layout (XLA's {@code LayoutProto}): the physical dimension order ({@code minor_to_major}), the
 * tiling levels ({@code T(8,128)(2,1)}), and the optional attributes of the layout mini-language:
 * dimension level types {@code D(..)}, tail padding alignment {@code L(n)}, index and pointer types
 * {@code #(..)} and {@code *(..)}, element size {@code E(bits)}, memory space {@code S(n)}, split configs
 * {@code SC(d:i,..)}, physical shape {@code P(..)} and dynamic-shape metadata prefix bytes {@code M(n)}.
 *
 * <p>Immutable; build with {@link #of(int...)} and the {@code with*} methods, or {@link #builder}.
 */
public final class Layout {
  /** A split config {@code SC(dimension:index,index,..)}. */
  public record SplitConfig(long dimension, List<Long> splitIndices) {
    /** Validates and copies. */
    public SplitConfig {
      splitIndices = ImmutableList.copyOf(splitIndices);
    }
  }

  private final int[] minorToMajor;
  private final ImmutableList<Tile> tiles;
  private final ImmutableList<String> dimLevelTypes;
  private final long tailPaddingAlignment;
  private final ElementType indexType;
  private final ElementType pointerType;
  private final long elementSizeInBits;
  private final long memorySpace;
  private final ImmutableList<SplitConfig> splitConfigs;
  private final Shape physicalShape;
  private final long dynamicShapeMetadataPrefixBytes;

  private Layout(Builder b) {
    this.minorToMajor = b.minorToMajor;
    this.tiles = ImmutableList.copyOf(b.tiles);
    this.dimLevelTypes = ImmutableList.copyOf(b.dimLevelTypes);
    this.tailPaddingAlignment = b.tailPaddingAlignment;
    this.indexType = b.indexType;
    this.pointerType = b.pointerType;
    this.elementSizeInBits = b.elementSizeInBits;
    this.memorySpace = b.memorySpace;
    this.splitConfigs = ImmutableList.copyOf(b.splitConfigs);
    this.physicalShape = b.physicalShape;
    this.dynamicShapeMetadataPrefixBytes = b.dynamicShapeMetadataPrefixBytes;
  }

  /** A plain layout with the given minor-to-major order and nothing else. */
  public static Layout of(int... minorToMajor) {
    return builder(minorToMajor).build();
  }

  /** The default (row-major) layout for rank {@code rank}: {@code {rank-1,...,1,0}}. */
  public static Layout rowMajor(int rank) {
    int[] m2m = new int[rank];
    for (int i = 0; i < rank; i++) {
      m2m[i] = rank - 1 - i;
    }
    return of(m2m);
  }

  /** A builder starting from the given minor-to-major order. */
  public static Builder builder(int... minorToMajor) {
    return new Builder(minorToMajor);
  }

  /** A builder holding a copy of this layout. */
  public Builder toBuilder() {
    Builder b = new Builder(minorToMajor);
    b.tiles.addAll(tiles);
    b.dimLevelTypes.addAll(dimLevelTypes);
    b.tailPaddingAlignment = tailPaddingAlignment;
    b.indexType = indexType;
    b.pointerType = pointerType;
    b.elementSizeInBits = elementSizeInBits;
    b.memorySpace = memorySpace;
    b.splitConfigs.addAll(splitConfigs);
    b.physicalShape = physicalShape;
    b.dynamicShapeMetadataPrefixBytes = dynamicShapeMetadataPrefixBytes;
    return b;
  }

  /** This layout with the given tiles. */
  public Layout withTiles(Tile... tiles) {
    Builder b = toBuilder();
    b.tiles.clear();
    b.tiles.addAll(Arrays.asList(tiles));
    return b.build();
  }

  /** This layout with the given memory space ({@code S(n)}). */
  public Layout withMemorySpace(long memorySpace) {
    return toBuilder().memorySpace(memorySpace).build();
  }

  /** Number of dimensions this layout orders. */
  public int rank() {
    return minorToMajor.length;
  }

  /** The {@code i}-th entry of {@code minor_to_major}: the logical dimension that is {@code i}-th most minor. */
  public int minorToMajor(int i) {
    return minorToMajor[i];
  }

  /** A copy of {@code minor_to_major}. */
  public int[] minorToMajor() {
    return minorToMajor.clone();
  }

  /** Logical dimensions in physical major-to-minor order (the reverse of {@code minor_to_major}). */
  public int[] majorToMinor() {
    int n = minorToMajor.length;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = minorToMajor[n - 1 - i];
    }
    return out;
  }

  /** Tiling levels, outermost first (e.g. {@code (8,128)} then {@code (2,1)}). */
  public List<Tile> tiles() {
    return tiles;
  }

  /** Dimension level types from {@code D(..)}, as written (e.g. {@code D}, {@code C+}); empty if absent. */
  public List<String> dimLevelTypes() {
    return dimLevelTypes;
  }

  /** Tail padding alignment in elements ({@code L(n)}); 1 when absent. */
  public long tailPaddingAlignment() {
    return tailPaddingAlignment;
  }

  /** Index primitive type ({@code #(..)}), if set. */
  public Optional<ElementType> indexType() {
    return Optional.ofNullable(indexType);
  }

  /** Pointer primitive type ({@code *(..)}), if set. */
  public Optional<ElementType> pointerType() {
    return Optional.ofNullable(pointerType);
  }

  /** Element size in bits ({@code E(n)}); 0 means the element type's natural width. */
  public long elementSizeInBits() {
    return elementSizeInBits;
  }

  /** Memory space ({@code S(n)}); 0 is the default (HBM), 1 is VMEM on TPU. */
  public long memorySpace() {
    return memorySpace;
  }

  /** Split configs ({@code SC(..)}). */
  public List<SplitConfig> splitConfigs() {
    return splitConfigs;
  }

  /** Physical shape ({@code P(..)}), if set. */
  public Optional<Shape> physicalShape() {
    return Optional.ofNullable(physicalShape);
  }

  /** Dynamic shape metadata prefix bytes ({@code M(n)}); 0 when absent. */
  public long dynamicShapeMetadataPrefixBytes() {
    return dynamicShapeMetadataPrefixBytes;
  }

  /** True if only {@code minor_to_major} is set. */
  public boolean isPlain() {
    return tiles.isEmpty()
        && dimLevelTypes.isEmpty()
        && tailPaddingAlignment == 1
        && indexType == null
        && pointerType == null
        && elementSizeInBits == 0
        && memorySpace == 0
        && splitConfigs.isEmpty()
        && physicalShape == null
        && dynamicShapeMetadataPrefixBytes == 0;
  }

  /** HLO text form without the braces, e.g. {@code 1,0:T(8,128)(2,1)S(1)}. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < minorToMajor.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(minorToMajor[i]);
    }
    if (isPlain()) {
      return sb.toString();
    }
    sb.append(':');
    if (!dimLevelTypes.isEmpty()) {
      sb.append("D(").append(String.join(",", dimLevelTypes)).append(')');
    }
    if (!tiles.isEmpty()) {
      sb.append('T');
      tiles.forEach(sb::append);
    }
    if (tailPaddingAlignment != 1) {
      sb.append("L(").append(tailPaddingAlignment).append(')');
    }
    if (indexType != null) {
      sb.append("#(").append(indexType.text()).append(')');
    }
    if (pointerType != null) {
      sb.append("*(").append(pointerType.text()).append(')');
    }
    if (elementSizeInBits != 0) {
      sb.append("E(").append(elementSizeInBits).append(')');
    }
    if (memorySpace != 0) {
      sb.append("S(").append(memorySpace).append(')');
    }
    for (SplitConfig sc : splitConfigs) {
      sb.append("SC(").append(sc.dimension()).append(':');
      for (int i = 0; i < sc.splitIndices().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(sc.splitIndices().get(i));
      }
      sb.append(')');
    }
    if (physicalShape != null) {
      sb.append("P(").append(physicalShape.toText()).append(')');
    }
    if (dynamicShapeMetadataPrefixBytes != 0) {
      sb.append("M(").append(dynamicShapeMetadataPrefixBytes).append(')');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "{" + toText() + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Layout l
        && Arrays.equals(minorToMajor, l.minorToMajor)
        && tiles.equals(l.tiles)
        && dimLevelTypes.equals(l.dimLevelTypes)
        && tailPaddingAlignment == l.tailPaddingAlignment
        && indexType == l.indexType
        && pointerType == l.pointerType
        && elementSizeInBits == l.elementSizeInBits
        && memorySpace == l.memorySpace
        && splitConfigs.equals(l.splitConfigs)
        && Objects.equals(physicalShape, l.physicalShape)
        && dynamicShapeMetadataPrefixBytes == l.dynamicShapeMetadataPrefixBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(minorToMajor), tiles, memorySpace, elementSizeInBits);
  }

  /** Builder for {@link Layout}. */
  public static final class Builder {
    private final int[] minorToMajor;
    private final java.util.ArrayList<Tile> tiles = new java.util.ArrayList<>();
    private final java.util.ArrayList<String> dimLevelTypes = new java.util.ArrayList<>();
    private long tailPaddingAlignment = 1;
    private ElementType indexType;
    private ElementType pointerType;
    private long elementSizeInBits;
    private long memorySpace;
    private final java.util.ArrayList<SplitConfig> splitConfigs = new java.util.ArrayList<>();
    private Shape physicalShape;
    private long dynamicShapeMetadataPrefixBytes;

    private Builder(int[] minorToMajor) {
      checkNotNull(minorToMajor, "minor_to_major");
      boolean[] seen = new boolean[minorToMajor.length];
      for (int d : minorToMajor) {
        checkArgument(
            d >= 0 && d < minorToMajor.length && !seen[d],
            "minor_to_major %s is not a permutation of 0..%s",
            Arrays.toString(minorToMajor),
            minorToMajor.length - 1);
        seen[d] = true;
      }
      this.minorToMajor = minorToMajor.clone();
    }

    /** Appends a tiling level. */
    public Builder addTile(Tile tile) {
      tiles.add(checkNotNull(tile));
      return this;
    }

    /** Appends a dimension level type as written in {@code D(..)}. */
    public Builder addDimLevelType(String type) {
      dimLevelTypes.add(checkNotNull(type));
      return this;
    }

    /** Sets {@code L(n)}. */
    public Builder tailPaddingAlignment(long n) {
      checkArgument(n >= 1, "tail padding alignment must be >= 1, got %s", n);
      this.tailPaddingAlignment = n;
      return this;
    }

    /** Sets {@code #(type)}. */
    public Builder indexType(ElementType type) {
      this.indexType = type;
      return this;
    }

    /** Sets {@code *(type)}. */
    public Builder pointerType(ElementType type) {
      this.pointerType = type;
      return this;
    }

    /** Sets {@code E(bits)}. */
    public Builder elementSizeInBits(long bits) {
      checkArgument(bits >= 0, "element size in bits must be >= 0, got %s", bits);
      this.elementSizeInBits = bits;
      return this;
    }

    /** Sets {@code S(n)}. */
    public Builder memorySpace(long space) {
      checkArgument(space >= 0, "memory space must be >= 0, got %s", space);
      this.memorySpace = space;
      return this;
    }

    /** Appends {@code SC(..)}. */
    public Builder addSplitConfig(SplitConfig config) {
      splitConfigs.add(checkNotNull(config));
      return this;
    }

    /** Sets {@code P(shape)}. */
    public Builder physicalShape(Shape shape) {
      this.physicalShape = shape;
      return this;
    }

    /** Sets {@code M(n)}. */
    public Builder dynamicShapeMetadataPrefixBytes(long n) {
      checkArgument(n >= 0, "dynamic shape metadata prefix bytes must be >= 0, got %s", n);
      this.dynamicShapeMetadataPrefixBytes = n;
      return this;
    }

    /** Builds the layout. */
    public Layout build() {
      return new Layout(this);
    }
  }
}
