package dev.tpucost.api.model;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.tpucost.api.tile.TileConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * One tile of a batch ({@link CostModel#predictAll}): its predicted runtime, or the reason the model refuses
 * it (its bounds are impossible for the kernel on the chip). Never both, never neither; no NaN markers.
 * Immutable.
 */
public final class TilePrediction {
  private final TileConfig tile;
  private final double nanoseconds;
  private final String refusal;
  private final Interval interval;

  private TilePrediction(TileConfig tile, double nanoseconds, String refusal, Interval interval) {
    this.tile = checkNotNull(tile, "tile");
    this.nanoseconds = nanoseconds;
    this.refusal = refusal;
    this.interval = interval;
  }

  /** A predicted runtime of {@code tile}: finite and non-negative. */
  public static TilePrediction of(TileConfig tile, double nanoseconds) {
    checkArgument(Double.isFinite(nanoseconds) && nanoseconds >= 0, "a runtime must be finite and >= 0, got %s for %s",
        nanoseconds, tile);
    return new TilePrediction(tile, nanoseconds, null, null);
  }

  /**
   * A predicted runtime of {@code tile} with the model's interval for it ({@link Interval}); the runtime
   * must lie inside it.
   */
  public static TilePrediction of(TileConfig tile, double nanoseconds, Interval interval) {
    checkArgument(Double.isFinite(nanoseconds) && nanoseconds >= 0, "a runtime must be finite and >= 0, got %s for %s",
        nanoseconds, tile);
    checkArgument(interval.contains(nanoseconds), "the runtime %s of %s lies outside its interval %s", nanoseconds, tile,
        interval);
    return new TilePrediction(tile, nanoseconds, null, interval);
  }

  /** {@code tile} refused, with the reason (e.g. {@code kernel_bounds[0]=99 is beyond ...}). */
  public static TilePrediction refused(TileConfig tile, String reason) {
    checkArgument(reason != null && !reason.isBlank(), "a refusal needs a reason");
    return new TilePrediction(tile, 0, reason, null);
  }

  /** The tile. */
  public TileConfig tile() {
    return tile;
  }

  /** True if the model refused the tile. */
  public boolean isRefused() {
    return refusal != null;
  }

  /** Why the tile was refused; empty if it has a prediction. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  /**
   * The predicted runtime in nanoseconds.
   *
   * @throws IllegalStateException naming the tile and the reason if the tile was refused
   */
  public double nanoseconds() {
    if (refusal != null) {
      throw new IllegalStateException("tile " + tile + " was refused: " + refusal);
    }
    return nanoseconds;
  }

  /** The model's interval for the runtime; empty if the model gives none or the tile was refused. */
  public Optional<Interval> interval() {
    return Optional.ofNullable(interval);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TilePrediction p && p.tile.equals(tile) && Double.compare(p.nanoseconds, nanoseconds) == 0
        && Objects.equals(p.refusal, refusal) && Objects.equals(p.interval, interval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tile, nanoseconds, refusal, interval);
  }

  @Override
  public String toString() {
    return refusal != null ? tile + ": refused (" + refusal + ")"
        : tile + ": " + nanoseconds + " ns" + (interval == null ? "" : " " + interval);
  }
}
