package dev.tpucost.api.tile;

import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.shape.Tile;

/**
 * The one padding rule of tpucost: how an array sits in TPU memory, shared by the tile notation, the
 * simulator and the analytical model.
 *
 * <h2>Physical order</h2>
 * A shape with a layout keeps it. Without one, the order is row-major except that size-1 dimensions go to
 * the major end, as XLA:TPU's layout assignment does: a degenerate dimension never occupies a lane or a
 * sublane, so {@code f32[1,12,128,1]} is laid out as {@code [1,1,12,128]} and not padded to 128 lanes.
 *
 * <h2>Tiles</h2>
 * A layout that spells its tiling ({@code T(8,128)(2,1)}) is followed: its first tile pads the minor
 * dimensions (the later levels only reorder elements inside a tile, XLA's tiled-layout rule), so a bf16
 * array with {@code T(8,128)(2,1)} pads its rows to 8. Without a tiling, arrays of rank 2 and more use
 * XLA:TPU's defaults: 128 lanes, and 8 rows, or fewer for a short second-minor dimension (the next power of
 * two of its size, at least the packing of narrow types: 2 rows for 16-bit, 4 for 8-bit, as in
 * {@code T(2,128)(2,1)} and {@code T(4,128)(2,1)}); rank-1 arrays pad to 128, 256, 512 or 1024 elements
 * (the smallest that holds them, {@code T(1024)} beyond).
 *
 * <h2>Units</h2>
 * Tile-config units: the most-minor physical dimension counts {@value #LANES}-element units, the
 * second-most-minor {@value #SUBLANES}-row units, all others single elements.
 *
 * <h2>Memory spaces</h2>
 * A layout in memory space {@code S(n)}, {@code n > 0}, is on chip: {@code S(1)} is VMEM, other spaces are
 * scalar or semaphore memory. Such a buffer needs no HBM transfer ({@link #onChip}).
 */
public final class NativeTiling {
  /** Lanes of a vector register: the unit of the most-minor dimension. */
  public static final int LANES = 128;
  /** Sublanes of a vector register: the unit of the second-most-minor dimension. */
  public static final int SUBLANES = 8;

  private NativeTiling() {}

  /** Logical dimensions of {@code shape} in physical major-to-minor order (see the class comment). */
  public static int[] physicalOrder(Shape shape) {
    if (shape.layout().isPresent() || shape.rank() == 0) {
      return shape.layoutOrDefault().majorToMinor();
    }
    int rank = shape.rank();
    int[] order = new int[rank];
    int w = 0;
    for (int d = 0; d < rank; d++) {
      if (shape.dim(d) == 1) {
        order[w++] = d;
      }
    }
    for (int d = 0; d < rank; d++) {
      if (shape.dim(d) != 1) {
        order[w++] = d;
      }
    }
    return order;
  }

  /** The tile-config unit of physical position {@code pos} (0 = most major) of a rank-{@code rank} shape. */
  public static long unit(int rank, int pos) {
    if (pos == rank - 1) {
      return LANES;
    }
    if (pos == rank - 2) {
      return SUBLANES;
    }
    return 1;
  }

  /** Sizes of {@code shape}'s physical dimensions (major to minor) in tile-config units. */
  public static long[] sizeInUnits(Shape shape) {
    int[] order = physicalOrder(shape);
    long[] u = new long[order.length];
    for (int p = 0; p < order.length; p++) {
      long unit = unit(order.length, p);
      u[p] = Math.max(1, ceilDiv(shape.dim(order[p]), unit));
    }
    return u;
  }

  /** Rows of 32-bit words packed per sublane for an element width: 2 for 16-bit, 4 for 8-bit, 1 for 32+. */
  public static int packing(int bits) {
    return bits > 0 && bits < 32 ? 32 / bits : 1;
  }

  /** True if {@code shape} lives on chip (a layout in memory space {@code S(n)}, {@code n > 0}). */
  public static boolean onChip(Shape shape) {
    return shape.isArray() && shape.layout().map(l -> l.memorySpace() > 0).orElse(false);
  }

  /**
   * The row tile (second-most-minor physical dimension) of {@code shape}'s memory layout: the layout's own
   * first tile, or XLA:TPU's default (see the class comment). 1 for rank 1.
   */
  public static long rowTile(Shape shape) {
    return shape.rank() < 2 ? 1 : rowTile(shape, physicalOrder(shape)[shape.rank() - 2]);
  }

  /** {@link #rowTile(Shape)} of a shape of rank 2 or more whose second-most-minor dimension is {@code rowDim}. */
  private static long rowTile(Shape shape, int rowDim) {
    return rowTile(shape, shape.dim(rowDim), firstTile(shape));
  }

  /** The row tile of a shape of rank 2 or more with {@code rowSize} rows and its layout's first tile (or null). */
  private static long rowTile(Shape shape, long rowSize, Tile first) {
    if (first != null) {
      return first.rank() >= 2 && first.dim(first.rank() - 2) > 0 ? first.dim(first.rank() - 2) : 1;
    }
    long rows = Math.max(1, rowSize);
    long tile = Math.max(packing(shape.elementType().bits()), Long.highestOneBit(rows - 1) << 1);
    return Math.min(SUBLANES, rows == 1 ? packing(shape.elementType().bits()) : tile);
  }

