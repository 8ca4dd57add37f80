package dev.tpucost.hlo.tuning;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.tpucost.api.tile.TileConfig;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One autotuning run of a kernel: the configuration tried, whether the compiler marks it as its default,
 * whether the run failed, and the measured runtime.
 *
 * @param kind what was configured: a tile ({@link Kind#TILE}) or the module's layouts ({@link Kind#LAYOUT})
 * @param tile the tile configuration of a {@link Kind#TILE} run; empty for a layout run
 * @param compilerDefault true for the configuration XLA picks without autotuning ({@code is_default})
 * @param failed true if the run failed ({@code error}); it has no runtime then
 * @param measuredNanoseconds the profiled runtime ({@code profile.compute_time_ns}); empty if the run
 *     failed or recorded none
 */
public record TuningRun(
    Kind kind, Optional<TileConfig> tile, boolean compilerDefault, boolean failed, OptionalLong measuredNanoseconds) {
  /** What a run configured. */
  public enum Kind {
    /** A per-op tile-size configuration ({@code op_config.tile_size_config}). */
    TILE,
    /** A module-level layout configuration ({@code module_config}). */
    LAYOUT
  }

  /** Checks that a tile run has a tile, a layout run none, and a runtime is positive. */
  public TuningRun {
    checkNotNull(kind, "kind");
    checkNotNull(tile, "tile");
    checkNotNull(measuredNanoseconds, "measuredNanoseconds");
    checkArgument(tile.isPresent() == (kind == Kind.TILE), "a %s run %s a tile", kind, tile.isPresent() ? "has" : "has no");
    checkArgument(measuredNanoseconds.isEmpty() || measuredNanoseconds.getAsLong() > 0,
        "a measured runtime must be > 0 ns, got %s", measuredNanoseconds);
  }

  /** True if this is a tile run that completed with a runtime: a usable (tile, measured time) sample. */
  public boolean isTileMeasurement() {
    return kind == Kind.TILE && !failed && measuredNanoseconds.isPresent();
  }
}
