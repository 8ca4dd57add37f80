package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Padding of one dimension of a pad instruction: {@code low_high_interior} in text.
 *
 * @param low elements added before (negative removes)
 * @param high elements added after (negative removes)
 * @param interior elements inserted between every two elements
 */
public record PaddingDimension(long low, long high, long interior) {
  /** Validates the interior padding. */
  public PaddingDimension {
    checkArgument(interior >= 0, "interior padding must be >= 0, got %s", interior);
  }
}
