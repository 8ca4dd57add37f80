package dev.tpucost.api.tile;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A tile configuration in the units of XLA's TPU autotuner (TpuGraphs' {@code TileSizeConfig}):
 * {@code output_bounds} has one entry per physical dimension of the kernel's output, major to minor; the
 * two most-minor dimensions count native tiles (8 rows, 128 lanes), the others count elements.
 * {@code kernel_bounds} is the same for the weight operand of a dot or convolution; {@code input_bounds}
 * is usually empty (the compiler infers it) and {@code iteration_bounds} (the grid, when the compiler states
 * it) too. A kernel with nothing to tile has empty bounds ({@link #EMPTY}, text {@code /}).
 *
 * <p>Text form: comma lists, {@code KERNEL/OUTPUT}, {@code KERNEL/OUTPUT/INPUT} or
 * {@code KERNEL/OUTPUT/INPUT/ITERATION}; any list may be empty: {@code 3,1,24,3/6,12,4,3}, {@code /4,2},
 * {@code /}. Immutable.
 */
public final class TileConfig {
  private static final long[] NONE = new long[0];

  /** The configuration with all bounds empty. */
  public static final TileConfig EMPTY = new TileConfig(NONE, NONE, NONE, NONE);

  private final long[] kernelBounds;
  private final long[] outputBounds;
  private final long[] inputBounds;
  private final long[] iterationBounds;

  private TileConfig(long[] kernel, long[] output, long[] input, long[] iteration) {
    this.kernelBounds = kernel;
    this.outputBounds = output;
    this.inputBounds = input;
    this.iterationBounds = iteration;
  }

  /** A configuration with the given kernel and output bounds (each entry >= 1). */
  public static TileConfig of(long[] kernelBounds, long[] outputBounds) {
    return of(kernelBounds, outputBounds, NONE);
  }

  /** A configuration with the given kernel, output and input bounds (each entry >= 1). */
  public static TileConfig of(long[] kernelBounds, long[] outputBounds, long[] inputBounds) {
    return of(kernelBounds, outputBounds, inputBounds, NONE);
  }

  /** A configuration with all four lists (each entry >= 1; any list may be empty). */
  public static TileConfig of(long[] kernelBounds, long[] outputBounds, long[] inputBounds, long[] iterationBounds) {
    return new TileConfig(check(kernelBounds, "kernel_bounds"), check(outputBounds, "output_bounds"),
        check(inputBounds, "input_bounds"), check(iterationBounds, "iteration_bounds"));
  }

  /** This configuration with other input and iteration bounds (as a compiler states them). */
  public TileConfig withInputAndIteration(long[] inputBounds, long[] iterationBounds) {
    return of(kernelBounds, outputBounds, inputBounds, iterationBounds);
  }

  /** A configuration with output bounds only. */
  public static TileConfig ofOutput(long... outputBounds) {
    return of(NONE, outputBounds, NONE, NONE);
  }

  private static long[] check(long[] bounds, String field) {
    if (bounds == null || bounds.length == 0) {
      return NONE;
    }
    for (int i = 0; i < bounds.length; i++) {
      if (bounds[i] < 1) {
        throw new InvalidTileException(field + "[" + i + "] is " + bounds[i] + "; bounds must be >= 1");
      }
    }
    return bounds.clone();
  }

  /**
   * Parses {@code KERNEL/OUTPUT}, {@code KERNEL/OUTPUT/INPUT} or {@code KERNEL/OUTPUT/INPUT/ITERATION}
   * (comma lists, any may be empty).
   *
   * @throws InvalidTileException naming the field and entry that is not a positive whole number
   */
  public static TileConfig parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length < 2 || parts.length > 4) {
      throw new InvalidTileException("tile '" + text + "': expected KERNEL_BOUNDS/OUTPUT_BOUNDS[/INPUT_BOUNDS"
          + "[/ITERATION_BOUNDS]] (comma lists, any may be empty), e.g. 3,1,24,3/6,12,4,3");
    }
    return of(
        parseBounds(parts[0], "kernel_bounds"),
        parseBounds(parts[1], "output_bounds"),
        parts.length >= 3 ? parseBounds(parts[2], "input_bounds") : NONE,
        parts.length == 4 ? parseBounds(parts[3], "iteration_bounds") : NONE);
  }

  /**
   * Parses one comma list such as {@code 3,1,24,3} (empty text gives an empty list).
   *
   * @throws InvalidTileException naming {@code field} and the entry that is not a positive whole number
   */
  public static long[] parseBounds(String text, String field) {
    String t = text.trim();
    if (t.isEmpty()) {
      return NONE;
    }
    String[] items = t.split(",", -1);
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      String item = items[i].trim();
      try {
        out[i] = Long.parseLong(item);
      } catch (NumberFormatException e) {
        throw new InvalidTileException(field + "[" + i + "] is '" + item + "' in '" + text + "'; expected a positive whole number");
      }
      if (out[i] < 1) {
        throw new InvalidTileException(field + "[" + i + "] is " + out[i] + " in '" + text + "'; bounds must be >= 1");
      }
    }
    return out;
  }

  /** A comma list, e.g. {@code 3,1,24,3} (empty for no bounds). */
  public static String formatBounds(long[] bounds) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bounds.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(bounds[i]);
    }
    return sb.toString();
  }

  /** A copy of {@code kernel_bounds}. */
  public long[] kernelBounds() {
    return kernelBounds.clone();
  }

  /** A copy of {@code output_bounds}. */
  public long[] outputBounds() {
    return outputBounds.clone();
  }

  /** A copy of {@code input_bounds}. */
  public long[] inputBounds() {
    return inputBounds.clone();
  }

  /** A copy of {@code iteration_bounds} (empty unless the compiler stated them). */
  public long[] iterationBounds() {
    return iterationBounds.clone();
  }

  /** Number of kernel bounds. */
  public int kernelRank() {
    return kernelBounds.length;
  }

  /** Number of output bounds. */
  public int outputRank() {
    return outputBounds.length;
  }

  /** Kernel bound {@code i}. */
  public long kernelBound(int i) {
    return kernelBounds[i];
  }

  /** Output bound {@code i}. */
  public long outputBound(int i) {
    return outputBounds[i];
  }

  /** True if no bounds are given at all. */
  public boolean isEmpty() {
    return kernelBounds.length == 0 && outputBounds.length == 0 && inputBounds.length == 0
        && iterationBounds.length == 0;
  }

  /** Length of TpuGraphs' tile encoding ({@link #features}). */
  public static final int FEATURES = 24;

  /**
   * TpuGraphs' 24-number encoding: for kernel, output and input bounds in turn, the first 6 entries
   * (zero-padded), their sum and their product (0 for an empty list).
   */
  public float[] features() {
    float[] f = new float[FEATURES];
    features(f, 0, 1);
    return f;
  }

  /**
   * Writes {@link #features} into {@code dst}, entry {@code i} at {@code dst[offset + i * stride]}: for a caller
   * that lays many configs' encodings out feature-major (stride = the number of configs), in one pass over the
   * bounds, nothing allocated.
   */
  public void features(float[] dst, int offset, int stride) {
    checkArgument(offset >= 0 && stride >= 1 && offset + (long) (FEATURES - 1) * stride < dst.length,
        "%s entries at offset %s, stride %s do not fit in %s", FEATURES, offset, stride, dst.length);
    encode(kernelBounds, dst, offset, stride);
    encode(outputBounds, dst, offset + 8 * stride, stride);
    encode(inputBounds, dst, offset + 16 * stride, stride);
  }

  /** One side's 8 entries: the first 6 bounds (zero-padded), their sum and their product (0 if empty). */
  private static void encode(long[] bounds, float[] dst, int at, int stride) {
    long sum = 0;
    double product = bounds.length == 0 ? 0 : 1;
    for (int k = 0; k < 6; k++) {
      dst[at + k * stride] = k < bounds.length ? bounds[k] : 0;
    }
    for (long b : bounds) {
      sum += b;
      product *= b;
    }
    dst[at + 6 * stride] = sum;
    dst[at + 7 * stride] = (float) product;
  }

  /** {@code KERNEL/OUTPUT}, plus {@code /INPUT} and {@code /ITERATION} when those are given. */
  @Override
  public String toString() {
    String s = formatBounds(kernelBounds) + "/" + formatBounds(outputBounds);
    if (iterationBounds.length > 0) {
      return s + "/" + formatBounds(inputBounds) + "/" + formatBounds(iterationBounds);
    }
    return inputBounds.length == 0 ? s : s + "/" + formatBounds(inputBounds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TileConfig t
        && Arrays.equals(kernelBounds, t.kernelBounds)
        && Arrays.equals(outputBounds, t.outputBounds)
        && Arrays.equals(inputBounds, t.inputBounds)
        && Arrays.equals(iterationBounds, t.iterationBounds);
  }

  @Override
  public int hashCode() {
    return ((Arrays.hashCode(kernelBounds) * 31 + Arrays.hashCode(outputBounds)) * 31 + Arrays.hashCode(inputBounds)) * 31
        + Arrays.hashCode(iterationBounds);
  }
}
