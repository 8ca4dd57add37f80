package dev.tpucost.api.hlo;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * A convolution or reduce-window window: one {@link WindowDimension} per spatial dimension (XLA's
 * {@code Window}).
 *
 * @param dimensions the window dimensions
 */
public record Window(List<WindowDimension> dimensions) {
  /** Copies the dimension list. */
  public Window {
    dimensions = ImmutableList.copyOf(dimensions);
  }

  /** A window of the given dimensions. */
  public static Window of(WindowDimension... dimensions) {
    return new Window(List.of(dimensions));
  }

  /** Number of window dimensions. */
  public int rank() {
    return dimensions.size();
  }

  /** Window dimension {@code i}. */
  public WindowDimension dim(int i) {
    return dimensions.get(i);
  }

  /** Product of window sizes (number of taps). */
  public long elementCount() {
    long n = 1;
    for (WindowDimension d : dimensions) {
      n *= d.size();
    }
    return n;
  }
}
