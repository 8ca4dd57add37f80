package dev.tpucost.api.tile;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableList;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The tile configurations of one kernel on one chip. Each job lives in its own class: the notation
 * ({@link TilingGeometry}: what the bounds tile, in which units), validity ({@link TileValidity}), what a
 * configuration touches ({@link #footprint}, by footprint propagation), enumeration ({@link #validConfigs})
 * and the default choice ({@link #defaultConfig}, a bounded search under the analytical closed form).
 *
 * <p>Semantics follow XLA:TPU (see {@code shared/reference/tile-config.md}): bounds need not divide (the
 * last block is partial); {@code output_bounds} tile the iteration space, which is the reduced operand of a
 * kernel whose root reduces; a weight bound below what the output tile implies streams the weight; the empty
 * configuration leaves the choice to the compiler (costed at the default). A configuration is refused only
 * when its bounds are impossible; a working set that exceeds VMEM by tpucost's estimate is a
 * {@linkplain #warnings warning}, never a refusal, since the compiler ran such configurations.
 *
 * <p>Immutable and thread-safe; construction costs one pass over the kernel, the default is computed once.
 */
public final class TileSpace {
  /** Largest input block (elements) a reduce keeps per step before it is split into reduction steps. */
  public static final long REDUCE_CHUNK_ELEMENTS = Footprints.REDUCE_CHUNK_ELEMENTS;

  /** Most units a dimension may have (see {@link TilingGeometry#MAX_UNITS}). */
  public static final long MAX_UNITS = TilingGeometry.MAX_UNITS;

  private final TilingGeometry geometry;
  private final ChipSpec chip;
  private final Supplier<TileProfile> profile;
  private final Supplier<TileConfig> blocking;
  private final Supplier<Optional<WindowConfig>> window;

  private TileSpace(Kernel kernel, ChipSpec chip) {
    this.geometry = TilingGeometry.of(kernel);
    this.chip = chip;
    this.profile = Suppliers.memoize(() -> TileProfile.of(geometry));
    this.blocking = Suppliers.memoize(() -> DefaultTile.choose(profile.get(), chip));
    this.window = Suppliers.memoize(() -> WindowConfig.of(kernel));
  }

  /**
   * The tile space of {@code kernel} on {@code chip}.
   *
   * @throws dev.tpucost.api.hlo.HloValidationException when a dimension exceeds {@link #MAX_UNITS} units
   */
  public static TileSpace of(Kernel kernel, ChipSpec chip) {
    return new TileSpace(kernel, chip);
  }

  /**
   * The kernel's tile space on {@code chip}, made once per kernel and chip (chips compared by value) and
   * kept with the kernel ({@link Kernel#derived}): every model of the same chip shares it, and it goes when
   * the kernel does. Its profile and default blocking are computed lazily, once.
   */
  public static TileSpace kept(Kernel kernel, ChipSpec chip) {
    return kernel.derived(new Key(chip), TileSpace.class, k -> of(k, chip));
  }

  /**
   * The key of {@link #kept}. Its equality tries the chip's identity first: a record's own {@code equals}
   * compares every field, and {@code rank()} looks the key up for every batch of configs.
   */
  private record Key(ChipSpec chip) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && (k.chip == chip || k.chip.equals(chip));
    }

    @Override
    public int hashCode() {
      return chip.hashCode();
    }
  }

  /** The kernel. */
  public Kernel kernel() {
    return geometry.kernel;
  }

  /** The chip. */
  public ChipSpec chip() {
    return chip;
  }

  /** What the bounds tile. */
  public TilingGeometry geometry() {
    return geometry;
  }

  /** The closed-form profile of the kernel (computed once). */
  public TileProfile profile() {
    return profile.get();
  }

  /** The array that output bounds tile: the iteration space. */
  public Shape outputShape() {
    return geometry.space;
  }

  /** The weight operand's shape, if the kernel has a dot or convolution. */
  public Optional<Shape> weightShape() {
    return geometry.weightShape();
  }

  /** Node index of the contraction whose weight kernel bounds tile, or -1. */
  public int contractionNode() {
    return geometry.contraction;
  }

  /** Space sizes in tile units, physical major to minor. */
  public long[] outputUnits() {
    return geometry.outputUnits();
  }

  /** Weight sizes in tile units, physical major to minor (empty without a contraction). */
  public long[] kernelUnits() {
    return geometry.kernelUnits();
  }

  /** Per weight physical dimension: true if its kernel bound is a free choice (a reduction dimension). */
  public boolean[] kernelReductionDims() {
    return geometry.kernelReductionDims();
  }

  /** False if the kernel has nothing to tile: its only configuration is empty. */
  public boolean tileable() {
    return geometry.tileable;
  }

  /**
   * The tile the compiler chose for the kernel, if its backend config records one (parsed once).
   *
   * @throws dev.tpucost.api.hlo.HloValidationException naming the kernel and field when it is malformed
   */
  public Optional<WindowConfig> compilerWindow() {
    return window.get();
  }

  // ---------------------------------------------------------------- validity

  /** Why {@code config}'s bounds are impossible for this kernel, or empty if they are possible. */
  public Optional<String> check(TileConfig config) {
    return TileValidity.problem(geometry, config);
  }

  /** True if {@code config}'s bounds are possible. */
  public boolean isValid(TileConfig config) {
    return check(config).isEmpty();
  }

  /**
   * Checks {@code config}.
   *
   * @throws InvalidTileException naming the kernel, the field and the problem
   */
  public void validate(TileConfig config) {
    Optional<String> problem = check(config);
    if (problem.isPresent()) {
      throw new InvalidTileException(problem.get());
    }
  }

  /**
   * What tpucost warns about for {@code config} (possible bounds): a working set that exceeds VMEM, in which
   * case the kernel is costed as streaming and spilling its blocks. Empty when nothing is amiss.
   */
  public List<String> warnings(TileConfig config) {
    TileFootprint fp = footprint(config);
    if (fp.fitsIn(chip.vmemBytes())) {
      return List.of();
    }
    return ImmutableList.of(String.format(
        "kernel '%s', tile %s: the working set of %s exceeds the %s of VMEM of chip %s by tpucost's estimate;"
            + " costed as spilling", kernel().name(), config, bytes(fp.workingSetBytes()), bytes(chip.vmemBytes()), chip.name()));
  }

  // ---------------------------------------------------------------- footprint

  /**
   * What {@code config} touches, double-buffered (the empty configuration: the default's).
   *
   * @throws InvalidTileException if a bound is impossible
   */
  public TileFootprint footprint(TileConfig config) {
    return footprint(config, TileFootprint.DEFAULT_BUFFERING);
  }

  /**
   * What {@code config} touches at the given buffering level (XLA's {@code buffering_level}).
   *
   * @throws InvalidTileException if a bound is impossible
   */
  public TileFootprint footprint(TileConfig config, int buffering) {
    checkArgument(buffering >= 1, "buffering level must be >= 1, got %s", buffering);
    validate(config);
    return Footprints.compute(geometry, effective(config), buffering);
  }

  /**
   * The blocking that is costed for {@code config} (possible bounds): itself, or for an empty configuration
   * the default's bounds (for a kernel with nothing to tile, the blocking tpucost assumes the compiler uses).
   */
  public TileConfig effective(TileConfig config) {
    if (!geometry.tileable || (config.outputRank() == 0 && config.kernelRank() == 0)) {
      return blocking.get();
    }
    return config;
  }

  // ---------------------------------------------------------------- default and enumeration

  /**
   * The configuration tpucost assumes when the caller gives none: the best under the analytical closed form
   * at its prior weights over a bounded search (see {@link DefaultTile}); for a kernel with nothing to tile,
   * the empty configuration. Computed once.
   */
  public TileConfig defaultConfig() {
    return geometry.tileable ? blocking.get() : TileConfig.EMPTY;
  }

  /**
   * Completes a partial config: an empty output or kernel side takes the default's (kernel entries implied
   * by the output tile follow the given output side). A kernel with nothing to tile resolves to the empty
   * configuration.
   */
  public TileConfig resolve(TileConfig partial) {
    if (!geometry.tileable) {
      return TileConfig.EMPTY;
    }
    boolean hasOut = partial.outputRank() > 0 || geometry.units.length == 0;
    boolean hasKernel = partial.kernelRank() > 0 || geometry.wUnits.length == 0;
    if (hasOut && hasKernel) {
      return partial;
    }
    TileConfig def = defaultConfig();
    long[] out = partial.outputRank() > 0 ? partial.outputBounds() : def.outputBounds();
    long[] k;
    if (partial.kernelRank() > 0) {
      k = partial.kernelBounds();
    } else {
      k = geometry.impliedKernelBounds(out);
      for (int p = 0; p < k.length; p++) {
        if (geometry.wReduction[p]) {
          k[p] = def.kernelBound(p);
        }
      }
    }
    return TileConfig.of(k, out, partial.inputBounds(), partial.iterationBounds());
  }

  /**
   * The config with these output bounds and these kernel bounds on the weight's reduction dimensions
   * (entries on other weight dimensions are replaced by what the output tile implies).
   */
  public TileConfig config(long[] outputBounds, long[] kernelBounds) {
    checkArgument(outputBounds.length == geometry.units.length, "%s output bounds for %s output dims",
        outputBounds.length, geometry.units.length);
    checkArgument(kernelBounds.length == geometry.wUnits.length, "%s kernel bounds for %s weight dims",
        kernelBounds.length, geometry.wUnits.length);
    return DefaultTile.config(geometry, outputBounds, kernelBounds);
  }

  /** The candidate bounds of a dimension of {@code units} units (see {@link TileEnumeration}), ascending. */
  public static long[] candidates(long units) {
    return TileEnumeration.candidates(units);
  }

  /** The divisors of a dimension of {@code units} units, ascending. */
  public static long[] divisors(long units) {
    return TileEnumeration.divisors(units);
  }

  /** Number of configs the candidate bounds span; saturates at {@link Long#MAX_VALUE}. */
  public long boundsSpaceSize() {
    return geometry.tileable ? TileEnumeration.spaceSize(geometry) : 1;
  }

  /**
   * Up to {@code limit} configs whose working set fits in VMEM, in a fixed order (see
   * {@link TileEnumeration}); a kernel with nothing to tile has the empty one.
   */
  public List<TileConfig> validConfigs(int limit) {
    return TileEnumeration.fitting(geometry, chip.vmemBytes(), limit);
  }

  static String bytes(long b) {
    if (b >= 1L << 20) {
      return String.format("%.1f MiB", b / (double) (1L << 20));
    }
    if (b >= 1L << 10) {
      return String.format("%.1f KiB", b / 1024.0);
    }
    return b + " B";
  }
}
