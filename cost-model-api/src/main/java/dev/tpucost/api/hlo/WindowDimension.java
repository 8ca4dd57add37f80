package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One spatial dimension of a convolution or reduce-window window (XLA's {@code WindowDimension}).
 *
 * @param size window (kernel) size
 * @param stride output stride
 * @param paddingLow padding before the input (may be negative)
 * @param paddingHigh padding after the input (may be negative)
 * @param windowDilation dilation of the window ({@code rhs_dilate})
 * @param baseDilation dilation of the input ({@code lhs_dilate})
 * @param reversal whether the window is reversed
 */
public record WindowDimension(
    long size,
    long stride,
    long paddingLow,
    long paddingHigh,
    long windowDilation,
    long baseDilation,
    boolean reversal) {

  /** Validates the dimension. */
  public WindowDimension {
    checkArgument(size >= 0, "window size must be >= 0, got %s", size);
    checkArgument(stride >= 1, "window stride must be >= 1, got %s", stride);
    checkArgument(windowDilation >= 1, "window dilation must be >= 1, got %s", windowDilation);
    checkArgument(baseDilation >= 1, "base dilation must be >= 1, got %s", baseDilation);
  }

  /** A window dimension of {@code size} with stride 1, no padding and no dilation. */
  public static WindowDimension of(long size) {
    return new WindowDimension(size, 1, 0, 0, 1, 1, false);
  }

  /** A window dimension with the given size, stride and symmetric-or-not padding, no dilation. */
  public static WindowDimension of(long size, long stride, long paddingLow, long paddingHigh) {
    return new WindowDimension(size, stride, paddingLow, paddingHigh, 1, 1, false);
  }

  /** The extent of the dilated window: {@code (size - 1) * windowDilation + 1}. */
  public long dilatedSize() {
    return size == 0 ? 0 : (size - 1) * windowDilation + 1;
  }
}
