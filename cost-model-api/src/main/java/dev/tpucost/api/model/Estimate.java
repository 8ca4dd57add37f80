package dev.tpucost.api.model;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * A predicted kernel runtime in nanoseconds, with an optional breakdown (component name to nanoseconds
 * or cycles, as the model documents).
 *
 * @param nanoseconds predicted runtime, finite and {@code >= 0}
 * @param breakdown optional named components (may be empty)
 */
public record Estimate(double nanoseconds, Map<String, Double> breakdown) {
  /** Validates the runtime and copies the breakdown. */
  public Estimate {
    checkArgument(
        Double.isFinite(nanoseconds) && nanoseconds >= 0,
        "a runtime estimate must be finite and >= 0, got %s",
        nanoseconds);
    breakdown = ImmutableMap.copyOf(breakdown);
  }

  /** An estimate without a breakdown. */
  public static Estimate of(double nanoseconds) {
    return new Estimate(nanoseconds, Map.of());
  }
}
