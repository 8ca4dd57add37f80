package dev.tpucost.api.shape;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * One level of a layout's tiling, e.g. the {@code (8,128)} of {@code T(8,128)(2,1)}: tile dimensions in
 * major-to-minor order, applied to the minor-most dimensions of the shape (XLA's {@code TileProto}).
 * {@link #COMBINE} ({@code *} in text) is XLA's wildcard that combines dimensions.
 */
public final class Tile {
  /** XLA's "combine dimension" marker, printed {@code *}. */
  public static final long COMBINE = Long.MIN_VALUE;

  private final long[] dims;

  private Tile(long[] dims) {
    this.dims = dims;
  }

  /** A tile with the given dimensions (major to minor); each is positive or {@link #COMBINE}. */
  public static Tile of(long... dims) {
    checkArgument(dims.length > 0, "a tile needs at least one dimension");
    for (long d : dims) {
      checkArgument(d > 0 || d == COMBINE, "tile dimension must be positive or '*', got %s", d);
    }
    return new Tile(dims.clone());
  }

  /** Number of tile dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Tile dimension {@code i} (major to minor). */
  public long dim(int i) {
    return dims[i];
  }

  /** A copy of the tile dimensions. */
  public long[] dims() {
    return dims.clone();
  }

  /** Text form, e.g. {@code (8,128)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(dims[i] == COMBINE ? "*" : Long.toString(dims[i]));
    }
    return sb.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tile t && Arrays.equals(dims, t.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }
}
