package dev.tpucost.api.tile;

import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.shape.Tile;

/**
 * The native-tile geometry of TPU memory: arrays live in (8 sublanes x 128 lanes) tiles of 32-bit words;
 * narrower types pack several rows per sublane (bf16 two, 8-bit four), so a bf16 array pads its rows to
 * 16 and an 8-bit array to 32. A layout that spells its tiles ({@code T(8,128)(2,1)}) is followed as
 * written.
 *
 * <p>Tile-config units: the most-minor physical dimension counts {@value #LANES}-element units, the
 * second-most-minor {@value #SUBLANES}-row units, all others single elements.
 */
public final class NativeTiling {
  /** Lanes of a vector register: the unit of the most-minor dimension. */
  public static final int LANES = 128;
  /** Sublanes of a vector register: the unit of the second-most-minor dimension. */
  public static final int SUBLANES = 8;

  private NativeTiling() {}

  /** Logical dimensions of {@code shape} in physical major-to-minor order (row-major if no layout). */
  public static int[] physicalOrder(Shape shape) {
    return shape.layoutOrDefault().majorToMinor();
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

  /** Bytes of the whole array of {@code shape} padded to native tiles. */
  public static long paddedBytes(Shape shape) {
    return paddedBytes(shape, shape.dims());
  }

  /**
   * Bytes of a block of {@code shape}'s array with the given logical extents, padded to native tiles
   * (the layout's own tiles if it spells them). Tuples and non-array shapes count their logical bytes.
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
    int[] order = physicalOrder(shape);
    long rowTile;
    long laneTile;
    Layout layout = shape.layout().orElse(null);
    Tile first = layout != null && !layout.tiles().isEmpty() ? layout.tiles().get(0) : null;
    if (first != null) {
      long sub = 1;
      if (layout.tiles().size() > 1 && layout.tiles().get(1).rank() >= 1 && layout.tiles().get(1).dim(0) > 0) {
        sub = layout.tiles().get(1).dim(0);
      }
      laneTile = first.dim(first.rank() - 1) > 0 ? first.dim(first.rank() - 1) : 1;
      rowTile = first.rank() >= 2 && first.dim(first.rank() - 2) > 0 ? first.dim(first.rank() - 2) * sub : 1;
    } else {
      laneTile = LANES;
      rowTile = rank >= 2 ? (long) SUBLANES * packing(bits) : 1;
    }
    double elements = 1;
    for (int p = 0; p < rank; p++) {
      long e = Math.max(0, Math.min(extents[order[p]], shape.dim(order[p])));
      if (p == rank - 1) {
        e = roundUp(e, laneTile);
      } else if (p == rank - 2) {
        e = roundUp(e, rowTile);
      }
      elements *= e;
    }
    double bytes = Math.ceil(elements * bits / 8.0);
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }

  /** {@code a} rounded up to a multiple of {@code m}. */
  public static long roundUpTo(long a, long m) {
    return roundUp(a, m);
  }

  static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }

  static long roundUp(long a, long m) {
    return ceilDiv(a, m) * m;
  }
}
