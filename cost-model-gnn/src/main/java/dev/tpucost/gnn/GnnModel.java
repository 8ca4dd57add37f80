package dev.tpucost.gnn;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModelProvider;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.model.Interval;
import dev.tpucost.api.model.TilePrediction;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.gnn.features.ChipFeatures;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.net.Forward;
import dev.tpucost.gnn.net.Head;
import dev.tpucost.gnn.net.Lanes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The learned cost model: a trained {@link ModelFile} run by the plain-Java {@link Forward} pass. The
 * kernel's graph encoding is computed once per kernel and kept with it ({@link Kernel#derived}); with a late-join model each
 * config then costs its features and the head, so {@link #rank} shares the graph work across candidates
 * (an early-join model shares the first-layer input and re-runs the GraphSAGE layers per config). {@code gnn} predicts the log
 * runtime; {@code hybrid} predicts the log of the simulator's runtime over the analytical model's and
 * multiplies the analytical prediction by it; {@code roofline} predicts the log of the runtime over the kernel's
 * roofline bound on the chip ({@link TargetBase}). A tile is rejected as the analytical model rejects it
 * (impossible bounds, estimated VMEM overflow). Thread-safe.
 */
public final class GnnModel implements CostModel {
  private final ModelFile file;
  private final String name;
  private final ChipSpec chip;
  private final Forward forward;
  private final AnalyticalModel analytical;
  private final int[] opcodeIndex;
  private final boolean hybrid;
  /** True if the output is relative to the kernel's roofline bound ({@link TargetBase#ROOFLINE}). */
  private final boolean roofline;
  /** True if the model takes the chip's figures as inputs ({@link ChipFeatures}) and serves any chip. */
  private final boolean chipConditioned;
  /** Normalised output beyond which the model is extrapolating ({@link #EXTRAPOLATION_SIGMAS}). */
  private final double extrapolationLimit;
  /** The calibrated interval of the quantile outputs, or null if the model has none ({@link IntervalCalibration}). */
  private final IntervalCalibration interval;
  /**
   * A hybrid's weight of its learned correction on this chip ({@link IntervalCalibration#correctionWeightFor}):
   * below 1 on a chip unlike its training chips, when calibration chips showed the correction unreliable there.
   */
  private final double correctionWeight;
  /**
   * A hybrid's weight of its correction's level on this chip ({@link IntervalCalibration#levelWeightFor}): the
   * correction at a kernel's default tile is weighted by this, each tile's difference from it by
   * {@link #correctionWeight}. Equal to it unless calibration weighted the two apart.
   */
  private final double levelWeight;
  /**
   * The interval's widening for this model's chip ({@link IntervalCalibration#wideningFor}), as factors on the
   * runtime: {@code exp(-/+ widening * targetStd)}.
   */
  private final double widenDown;
  private final double widenUp;
  /** This model's key for the encodings it keeps with each kernel ({@link Kernel#derived}). */
  private final Object embeddingKey = new Object();

  /**
   * A kernel's cached encoder work: its graph and, with a late join, the kernel's share of the head's first
   * layer ({@link Forward#lateHeadInput}), with an early join its first-layer input (null otherwise); and for a
   * hybrid whose level and shape are weighted apart, {@code level}: its learned log-correction at the kernel's
   * default tile (0 if that tile is refused or the output there extrapolates: then the whole correction takes
   * the shape's weight); {@code logScale}, the log of the kernel's factor on every tile's estimate (its roofline
   * bound for a {@code roofline} model, else 0).
   */
  private record Embedded(KernelGraph graph, float[][] base, float[] headInput, float[] chipRow, double level,
      double logScale) {}

  private GnnModel(ModelFile file, ChipSpec chip, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a model needs a non-blank name");
    }
    this.name = name;
    this.chipConditioned = file.hyper().configFeatures() == ConfigFeatures.CHIP_WIDTH;
    if (!chipConditioned && !file.chip().sameHardware(chip)) {
      throw new IllegalArgumentException("the model was trained for chip " + file.chip().name() + ", not " + chip.name()
          + " (chips are compared by their hardware figures)");
    }
    TargetBase targetBase = TargetBase.ofKind(file.kind());
    if ((file.hyper().configFeatures() != ConfigFeatures.WIDTH && !chipConditioned)
        || file.nodeNorm().width() != Featurizer.NODE_FEATURES) {
      throw new IllegalArgumentException("the model's feature widths (" + file.hyper().configFeatures() + " config, "
          + file.nodeNorm().width() + " node) do not match this tpucost's (" + ConfigFeatures.WIDTH + " or, chip-conditioned, "
          + ConfigFeatures.CHIP_WIDTH + ", and " + Featurizer.NODE_FEATURES + ")");
    }
    this.file = file;
    this.chip = chip;
    this.forward = new Forward(file.hyper(), file.weights());
    this.analytical = AnalyticalModel.create(chip);
    this.hybrid = targetBase == TargetBase.ANALYTICAL;
    this.roofline = targetBase == TargetBase.ROOFLINE;
    this.extrapolationLimit = Math.max(EXTRAPOLATION_SIGMAS, EXTRAPOLATION_MIN_LOG / file.targetStd());
    this.interval = forward.head().hasQuantiles() && !file.hyper().earlyJoin()
        ? IntervalCalibration.of(file.info()).orElse(null) : null;
    double widening = interval == null ? 0 : interval.wideningFor(chip);
    this.widenDown = Math.exp(-widening * file.targetStd());
    this.widenUp = Math.exp(widening * file.targetStd());
    this.correctionWeight = interval == null || !hybrid ? 1 : interval.correctionWeightFor(chip);
    this.levelWeight = interval == null || !hybrid ? 1 : interval.levelWeightFor(chip);
    // Map this build's opcode ordinals to the model's embedding rows by name.
    Map<String, Integer> rows = new java.util.HashMap<>();
    for (int i = 0; i < file.vocabulary().size(); i++) {
      rows.put(file.vocabulary().get(i), i + 1);
    }
    Opcode[] ops = Opcode.values();
    opcodeIndex = new int[ops.length + 1];
    for (Opcode op : ops) {
      opcodeIndex[op.ordinal() + 1] = rows.getOrDefault(op.text(), 0);
    }
  }

  /** The model in {@code file}, for {@code chip} (which must be the chip it was trained for). */
  public static GnnModel of(ModelFile file, ChipSpec chip) {
    return new GnnModel(file, chip, file.kind());
  }

  /** The model in {@code file} for {@code chip}, reporting itself as {@code name} (to tell model files apart). */
  public static GnnModel of(ModelFile file, ChipSpec chip, String name) {
    return new GnnModel(file, chip, name);
  }

  /** Loads a model file for {@code chip}. */
  public static GnnModel load(Path file, ChipSpec chip) throws IOException {
    return load(file, chip, null);
  }

  /** Loads a model file for {@code chip}, named {@code name} (null: the file's kind). */
  public static GnnModel load(Path file, ChipSpec chip, String name) throws IOException {
    try {
      ModelFile f = ModelFile.load(file);
      return new GnnModel(f, chip, name == null ? f.kind() : name);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * True if a default model of {@code kind} is shipped for {@code chip} ({@link #shipped} finds it): one
   * trained for its figures, or a chip-conditioned one that serves every chip.
   */
  public static boolean hasShipped(String kind, ChipSpec chip) {
    return hasShippedForFigures(kind, chip) || GnnModel.class.getResource(shippedResource(kind, ANY_CHIP)) != null;
  }

  /** True if a default model of {@code kind} trained for {@code chip}'s own figures (a preset's) is shipped. */
  public static boolean hasShippedForFigures(String kind, ChipSpec chip) {
    return chip.matchingPreset()
        .map(p -> GnnModel.class.getResource(shippedResource(kind, p.name())) != null).orElse(false);
  }

  /** The resource name part of a shipped chip-conditioned model. */
  private static final String ANY_CHIP = "any";

  /** The jar resource of the default {@code kind} model for preset {@code preset}. */
  private static String shippedResource(String kind, String preset) {
    return "default-" + kind + "-" + preset + ".zip";
  }

  /**
   * The default model of {@code kind} shipped in the jar for {@code chip}: the one trained for the chip's
   * hardware figures ({@link ChipSpec#matchingPreset}, not its name: a chip file called {@code v4} with other
   * figures does not get v4's model), else the chip-conditioned one if it is shipped.
   */
  public static GnnModel shipped(String kind, ChipSpec chip) {
    String preset = chip.matchingPreset().map(ChipSpec::name).orElse(null);
    String resource = shippedResource(kind, preset);
    if (preset == null || GnnModel.class.getResource(resource) == null) {
      resource = shippedResource(kind, ANY_CHIP);
    }
    try (InputStream in = GnnModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no default " + kind + " model is shipped for chip " + chip.name()
            + (preset == null ? " (its figures match no preset)" : "") + " and no chip-conditioned one either; train one"
            + " with 'tpucost train' and load it from its file");
      }
      ModelFile f = ModelFile.read(in, resource);
      return new GnnModel(f, chip, f.kind());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  /** The model file's contents. */
  public ModelFile file() {
    return file;
  }

  /** Per-thread buffer of raw node features: a kernel is featurised into it, then only its encoding is kept. */
  private static final ThreadLocal<float[][]> NODE_ROWS = ThreadLocal.withInitial(() -> new float[0][]);

  private Embedded embed(Kernel k) {
    float[][] rows = NODE_ROWS.get();
    if (rows.length < k.nodeCount()) {
      rows = new float[Math.max(k.nodeCount(), 2 * rows.length)][Featurizer.NODE_FEATURES];
      NODE_ROWS.set(rows);
    }
    KernelGraph g = Featurizer.structure(k, rows);
    int[] ops = g.opcodes();
    for (int i = 0; i < ops.length; i++) {
      ops[i] = ops[i] >= 0 && ops[i] < opcodeIndex.length ? opcodeIndex[ops[i]] : 0;
    }
    float[] chipRow = chipConditioned ? ChipFeatures.of(chip, k) : null;
    double logScale = roofline ? Math.log(ChipFeatures.rooflineNanoseconds(chip, k)) : 0;
    if (file.hyper().earlyJoin()) {
      return new Embedded(g, forward.base(g, rows, file.nodeNorm()), null, chipRow, 0, logScale);
    }
    float[] headInput = forward.lateHeadInput(g, rows, file.nodeNorm());
    return new Embedded(g, null, headInput, chipRow, levelWeight == correctionWeight ? 0 : level(k, g, headInput, chipRow),
        logScale);
  }

  /**
   * The learned log-correction at the kernel's default tile ({@link dev.tpucost.api.tile.TileSpace#defaultConfig}, the
   * tile a dataset's default sample has), or 0 if the analytical model refuses it or the output extrapolates.
   */
  private double level(Kernel k, KernelGraph g, float[] headInput, float[] chipRow) {
    TileConfig def = analytical.tileSpace(k).defaultConfig();
    ConfigFeatures.Batch b = ConfigFeatures.ofAll(analytical, k, g, List.of(def), chipRow, FEATURE_BUFFERS.get());
    if (b.count() != 1) {
      return 0;
    }
    float[] out = new float[1];
    forward.head().outputsRaw(headInput, b.byFeature(), 1, b.same(), out, null, null, file.configNorm());
    return Math.abs(out[0]) <= extrapolationLimit ? out[0] * file.targetStd() + file.targetMean() : 0;
  }

  private Embedded embedded(Kernel k) {
    return k.derived(embeddingKey, Embedded.class, this::embed); // an invalid kernel's exception propagates
  }

  /**
   * How far (in the training targets' standard deviations from their mean, and at least
   * {@link #EXTRAPOLATION_MIN_LOG}) a learned output may lie before the model counts it as extrapolating and
   * answers with the analytical model's estimate instead: far outside anything it was trained on (a chip or
   * kernel unlike its training data), where a ReLU network's linear extrapolation means nothing and can
   * overflow to an infinite runtime.
   */
  static final double EXTRAPOLATION_SIGMAS = 8;

  /**
   * The least learned deviation from the training targets' mean, in log units, that counts as extrapolating:
   * a factor of 100. A hybrid's targets (log simulated / analytical) have a small deviation (0.23 for v4), so 8 of
   * them is a 6.4x correction, which the analytical model's worst kernels legitimately need (17 of the v4 random
   * test part's 205,900 samples were wrongly handed back to the analytical model with 8 alone).
   */
  static final double EXTRAPOLATION_MIN_LOG = Math.log(100);

  @Override
  public Estimate predict(Kernel kernel, TileConfig tile) {
    CostModel.checkArguments(kernel, tile);
    Run b = run(kernel, List.of(tile));
    TilePrediction p = b.predictions().get(0);
    if (p.isRefused()) {
      throw new InvalidTileException(p.refusal().orElseThrow());
    }
    Estimate est = p.interval().isPresent() ? Estimate.of(p.nanoseconds()).withInterval(p.interval().get())
        : Estimate.of(p.nanoseconds());
    return b.extrapolated()[0] ? est.withWarnings(List.of(String.format("model %s, kernel '%s', tile %s: the learned"
        + " estimate lies more than %.1f standard deviations outside the model's training targets (a chip or kernel"
        + " unlike its training data); the analytical model's estimate is given instead", name, kernel.name(), tile,
        extrapolationLimit))) : est;
  }

  /**
   * Every tile of one kernel: the kernel is analysed and encoded once (and cached), then the head runs per
   * config; a tile the analytical model refuses gets its reason; where the learned output extrapolates
   * ({@link #EXTRAPOLATION_SIGMAS}) the analytical model's estimate stands in ({@link #predict} says so).
   */
  @Override
  public List<TilePrediction> predictAll(Kernel kernel, List<TileConfig> tiles) {
    CostModel.checkArguments(kernel, tiles);
    return run(kernel, tiles).predictions();
  }

  /** Predictions, and per tile whether the analytical estimate stood in for an extrapolating learned one. */
  private record Run(List<TilePrediction> predictions, boolean[] extrapolated) {}

  /**
   * Tiles per part of {@link #run}: each part's features, head and predictions are done before the next part's,
   * its arrays staying in the core's L2 cache; as long as the head's blocks (512 configs, where its row loops run long
   * enough for C2), so one part is one block.
   */
  static final int PART = Head.BLOCK_CONFIGS;

  /** Per-thread arrays of {@link #run}'s parts. */
  private static final ThreadLocal<ConfigFeatures.Buffers> FEATURE_BUFFERS =
      ThreadLocal.withInitial(ConfigFeatures.Buffers::new);

  private Run run(Kernel kernel, List<TileConfig> tiles) {
    Embedded e = embedded(kernel);
    ConfigFeatures.Buffers buffers = FEATURE_BUFFERS.get();
    List<TilePrediction> result = new ArrayList<>(tiles.size());
    boolean[] extrapolated = new boolean[tiles.size()];
    float[] out = new float[Math.min(PART, tiles.size())];
    float[] low = interval == null ? null : new float[out.length];
    float[] high = interval == null ? null : new float[out.length];
    Nanoseconds ns = new Nanoseconds(out.length, interval != null, hybrid);
    for (int from = 0; from < tiles.size(); from += PART) {
      List<TileConfig> part = tiles.subList(from, Math.min(tiles.size(), from + PART));
      ConfigFeatures.Batch batch = ConfigFeatures.ofAll(analytical, kernel, e.graph(), part, e.chipRow(), buffers);
      int n = batch.count();
      if (e.headInput() != null) {
        // Late join: the raw features go straight in, the normaliser folded into the head.
        forward.head().outputsRaw(e.headInput(), batch.byFeature(), n, batch.same(), out, low, high, file.configNorm());
      } else {
        float[][] normalised = new float[n][];
        for (int c = 0; c < n; c++) {
          normalised[c] = file.configNorm().apply(batch.features(c));
        }
        forward.outputs(e.graph(), e.base(), null, normalised, out);
      }
      nanoseconds(batch, out, low, high, e.level(), e.logScale(), ns);
      for (int i = 0; i < part.size(); i++) {
        int c = batch.column()[i];
        if (c < 0) {
          result.add(TilePrediction.refused(part.get(i), batch.refusals()[i]));
        } else if (Math.abs(out[c]) <= extrapolationLimit) { // also false for NaN
          result.add(prediction(part.get(i), ns, c));
        } else {
          extrapolated[from + i] = true;
          // (the analytical model's own estimate, not the base the network was trained on: on a megacore they differ)
          result.add(TilePrediction.of(part.get(i), analytical.predict(kernel, part.get(i)).nanoseconds()));
        }
      }
    }
    return new Run(result, extrapolated);
  }

  /**
   * A part's runtimes in nanoseconds, per config column: the point estimate and, with an interval, the runtimes
   * of the low and high quantile outputs (each at least as far out as the point estimate; before widening).
   */
  private record Nanoseconds(double[] point, double[] low, double[] high, double[] analytical) {
    Nanoseconds(int size, boolean interval, boolean hybrid) {
      this(new double[size], interval ? new double[size] : null, interval ? new double[size] : null,
          hybrid ? new double[size] : null);
    }
  }

  /**
   * Nanoseconds of a part's network outputs into {@code ns}: {@code exp(target)} of each output's log target
   * {@code output * targetStd + targetMean}, times the analytical estimate in a hybrid (whose log-correction is
   * weighted by {@link #correctionWeight}, its level {@code level}, the kernel's log-correction at its default
   * tile, by {@link #levelWeight}: {@code levelWeight * level + correctionWeight * (target - level)}), or times the
   * kernel's roofline bound ({@code logScale}) in a {@code roofline} model; each array's exponentials in one run
   * ({@link Lanes#exp}).
   */
  private void nanoseconds(ConfigFeatures.Batch batch, float[] out, float[] low, float[] high, double level,
      double logScale, Nanoseconds ns) {
    int n = batch.count();
    double scale = correctionWeight * file.targetStd();
    double shift = correctionWeight * file.targetMean() + (levelWeight - correctionWeight) * level + logScale;
    for (int c = 0; c < n; c++) {
      ns.point()[c] = out[c] * scale + shift;
    }
    Lanes.exp(ns.point(), 0, n);
    if (low != null) {
      for (int c = 0; c < n; c++) {
        ns.low()[c] = Math.min(low[c], out[c]) * scale + shift;
        ns.high()[c] = Math.max(high[c], out[c]) * scale + shift;
      }
      Lanes.exp(ns.low(), 0, n);
      Lanes.exp(ns.high(), 0, n);
    }
    if (hybrid) {
      double[] a = ns.analytical();
      batch.analyticalNanoseconds(chip, a);
      for (int c = 0; c < n; c++) {
        ns.point()[c] *= a[c];
        if (low != null) {
          ns.low()[c] *= a[c];
          ns.high()[c] *= a[c];
        }
      }
    }
  }

  /** The prediction of the config in column {@code c}, with its calibrated interval if the model has one. */
  private TilePrediction prediction(TileConfig tile, Nanoseconds ns, int c) {
    double point = ns.point()[c];
    if (interval == null) {
      return TilePrediction.of(tile, point);
    }
    // The calibrated band around the quantile outputs, which always holds the point estimate.
    // (the widening is in target deviations of the log runtime, after any correction weight)
    double lo = Math.min(point, ns.low()[c] * widenDown);
    double hi = Math.max(point, ns.high()[c] * widenUp);
    return TilePrediction.of(tile, point, new Interval(lo, Double.isFinite(hi) ? hi : Double.MAX_VALUE,
        interval.coverage()));
  }

  /** Registers the shipped default as {@code gnn}. */
  public static final class GnnProvider implements CostModelProvider {
    @Override
    public String name() {
      return "gnn";
    }

    @Override
    public String description() {
      return "learned GraphSAGE model (Kaufman et al.), with an 80% interval; models trained for v3 and v4, a"
          + " chip-conditioned one for every other chip";
    }

    @Override
    public CostModel create(ChipSpec chip) {
      return shipped("gnn", chip);
    }
  }

  /** Registers the shipped default as {@code hybrid}. */
  public static final class HybridProvider implements CostModelProvider {
    @Override
    public String name() {
      return "hybrid";
    }

    @Override
    public String description() {
      return "analytical model corrected by a learned GraphSAGE model of its error, with an 80% interval; models"
          + " trained for v3 and v4, a chip-conditioned one for every other chip";
    }

    @Override
    public CostModel create(ChipSpec chip) {
      return shipped("hybrid", chip);
    }
  }
}
