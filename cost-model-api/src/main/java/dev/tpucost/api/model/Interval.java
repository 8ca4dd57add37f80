package dev.tpucost.api.model;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A range a runtime is predicted to lie in, with the share of true runtimes such ranges held when the model
 * was calibrated ({@code coverage}: 0.8 for an 80% interval). The model's own statement of how sure it is:
 * narrow where it has seen kernels and chips like this one, wide where it has not. Immutable.
 *
 * @param lowNs lower end in nanoseconds, finite and {@code >= 0}
 * @param highNs upper end in nanoseconds, finite and {@code >= lowNs}
 * @param coverage the nominal share of true runtimes inside, in (0, 1)
 */
public record Interval(double lowNs, double highNs, double coverage) {
  /** Validates the ends and the coverage. */
  public Interval {
    checkArgument(Double.isFinite(lowNs) && lowNs >= 0, "an interval's low end must be finite and >= 0, got %s", lowNs);
    checkArgument(Double.isFinite(highNs) && highNs >= lowNs, "an interval's high end must be finite and >= its low end %s,"
        + " got %s", lowNs, highNs);
    checkArgument(coverage > 0 && coverage < 1, "an interval's coverage must lie in (0, 1), got %s", coverage);
  }

  /** True if {@code nanoseconds} lies inside (ends included). */
  public boolean contains(double nanoseconds) {
    return nanoseconds >= lowNs && nanoseconds <= highNs;
  }

  /** {@code high / low}: how many times wider the upper end is (infinite for a low end of 0). */
  public double ratio() {
    return highNs / lowNs;
  }

  @Override
  public String toString() {
    return String.format("[%.4g, %.4g] ns (%.0f%%)", lowNs, highNs, 100 * coverage);
  }
}
