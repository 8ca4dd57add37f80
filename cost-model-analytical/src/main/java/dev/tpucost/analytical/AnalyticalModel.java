package dev.tpucost.analytical;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModelProvider;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.model.TilePrediction;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileQuantities;
import dev.tpucost.api.tile.TileSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analytical cost model ({@code analytical}): a roofline over the MXU, VPU, transcendental unit, XLU
 * and HBM with an overlap blend, per-step overhead and launch cost, from the kernel's static counts and
 * the tile's geometry ({@link TileQuantities}), with eleven constants per chip ({@link Constants}) that
 * {@link Calibration} fits to a dataset. It never calls the simulator.
 *
 * <p>Per-kernel work (the kernel's {@link TileSpace} and its profile) is done once and kept with the kernel
 * ({@link TileSpace#kept}), so it lives exactly as long as the kernel; a prediction is then a closed form in the tile, and
 * {@link #rank} shares it across candidates. A tile is rejected only if its bounds are impossible; a working
 * set over VMEM by the model's estimate is costed as spilling and reported as a warning. On a megacore the
 * cores split the output tiles, and the busiest core's share is what it costs ({@link
 * TileQuantities.CoreSplit#BUSIEST_CORE}). Thread-safe.
 */
public final class AnalyticalModel implements CostModel {
  private final ChipSpec chip;
  private final Constants constants;
  private final double[] weights;
  /** The constants of {@link #tileFeatures}' predicted cycles: those the learned models were trained with. */
  private final Constants featureConstants;
  private final double[] featureWeights;
  private final String name;

  private AnalyticalModel(ChipSpec chip, Constants constants, Constants featureConstants, String name) {
    this.chip = chip;
    this.constants = constants;
    this.weights = constants.values();
    this.featureConstants = featureConstants;
    this.featureWeights = featureConstants.values();
    this.name = name;
  }

  /**
   * This model under another name (e.g. constants from a file, told apart from the shipped ones in a
   * comparison); {@code analytical} by default.
   */
  public AnalyticalModel withName(String newName) {
    com.google.common.base.Preconditions.checkArgument(newName != null && !newName.isBlank(),
        "a model name must not be blank");
    return new AnalyticalModel(chip, constants, featureConstants, newName);
  }

  /** The model for {@code chip}: its shipped calibrated constants, or the uncalibrated priors for other chips. */
  public static AnalyticalModel create(ChipSpec chip) {
    // By hardware figures, not by name: a renamed preset keeps its constants, a chip file named like a preset
    // with other figures does not get them.
    return new AnalyticalModel(chip, constantsFor(chip), featureConstantsFor(chip), "analytical");
  }

  /**
   * The constants {@link #create}'s {@link #tileFeatures} take (the learned models' features and a hybrid's base):
   * as {@link #constantsFor}, from {@link Constants#shippedForFeatures}, so that the features stay those the shipped
   * learned models were trained on when the predicting constants are fitted again.
   */
  public static Constants featureConstantsFor(ChipSpec chip) {
    return constantsFor(chip, true);
  }

  /**
   * The constants {@link #create} uses: the chip file's {@code analytical} section if it has one, else the
   * matching preset's shipped constants, else the presets' interpolated ({@link Constants#interpolated}).
   */
  public static Constants constantsFor(ChipSpec chip) {
    return constantsFor(chip, false);
  }

  private static Constants constantsFor(ChipSpec chip, boolean features) {
    if (!chip.analytical().isEmpty()) {
      return Constants.fromMap(chip.name(), chip.analytical());
    }
    return chip.matchingPreset()
        .flatMap(p -> features ? Constants.shippedForFeatures(p.name()) : Constants.shipped(p.name()))
        .map(c -> Constants.of(chip.name(), c.values()))
        .orElseGet(() -> features ? Constants.interpolatedForFeatures(chip, ChipSpec.presets().values())
            : Constants.interpolated(chip, ChipSpec.presets().values()));
  }

  /**
   * The model for {@code chip} with the given constants, which must have been fitted for it (or name no
   * chip).
   */
  public static AnalyticalModel of(ChipSpec chip, Constants constants) {
    if (!constants.chip().isEmpty() && !constants.chip().equals(chip.name())) {
      throw new IllegalArgumentException("the constants were fitted for chip " + constants.chip() + ", not " + chip.name());
    }
    return new AnalyticalModel(chip, constants, constants, "analytical");
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
    return name;
  }

  @Override
  public ChipSpec chip() {
    return chip;
  }

  /** The constants in use. */
  public Constants constants() {
    return constants;
  }

  @Override
  public Estimate predict(Kernel kernel, TileConfig tile) {
    CostModel.checkArguments(kernel, tile);
    TileSpace s = tileSpace(kernel);
    s.validate(tile);
    TileQuantities q = quantities(s, tile);
    double ns = q.cycles(weights) / chip.clockGhz();
    Map<String, Double> breakdown = new LinkedHashMap<>();
    breakdown.put("mxu", constants.mxuEfficiency() * (q.mxuRows() + constants.mxuFill() * q.mxuPasses()));
    breakdown.put("vpu", constants.vpuEfficiency() * (q.vpuOps() + constants.moveCost() * q.moveOps()));
    breakdown.put("eup", constants.eupCost() * q.eupOps());
    breakdown.put("xlu", constants.xluCost() * q.xluOps());
    breakdown.put("memory", q.spill() * constants.memoryEfficiency() * q.memoryCycles() + constants.dmaCost() * q.dmaTransfers());
    breakdown.put("steps", q.steps());
    breakdown.put("fallback_ops", (double) s.profile().fallbackOps());
    return new Estimate(ns, breakdown, warnings(s, tile, q));
  }

  private TileQuantities quantities(TileSpace s, TileConfig tile) {
    return TileQuantities.of(s.profile(), s.effective(tile), chip, TileQuantities.CoreSplit.BUSIEST_CORE);
  }

  private List<String> warnings(TileSpace s, TileConfig tile, TileQuantities q) {
    if (q.spill() <= 1) {
      return List.of();
    }
    return List.of(String.format("kernel '%s', tile %s: estimated working set of %.1f MiB exceeds the %.1f MiB of"
        + " VMEM of chip %s; costed as spilling", s.kernel().name(), tile, q.workingSetBytes() / (1 << 20),
        chip.vmemBytes() / (double) (1 << 20), chip.name()));
  }

  /** Every tile of one kernel against one analysis of it: a runtime, or the reason a tile is refused. */
  @Override
  public List<TilePrediction> predictAll(Kernel kernel, List<TileConfig> tiles) {
    CostModel.checkArguments(kernel, tiles);
    TileSpace s = tileSpace(kernel);
    List<TilePrediction> out = new ArrayList<>(tiles.size());
    for (TileConfig t : tiles) {
      Optional<String> problem = s.check(t);
      out.add(problem.isPresent() ? TilePrediction.refused(t, problem.get())
          : TilePrediction.of(t, quantities(s, t).cycles(weights) / chip.clockGhz()));
    }
    return out;
  }

  /** Number of values {@link #tileFeatures} returns. */
  public static final int TILE_FEATURES = 12;

  /**
   * The model's view of one (kernel, tile) as features for a learned model, all non-negative counts (a
   * learned model takes their {@code log1p}): grid steps, MXU streamed rows and passes, VPU, data-movement,
   * transcendental and cross-lane vreg ops, HBM transfer cycles, DMA transfers, the estimated working set in
   * KiB, the predicted cycles, and the tile's compute padding. The bounds must be possible (see
   * {@link TileSpace#check}). Frozen as the shipped learned models were trained on them: a megacore's cores
   * share the grid evenly ({@link TileQuantities.CoreSplit#EVEN}) and the cycles take {@link #featureConstantsFor}
   * — so on a megacore the predicted cycles here differ from {@link #predict}'s.
   */
  public double[] tileFeatures(Kernel kernel, TileConfig tile) {
    TileSpace s = tileSpace(kernel);
    s.validate(tile);
    return features(s, tile);
  }

  /**
   * {@link #tileFeatures} of many tiles of one kernel, analysing the kernel once: for ranking many configs,
   * the counts of every tile in one array rather than a record per tile. The counts are written into
   * {@code reuse} if it holds at least {@code tiles.size() * TILE_FEATURES} values (the result then shares it: a
   * caller ranking many batches on one thread saves allocating the array each time), else into a new array;
   * {@code reuse} may be null.
   */
  public TileCounts tileFeaturesAll(Kernel kernel, List<TileConfig> tiles, double[] reuse) {
    TileSpace s = tileSpace(kernel);
    double[] counts = reuse != null && reuse.length >= tiles.size() * TILE_FEATURES ? reuse
        : new double[tiles.size() * TILE_FEATURES];
    String[] refusals = new String[tiles.size()];
    for (int i = 0; i < refusals.length; i++) {
      TileConfig t = tiles.get(i);
      Optional<String> problem = s.check(t);
      if (problem.isPresent()) {
        refusals[i] = problem.get();
      } else {
        features(s, t, counts, i * TILE_FEATURES);
      }
    }
    return new TileCounts(counts, refusals);
  }

  /**
   * {@link #tileFeaturesAll}'s result: tile {@code i}'s {@link #TILE_FEATURES} counts at {@code counts[i *
   * TILE_FEATURES ...]}, or why it is rejected ({@code refusals[i]}, null for an accepted tile). The arrays are
   * shared with the record, not copied.
   */
  public record TileCounts(double[] counts, String[] refusals) {
    /** True if tile {@code i} was accepted. */
    public boolean accepted(int i) {
      return refusals[i] == null;
    }

    /** Count {@code k} of accepted tile {@code i}. */
    public double count(int i, int k) {
      return counts[i * TILE_FEATURES + k];
    }
  }

  private double[] features(TileSpace s, TileConfig tile) {
    double[] out = new double[TILE_FEATURES];
    features(s, tile, out, 0);
    return out;
  }

  private void features(TileSpace s, TileConfig tile, double[] out, int at) {
    TileConfig e = s.effective(tile);
    // (the learned models' features: the cores' even split and the feature constants, as they were trained on)
    TileQuantities q = TileQuantities.of(s.profile(), e, chip, TileQuantities.CoreSplit.EVEN);
    out[at] = q.steps();
    out[at + 1] = q.mxuRows();
    out[at + 2] = q.mxuPasses();
    out[at + 3] = q.vpuOps();
    out[at + 4] = q.moveOps();
    out[at + 5] = q.eupOps();
    out[at + 6] = q.xluOps();
    out[at + 7] = q.memoryCycles();
    out[at + 8] = q.dmaTransfers();
    out[at + 9] = q.workingSetBytes() / 1024;
    out[at + 10] = q.cycles(featureWeights);
    out[at + 11] = q.computePadding();
  }

  /** Why {@code tile}'s bounds are impossible for {@code kernel}, if they are. */
  public Optional<String> check(Kernel kernel, TileConfig tile) {
    return tileSpace(kernel).check(tile);
  }

  /** Registers the model as {@code analytical}. */
  public static final class Provider implements CostModelProvider {
    @Override
    public String name() {
      return "analytical";
    }

    @Override
    public String description() {
      return "hand-written roofline with overlap, per-step and launch costs; 11 constants per chip calibrated on the (measurement-calibrated) simulator";
    }

    @Override
    public CostModel create(ChipSpec chip) {
      return AnalyticalModel.create(chip);
    }
  }
}