  /** The lane tile (most-minor physical dimension) of {@code shape}'s memory layout (see the class comment). */
  public static long laneTile(Shape shape) {
    return shape.rank() == 0 ? 1 : laneTile(shape, firstTile(shape));
  }

  /** The lane tile of a shape of rank 1 or more and its layout's first tile (or null). */
  private static long laneTile(Shape shape, Tile first) {
    int rank = shape.rank();
    if (first != null) {
      return first.dim(first.rank() - 1) > 0 ? first.dim(first.rank() - 1) : 1;
    }
    if (rank >= 2) {
      return LANES;
    }
    long n = shape.dim(0);
    return n <= 128 ? 128 : n <= 256 ? 256 : n <= 512 ? 512 : 1024;
  }

  private static Tile firstTile(Shape shape) {
    return firstTile(shape.layout().orElse(null));
  }

  /** The layout's first tile, or null for none (or no layout). */
  private static Tile firstTile(Layout layout) {
    return layout != null && !layout.tiles().isEmpty() ? layout.tiles().get(0) : null;
  }

  /** Bytes of the whole array of {@code shape} padded to its tiles. */
  public static long paddedBytes(Shape shape) {
    Layout layout = shape.layout().orElse(null);
    long elements = shape.elementCount();
    if (layout == null || !shape.isArray() || shape.rank() == 0 || elements <= 0 || elements >= 1L << 53) {
      return paddedBytes(shape, null);
    }
    // The whole array with its layout: only the two most minor physical dimensions are rounded up, so the
    // padded count is the element count with those two replaced; one tile fetch, no loop over dimensions (the
    // featuriser asks this of every node of every new kernel: 8.7 -> 6.7 ns a shape, measured). The same
    // products in the same order as the general path below, exact in double (< 2^53); PaddedBytesTest.
    Tile first = firstTile(layout);
    long lane = shape.dim(layout.minorToMajor(0));
    double padded;
    if (shape.rank() == 1) {
      padded = roundUp(lane, laneTile(shape, first));
    } else {
      long row = shape.dim(layout.minorToMajor(1));
      padded = (double) (elements / (row * lane)) * roundUp(row, rowTile(shape, row, first))
          * roundUp(lane, laneTile(shape, first));
    }
    return (long) Math.ceil(padded * shape.elementType().bits() / 8.0);
  }

  /**
   * Bytes of a block of {@code shape}'s array with the given logical extents, padded to the array's tiles
   * (a block is moved and stored in whole tiles). Tuples and non-array shapes count their logical bytes.
   * Null {@code extents}: the whole array.
   */
  public static long paddedBytes(Shape shape, long[] extents) {
    if (!shape.isArray()) {
      return shape.byteSize();
    }
    int bits = shape.elementType().bits();
    int rank = shape.rank();
    if (rank == 0) {
      return Math.max(1, (bits + 7) / 8);
    }
    // The physical order read from the layout where there is one (no array built: the featuriser asks this of
    // every node of every new kernel), else built.
    Layout layout = shape.layout().orElse(null);
    int[] order = layout == null ? physicalOrder(shape) : null;
    long rowTile = rank < 2 ? 1 : rowTile(shape, order == null ? layout.minorToMajor(1) : order[rank - 2]);
    long laneTile = laneTile(shape);
    double elements = 1;
    for (int p = 0; p < rank; p++) {
      int d = order == null ? layout.minorToMajor(rank - 1 - p) : order[p];
      long dim = shape.dim(d);
      long e = Math.max(0, extents == null ? dim : Math.min(extents[d], dim));
      if (p == rank - 1) {
        // A rank-1 block inside a bigger array moves in lane rows; the whole array fills its tiles.
        e = roundUp(e, rank == 1 && e < shape.dim(0) ? Math.min(laneTile, LANES) : laneTile);
      } else if (p == rank - 2) {
        e = roundUp(e, rowTile);
      }
      elements *= e;
    }
    double bytes = Math.ceil(elements * bits / 8.0);
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }

  /**
   * Bytes of an f32 block of {@code shape}'s dimensions and layout with the given extents: an accumulator
   * kept across reduction steps. 0 for a non-array or a mismatched rank.
   */
  public static long f32Bytes(Shape shape, long[] extents) {
    if (!shape.isArray() || shape.rank() != extents.length) {
      return 0;
    }
    return paddedBytes(Shape.array(dev.tpucost.api.shape.ElementType.F32, shape.dims(), shape.layout().orElse(null)), extents);
  }

  /** {@code a} rounded up to a multiple of {@code m}. */
  public static long roundUpTo(long a, long m) {
    return roundUp(a, m);
  }

  /** {@code ceil(a / b)} for {@code b > 0}; 0 for {@code a <= 0}. */
  public static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }

  static long roundUp(long a, long m) {
    return ceilDiv(a, m) * m;
  }
}
