package dev.tpucost.api.model;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A predicted kernel runtime in nanoseconds, with an optional breakdown (component name to nanoseconds
 * or cycles, as the model documents) and warnings: what the caller should know about the estimate, for
 * example that the tile's working set exceeds VMEM by tpucost's estimate and the kernel was costed as
 * spilling.
 *
 * @param nanoseconds predicted runtime, finite and {@code >= 0}
 * @param breakdown optional named components (may be empty)
 * @param warnings one line each (may be empty)
 * @param tileSource where the tile came from: {@link TileSource#GIVEN} for {@code predict(kernel, tile)}, the
 *     compiler's or the default for {@code predict(kernel)}
 * @param interval the model's interval for the runtime ({@link Interval}: e.g. 80% of true runtimes inside when it
 *     was calibrated), containing {@code nanoseconds}; empty for a model that gives none
 */
public record Estimate(double nanoseconds, Map<String, Double> breakdown, List<String> warnings, TileSource tileSource,
    Optional<Interval> interval) {
  /** Validates the runtime and its interval and copies the breakdown and warnings. */
  public Estimate {
    checkArgument(
        Double.isFinite(nanoseconds) && nanoseconds >= 0,
        "a runtime estimate must be finite and >= 0, got %s",
        nanoseconds);
    breakdown = ImmutableMap.copyOf(breakdown);
    warnings = ImmutableList.copyOf(warnings);
    com.google.common.base.Preconditions.checkNotNull(tileSource, "tileSource");
    com.google.common.base.Preconditions.checkNotNull(interval, "interval");
    checkArgument(interval.isEmpty() || interval.get().contains(nanoseconds), "the estimate %s lies outside its interval %s",
        nanoseconds, interval);
  }

  /** An estimate without an interval. */
  public Estimate(double nanoseconds, Map<String, Double> breakdown, List<String> warnings, TileSource tileSource) {
    this(nanoseconds, breakdown, warnings, tileSource, Optional.empty());
  }

  /** An estimate at a tile the caller gave. */
  public Estimate(double nanoseconds, Map<String, Double> breakdown, List<String> warnings) {
    this(nanoseconds, breakdown, warnings, TileSource.GIVEN);
  }

  /** An estimate with a breakdown and no warnings. */
  public Estimate(double nanoseconds, Map<String, Double> breakdown) {
    this(nanoseconds, breakdown, List.of());
  }

  /** An estimate without a breakdown. */
  public static Estimate of(double nanoseconds) {
    return new Estimate(nanoseconds, Map.of(), List.of());
  }

  /** This estimate with {@code more} warnings appended. */
  public Estimate withWarnings(List<String> more) {
    if (more.isEmpty()) {
      return this;
    }
    return new Estimate(nanoseconds, breakdown, ImmutableList.<String>builder().addAll(warnings).addAll(more).build(),
        tileSource, interval);
  }

  /** This estimate with {@code interval} (which must contain its runtime). */
  public Estimate withInterval(Interval interval) {
    return new Estimate(nanoseconds, breakdown, warnings, tileSource, Optional.of(interval));
  }

  /** This estimate for a tile chosen as {@code choice} says: its source, and its warnings appended. */
  public Estimate at(TileChoice choice) {
    return new Estimate(nanoseconds, breakdown, ImmutableList.<String>builder().addAll(warnings)
        .addAll(choice.warnings()).build(), choice.source(), interval);
  }
}
