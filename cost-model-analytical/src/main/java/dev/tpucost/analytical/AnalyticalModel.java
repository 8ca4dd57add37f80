package dev.tpucost.analytical;

import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import com.google.common.util.concurrent.UncheckedExecutionException;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModelProvider;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analytical cost model ({@code analytical}): a roofline over the MXU, VPU, transcendental unit, XLU
 * and HBM with an overlap blend, per-step overhead and launch cost, from the kernel's static counts and
 * the tile's geometry ({@link Quantities}), with eleven constants per chip ({@link Constants}) that
 * {@link Calibration} fits to a dataset. It never calls the simulator.
 *
 * <p>Per-kernel work ({@link KernelProfile}) is done once and cached (weak keys, so the cache follows the
 * kernels' lifetimes); a prediction is then a closed form in the tile, and {@link #rank} shares the
 * profile across candidates. A tile is rejected if its bounds are impossible, or if the model's estimate
 * of its double-buffered working set exceeds VMEM. Thread-safe.
 */
public final class AnalyticalModel implements CostModel {
  private final ChipSpec chip;
  private final Constants constants;
  private final LoadingCache<Kernel, KernelProfile> profiles;

  private AnalyticalModel(ChipSpec chip, Constants constants) {
    this.chip = chip;
    this.constants = constants;
    this.profiles = CacheBuilder.newBuilder().weakKeys().maximumSize(1 << 16)
        .build(CacheLoader.from(k -> new KernelProfile(k, chip)));
  }

  /** The model for {@code chip}: its shipped calibrated constants, or the uncalibrated priors for other chips. */
  public static AnalyticalModel create(ChipSpec chip) {
    return new AnalyticalModel(chip, Constants.shipped(chip.name()).orElseGet(() -> Constants.priors(chip.name())));
  }

  /**
   * The model for {@code chip} with the given constants, which must have been fitted for it (or name no
   * chip).
   */
  public static AnalyticalModel of(ChipSpec chip, Constants constants) {
    if (!constants.chip().isEmpty() && !constants.chip().equals(chip.name())) {
      throw new IllegalArgumentException("the constants were fitted for chip " + constants.chip() + ", not " + chip.name());
    }
    return new AnalyticalModel(chip, constants);
  }

  /** The model for {@code chip} with the constants in {@code file} (written by {@code tpucost calibrate}). */
  public static AnalyticalModel load(java.nio.file.Path file, ChipSpec chip) throws java.io.IOException {
    Constants c = Constants.load(file);
    try {
      return of(chip, c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "analytical";
  }

  @Override
  public ChipSpec chip() {
    return chip;
  }

  /** The constants in use. */
  public Constants constants() {
    return constants;
  }

  private KernelProfile profile(Kernel kernel) {
    try {
      return profiles.getUnchecked(kernel);
    } catch (UncheckedExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  @Override
  public Estimate predict(Kernel kernel, TileConfig tile) {
    KernelProfile k = profile(kernel);
    Optional<String> problem = problem(k, tile);
    if (problem.isPresent()) {
      throw new InvalidTileException(problem.get());
    }
    Quantities q = Quantities.of(k, tile, chip);
    double ns = q.cycles(constants) / chip.clockGhz();
    Map<String, Double> breakdown = new LinkedHashMap<>();
    breakdown.put("mxu", constants.mxuEfficiency() * (q.mxuRows() + constants.mxuFill() * q.mxuPasses()));
    breakdown.put("vpu", constants.vpuEfficiency() * (q.vpuOps() + constants.moveCost() * q.moveOps()));
    breakdown.put("eup", constants.eupCost() * q.eupOps());
    breakdown.put("xlu", constants.xluCost() * q.xluOps());
    breakdown.put("memory", constants.memoryEfficiency() * q.memoryCycles() + constants.dmaCost() * q.dmaTransfers());
    breakdown.put("steps", q.steps());
    breakdown.put("fallback_ops", (double) k.fallbackOps);
    return new Estimate(ns, breakdown);
  }

  @Override
  public double[] predictAll(Kernel kernel, List<TileConfig> tiles) {
    return nanoseconds(kernel, tiles, new String[tiles.size()]);
  }

  @Override
  public Ranking rank(Kernel kernel, List<TileConfig> tiles) {
    String[] errors = new String[tiles.size()];
    return Ranking.of(tiles, nanoseconds(kernel, tiles, errors), errors);
  }

  /** Predictions for tiles of one kernel, NaN with the reason in {@code errors} for rejected ones. */
  private double[] nanoseconds(Kernel kernel, List<TileConfig> tiles, String[] errors) {
    KernelProfile k = profile(kernel);
    double[] out = new double[tiles.size()];
    for (int i = 0; i < out.length; i++) {
      TileConfig t = tiles.get(i);
      errors[i] = problem(k, t).orElse(null);
      out[i] = errors[i] != null ? Double.NaN : Quantities.of(k, t, chip).cycles(constants) / chip.clockGhz();
    }
    return out;
  }

  /** Number of values {@link #tileFeatures} returns. */
  public static final int TILE_FEATURES = 12;

  /**
   * The model's view of one (kernel, tile) as features for a learned model, all {@code log1p} of counts:
   * grid steps, MXU streamed rows and passes, VPU, data-movement, transcendental and cross-lane vreg ops,
   * HBM transfer cycles, DMA transfers, the estimated working set in KiB, the predicted cycles, and the
   * tile's padding overhead. The bounds must be valid (see {@link TileSpace#checkBounds}).
   */
  public double[] tileFeatures(Kernel kernel, TileConfig tile) {
    return features(profile(kernel), tile);
  }

  /**
   * {@link #check} and {@link #tileFeatures} for many tiles of one kernel, analysing the kernel once: row
   * {@code i} is tile {@code i}'s features, or null with the reason in {@code problems[i]} when it is rejected.
   */
  public double[][] tileFeaturesAll(Kernel kernel, List<TileConfig> tiles, String[] problems) {
    if (problems.length != tiles.size()) {
      throw new IllegalArgumentException(problems.length + " problem slots for " + tiles.size() + " tiles");
    }
    KernelProfile k = profile(kernel);
    double[][] out = new double[tiles.size()][];
    for (int i = 0; i < out.length; i++) {
      Optional<String> problem = problem(k, tiles.get(i));
      problems[i] = problem.orElse(null);
      out[i] = problem.isPresent() ? null : features(k, tiles.get(i));
    }
    return out;
  }

  private double[] features(KernelProfile k, TileConfig tile) {
    Quantities q = Quantities.of(k, tile, chip);
    return new double[] {
      ln1p(q.steps()), ln1p(q.mxuRows()), ln1p(q.mxuPasses()), ln1p(q.vpuOps()),
      ln1p(q.moveOps()), ln1p(q.eupOps()), ln1p(q.xluOps()), ln1p(q.memoryCycles()),
      ln1p(q.dmaTransfers()), ln1p(Quantities.workingSet(k, tile) / 1024), ln1p(q.cycles(constants)),
      ln1p(Quantities.padding(k, tile))
    };
  }

  /** {@code ln(1 + x)}; {@code Math.log} is a JIT intrinsic, {@code Math.log1p} a slower library call. */
  private static double ln1p(double x) {
    return Math.log(1 + x);
  }

  /** Why {@code tile} is rejected for {@code kernel} (impossible bounds, or estimated VMEM overflow), if it is. */
  public Optional<String> check(Kernel kernel, TileConfig tile) {
    return problem(profile(kernel), tile);
  }

  /** Impossible bounds, or a working set the model estimates does not fit in VMEM. */
  private Optional<String> problem(KernelProfile k, TileConfig tile) {
    Optional<String> bounds = k.space.checkBounds(tile);
    if (bounds.isPresent()) {
      return bounds;
    }
    double ws = Quantities.workingSet(k, tile);
    if (ws > chip.vmemBytes()) {
      return Optional.of(String.format("tile %s: estimated double-buffered working set of %.1f MiB does not fit in"
          + " the %.1f MiB of VMEM of chip %s", tile, ws / (1 << 20), chip.vmemBytes() / (double) (1 << 20), chip.name()));
    }
    return Optional.empty();
  }

  /** Registers the model as {@code analytical}. */
  public static final class Provider implements CostModelProvider {
    @Override
    public String name() {
      return "analytical";
    }

    @Override
    public String description() {
      return "hand-written roofline with overlap, per-step and launch costs; 11 constants per chip calibrated on the simulator";
    }

    @Override
    public CostModel create(ChipSpec chip) {
      return AnalyticalModel.create(chip);
    }
  }
}
