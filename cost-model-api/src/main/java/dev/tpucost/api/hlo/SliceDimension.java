package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One dimension of a static slice, {@code [start:limit:stride]} in text.
 *
 * @param start first index taken
 * @param limit one past the last index
 * @param stride step between taken indices
 */
public record SliceDimension(long start, long limit, long stride) {
  /** Validates the bounds. */
  public SliceDimension {
    checkArgument(start >= 0, "slice start must be >= 0, got %s", start);
    checkArgument(limit >= start, "slice limit %s is below its start %s", limit, start);
    checkArgument(stride >= 1, "slice stride must be >= 1, got %s", stride);
  }

  /** Number of elements taken: {@code ceil((limit - start) / stride)}. */
  public long size() {
    return (limit - start + stride - 1) / stride;
  }
}
