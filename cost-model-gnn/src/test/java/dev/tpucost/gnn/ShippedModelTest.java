package dev.tpucost.gnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.corpus.zoo.Zoo;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default models shipped in the jar: found through the SPI with no files from the user, predict and
 * rank sensibly, refuse chips they were not trained for, and a frozen copy of the first
 * model format still loads and gives the same numbers.
 */
class ShippedModelTest {
  /** The first {@code count} kernels (of at most 120 nodes) of zoo family 3's programs, after the fusion pass. */
  static List<Kernel> kernels(int count) {
    List<Kernel> out = new ArrayList<>();
    for (int p = 0; out.size() < count; p++) {
      for (Kernel k : Kernels.of(FusionPass.run(Zoo.program(3, p).module()))) {
        if (out.size() < count && k.nodeCount() <= 120) {
          out.add(k);
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnn", "hybrid"})
  void theDefaultLoadsThroughTheRegistryAndRanksLikeTheSimulatorWould(String name) {
    CostModel m = CostModels.create(name, ChipSpec.V4);
    assertThat(m.name()).isEqualTo(name);
    assertThat(CostModels.providers()).containsKey(name);
    int checked = 0;
    for (Kernel k : kernels(40)) {
      TileSpace space = TileSpace.of(k, ChipSpec.V4);
      TileConfig def = space.defaultConfig();
      double ns = m.predict(k, def).nanoseconds();
      assertThat(ns).as(k.name()).isFinite().isPositive();
      List<TileConfig> candidates = space.validConfigs(32);
      Ranking r = m.rank(k, candidates);
      assertThat(r.entries()).hasSize(candidates.size());
      if (candidates.contains(def)) {
        assertThat(r.entries().get(candidates.indexOf(def)).predictedNs())
            .isCloseTo(ns, org.assertj.core.data.Percentage.withPercentage(1e-3));
      }
      // rank() runs the blocked head over all candidates; predict() one config at a time: the same numbers within
      // float rounding (1e-5 relative).
      for (Ranking.Entry e : r.entries()) {
        assertThat(e.isValid()).isTrue();
        assertThat(e.predictedNs()).as("%s %s", k.name(), e.tile())
            .isCloseTo(m.predict(k, e.tile()).nanoseconds(), org.assertj.core.data.Percentage.withPercentage(1e-3));
      }
      checked++;
    }
    assertThat(checked).isEqualTo(40);
  }

  @Test
  void everyPresetAndAChipFileWithOtherFiguresGetAGnnAndAHybrid() {
    // Chosen by hardware figures, not by name: v3 and v4 (also renamed) get their own models; v2, v5e and a "v4"
    // with twice the bandwidth get the chip-conditioned one, which sees their figures.
    ChipSpec fakeV4 = dev.tpucost.api.chip.ChipFiles.parse("{\"base\": \"v4\", \"hbm_gbps\": 2400}", "fake.json");
    Kernel k = kernels(3).get(0);
    for (String kind : List.of("gnn", "hybrid")) {
      assertThat(GnnModel.shipped(kind, ChipSpec.V3.withName("lab-v3")).file().chip().name()).isEqualTo("v3");
      assertThat(GnnModel.shipped(kind, ChipSpec.V4).file().hyper().configFeatures()).isEqualTo(ConfigFeatures.WIDTH);
      java.util.Map<String, Double> ns = new java.util.LinkedHashMap<>();
      for (ChipSpec chip : List.of(ChipSpec.V2, ChipSpec.V5E, fakeV4)) {
        GnnModel m = (GnnModel) CostModels.create(kind, chip);
        assertThat(m.file().hyper().configFeatures()).as("%s %s", kind, chip.name()).isEqualTo(ConfigFeatures.CHIP_WIDTH);
        var e = m.predict(k);
        assertThat(e.nanoseconds()).isPositive().isFinite();
        assertThat(e.interval()).isPresent();
        assertThat(m.rank(k, TileSpace.of(k, chip).validConfigs(20)).best()).isPresent();
        ns.put(chip.name(), e.nanoseconds());
      }
      assertThat(new java.util.HashSet<>(ns.values())).as("the chip matters: %s", ns).hasSize(3);
    }
  }

  /** {@code file} with its unseen-chip correction weight set to {@code weight} (one weight, level and shape alike). */
  private static ModelFile withCorrectionWeight(ModelFile file, double weight) {
    return withLevelAndShape(file, weight, weight);
  }

  @Test
  void onAnUnseenChipAHybridWeighsItsLearnedCorrectionAsCalibrated() {
    ChipSpec far = dev.tpucost.api.chip.ChipFiles.parse("{\"base\": \"v4\", \"tensor_cores\": 1, \"megacore\": false,"
        + " \"mxus_per_core\": 8, \"clock_ghz\": 1.9, \"hbm_gbps\": 2800, \"vmem_bytes\": 67108864}", "far.json");
    ModelFile file = GnnModel.shipped("hybrid", ChipSpec.V5E).file();
    IntervalCalibration cal = IntervalCalibration.of(file.info()).orElseThrow();
    assertThat(cal.isUnseen(far)).isTrue();
    assertThat(cal.isUnseen(ChipSpec.V5E)).isFalse();
    for (double w : new double[] {0, 0.37, 1}) {
      IntervalCalibration back = IntervalCalibration.of(withCorrectionWeight(file, w).info()).orElseThrow();
      assertThat(back.correctionWeightFor(far)).isEqualTo(w);
      assertThat(back.correctionWeightFor(ChipSpec.V5E)).isEqualTo(1);
    }
    // the kernel whose learned correction is largest among a few
    GnnModel unweighted = GnnModel.of(withCorrectionWeight(file, 1), far);
    dev.tpucost.analytical.AnalyticalModel am = dev.tpucost.analytical.AnalyticalModel.create(far);
    Kernel k = kernels(8).stream().max(java.util.Comparator.comparingDouble(kk -> {
      TileConfig d = TileSpace.of(kk, far).defaultConfig();
      return Math.abs(Math.log(unweighted.predict(kk, d).nanoseconds() / base(am, kk, d)));
    })).orElseThrow();
    TileConfig tile = TileSpace.of(k, far).defaultConfig();
    double analytical = base(am, k, tile);
    double full = unweighted.predict(k, tile).nanoseconds();
    var none = GnnModel.of(withCorrectionWeight(file, 0), far).predict(k, tile);
    double half = GnnModel.of(withCorrectionWeight(file, 0.5), far).predict(k, tile).nanoseconds();
    // weight w: analytical x correction^w, so 0 is the analytical estimate and 0.5 the geometric mean
    assertThat(full).isNotCloseTo(analytical, org.assertj.core.data.Percentage.withPercentage(3));
    assertThat(none.nanoseconds()).isCloseTo(analytical, org.assertj.core.data.Percentage.withPercentage(1e-3));
    assertThat(none.interval().orElseThrow().contains(none.nanoseconds())).isTrue();
    assertThat(half).isCloseTo(Math.sqrt(full * analytical), org.assertj.core.data.Percentage.withPercentage(1e-3));
    // a training chip keeps the full correction whatever the weight
    TileConfig t5 = TileSpace.of(k, ChipSpec.V5E).defaultConfig();
    assertThat(GnnModel.of(withCorrectionWeight(file, 0), ChipSpec.V5E).predict(k, t5).nanoseconds())
        .isEqualTo(GnnModel.of(withCorrectionWeight(file, 1), ChipSpec.V5E).predict(k, t5).nanoseconds());
  }

  /** {@code file} with its unseen-chip correction weighted {@code level} at each kernel's default tile and {@code shape} across tiles. */
  private static ModelFile withLevelAndShape(ModelFile file, double level, double shape) {
    IntervalCalibration c = IntervalCalibration.of(file.info()).orElseThrow();
    com.fasterxml.jackson.databind.node.ObjectNode info =
        ((com.fasterxml.jackson.databind.node.ObjectNode) file.info()).deepCopy();
    new IntervalCalibration(c.coverage(), c.widening(), c.samples(), c.unseenChipWidening(), c.unseenChipSamples(),
        c.trainingChips(), shape, level).writeTo(info);
    return new ModelFile(file.kind(), file.hyper(), file.vocabulary(), file.nodeNorm(), file.configNorm(),
        file.targetMean(), file.targetStd(), file.chip(), info, file.weights(), file.extras());
  }

  @Test
  void onAnUnseenChipAHybridMayWeighItsCorrectionsLevelAndShapeApart() {
    ChipSpec far = dev.tpucost.api.chip.ChipFiles.parse("{\"base\": \"v4\", \"tensor_cores\": 1, \"megacore\": false,"
        + " \"mxus_per_core\": 8, \"clock_ghz\": 1.9, \"hbm_gbps\": 2800, \"vmem_bytes\": 67108864}", "far.json");
    ModelFile file = GnnModel.shipped("hybrid", ChipSpec.V5E).file();
    ModelFile apart = withLevelAndShape(file, 0, 1);
    IntervalCalibration back = IntervalCalibration.of(apart.info()).orElseThrow();
    assertThat(back.levelWeightFor(far)).isEqualTo(0);
    assertThat(back.correctionWeightFor(far)).isEqualTo(1);
    assertThat(back.levelWeightFor(ChipSpec.V5E)).isEqualTo(1);
    assertThat(IntervalCalibration.of(withCorrectionWeight(file, 0.4).info()).orElseThrow().levelWeightFor(far))
        .as("one weight: the level's is the same").isEqualTo(0.4);
    GnnModel full = GnnModel.of(withLevelAndShape(file, 1, 1), far);
    GnnModel levelOnly = GnnModel.of(withLevelAndShape(file, 1, 0), far);
    GnnModel shapeOnly = GnnModel.of(apart, far);
    dev.tpucost.analytical.AnalyticalModel am = dev.tpucost.analytical.AnalyticalModel.create(far);
    int checked = 0;
    for (Kernel k : kernels(6)) {
      TileSpace space = TileSpace.of(k, far);
      TileConfig def = space.defaultConfig();
      double a = base(am, k, def);
      double f = full.predict(k, def).nanoseconds();
      // at the default tile only the level counts: weight 0 is the analytical estimate, 1 the full correction
      assertThat(shapeOnly.predict(k, def).nanoseconds()).isCloseTo(a, org.assertj.core.data.Percentage.withPercentage(1e-3));
      assertThat(levelOnly.predict(k, def).nanoseconds()).isCloseTo(f, org.assertj.core.data.Percentage.withPercentage(1e-3));
      // elsewhere the shape keeps the full correction's ratios between tiles; the level alone moves every tile alike
      List<TileConfig> tiles = space.validConfigs(12);
      List<dev.tpucost.api.model.TilePrediction> fullAll = full.predictAll(k, tiles);
      List<dev.tpucost.api.model.TilePrediction> shapeAll = shapeOnly.predictAll(k, tiles);
      List<dev.tpucost.api.model.TilePrediction> levelAll = levelOnly.predictAll(k, tiles);
      for (int i = 0; i < tiles.size(); i++) {
        if (fullAll.get(i).isRefused()) {
          continue;
        }
        double at = base(am, k, tiles.get(i));
        assertThat(shapeAll.get(i).nanoseconds()).as("%s %s", k.name(), tiles.get(i))
            .isCloseTo(fullAll.get(i).nanoseconds() * a / f, org.assertj.core.data.Percentage.withPercentage(1e-3));
        assertThat(levelAll.get(i).nanoseconds()).isCloseTo(at * f / a, org.assertj.core.data.Percentage.withPercentage(1e-3));
        assertThat(shapeAll.get(i).interval().orElseThrow().contains(shapeAll.get(i).nanoseconds())).isTrue();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void anImpossibleTileIsRejectedNotPredicted() {
    CostModel m = CostModels.create("gnn", ChipSpec.V4);
    Kernel k = kernels(1).get(0);
    TileConfig wrongRank = TileConfig.parse("/1,1,1,1,1,1,1,1,1");
    assertThatThrownBy(() -> m.predict(k, wrongRank)).isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("output_bounds has 9 entries");
    assertThat(m.rank(k, List.of(wrongRank)).entries().get(0).error()).hasValueSatisfying(e -> assertThat(e).contains("output_bounds has 9 entries"));
    // A null argument is named, not met deep inside the model (gnn and hybrid).
    for (CostModel model : List.of(m, CostModels.create("hybrid", ChipSpec.V4))) {
      assertThatThrownBy(() -> model.predict(k, null)).isInstanceOf(NullPointerException.class)
          .hasMessageStartingWith("tile is null");
      assertThatThrownBy(() -> model.predict(null, wrongRank)).hasMessage("kernel is null");
      assertThatThrownBy(() -> model.rank(k, java.util.Arrays.asList(wrongRank, wrongRank, null)))
          .hasMessage("tiles[2] is null");
      assertThatThrownBy(() -> model.predictAll(k, null)).hasMessage("tiles is null");
    }
  }

  @Test
  void theFirstModelFormatStillLoadsAndPredictsAsItDid() throws Exception {
    ModelFile old;
    try (InputStream in = getClass().getResourceAsStream("models/gnn-v4-format1.zip")) {
      old = ModelFile.read(in, "gnn-v4-format1.zip");
    }
    assertThat(old.kind()).isEqualTo("gnn");
    assertThat(old.hyper().earlyJoin()).isFalse();
    GnnModel m = GnnModel.of(old, ChipSpec.V4);
    // The first kernels of program 3/0. Recorded when the format-1 file was frozen (2026-11-21) and
    // re-recorded on 2026-12-02, when the XLA:TPU tile semantics changed the analytical quantities and the
    // default tiles the head reads (the file itself is unchanged); re-recorded again when the simulator was
    // calibrated against TPU measurements (the analytical constants and quantities the head reads changed: f32
    // dots at one bf16 pass, bf16 default tiles of whole native tiles).
    List<Kernel> ks = kernels(3);
    double[] now = new double[3];
    for (int i = 0; i < 3; i++) {
      now[i] = m.predict(ks.get(i), TileSpace.of(ks.get(i), ChipSpec.V4).defaultConfig()).nanoseconds();
    }
    System.out.println("[ShippedModelTest] format-1 predictions: " + java.util.Arrays.toString(now));
    for (int i = 0; i < 3; i++) {
      assertThat(now[i]).isCloseTo(RECORDED[i], org.assertj.core.data.Percentage.withPercentage(1e-3));
    }
  }

  private static final double[] RECORDED = {9085.914651177527, 2972.265138168574, 2713.6371245554055};

  @Test
  void theSecondModelFormatStillLoadsAndPredictsAsItDid() throws Exception {
    ModelFile frozen;
    try (InputStream in = getClass().getResourceAsStream("models/gnn-v4-format2.zip")) {
      frozen = ModelFile.read(in, "gnn-v4-format2.zip");
    }
    assertThat(frozen.kind()).isEqualTo("gnn");
    assertThat(frozen.info().path("tile_semantics").asText()).isEqualTo("xla-tpu");
    GnnModel m = GnnModel.of(frozen, ChipSpec.V4);
    // Frozen on 2026-12-02 (the first shipped format-2 default): the first kernels of program 3/0. Re-recorded
    // when the simulator was calibrated against TPU measurements (same reasons as the format-1 file's).
    List<Kernel> ks = kernels(3);
    double[] now = new double[3];
    for (int i = 0; i < 3; i++) {
      now[i] = m.predict(ks.get(i), TileSpace.of(ks.get(i), ChipSpec.V4).defaultConfig()).nanoseconds();
    }
    System.out.println("[ShippedModelTest] format-2 predictions: " + java.util.Arrays.toString(now));
    for (int i = 0; i < 3; i++) {
      assertThat(now[i]).isCloseTo(RECORDED_2[i], org.assertj.core.data.Percentage.withPercentage(1e-3));
    }
  }

  private static final double[] RECORDED_2 = {8700.806007245315, 2929.6884680417256, 2655.1767720634057};

  @Test
  void manyConfigsWithRefusedOnesAmongThemGiveWhatOneAtATimeGives() {
    // More configs than one part of GnnModel's batches, refused ones interleaved: each answer is the one
    // predict() gives alone, in order, for a chip-trained and a chip-conditioned model.
    for (ChipSpec chip : List.of(ChipSpec.V4, ChipSpec.V5E)) {
      for (String kind : List.of("gnn", "hybrid")) {
        GnnModel m = GnnModel.shipped(kind, chip);
        Kernel k = kernels(3).get(0);
        List<TileConfig> valid = TileSpace.of(k, chip).validConfigs(300);
        List<TileConfig> tiles = new ArrayList<>();
        for (int i = 0; i < GnnModel.PART + 188; i++) {
          tiles.add(i % 7 == 3 ? TileConfig.of(new long[] {1, 1, 1, 1, 1, 1, 1, 1}, new long[] {1 << 20}) : valid.get(i % valid.size()));
        }
        List<dev.tpucost.api.model.TilePrediction> all = m.predictAll(k, tiles);
        assertThat(all).hasSize(tiles.size());
        int refused = 0;
        for (int i = 0; i < tiles.size(); i++) {
          TileConfig t = tiles.get(i);
          assertThat(all.get(i).tile()).isEqualTo(t);
          if (all.get(i).isRefused()) {
            refused++;
            assertThatThrownBy(() -> m.predict(k, t)).isInstanceOf(InvalidTileException.class)
                .hasMessage(all.get(i).refusal().orElseThrow());
          } else {
            assertThat(m.predict(k, t).nanoseconds()).as("%s %s config %d", kind, chip.name(), i)
                .isCloseTo(all.get(i).nanoseconds(), org.assertj.core.data.Percentage.withPercentage(1e-3));
          }
        }
        assertThat(refused).as("the impossible tiles, and only they").isEqualTo((tiles.size() + 3) / 7);
      }
    }
  }

  @Test
  void everyShippedModelGivesAnEightyPercentIntervalHoldingItsEstimate() {
    for (String kind : List.of("gnn", "hybrid")) {
      for (ChipSpec chip : List.of(ChipSpec.V3, ChipSpec.V4)) {
        GnnModel m = GnnModel.shipped(kind, chip);
        assertThat(IntervalCalibration.of(m.file().info())).as("%s %s", kind, chip.name()).isPresent();
        Kernel k = kernels(3).get(0);
        List<dev.tpucost.api.tile.TileConfig> tiles = TileSpace.of(k, chip).validConfigs(40);
        List<dev.tpucost.api.model.TilePrediction> all = m.predictAll(k, tiles);
        for (int i = 0; i < tiles.size(); i++) {
          dev.tpucost.api.model.Interval iv = all.get(i).interval().orElseThrow();
          assertThat(iv.coverage()).isEqualTo(0.8);
          assertThat(iv.contains(all.get(i).nanoseconds())).isTrue();
          assertThat(iv.ratio()).as("%s %s: an interval, not a point", kind, chip.name()).isGreaterThan(1.01).isLessThan(10);
          // The one-config path gives the same interval (within float rounding).
          dev.tpucost.api.model.Interval one = m.predict(k, tiles.get(i)).interval().orElseThrow();
          assertThat(one.lowNs()).isCloseTo(iv.lowNs(), org.assertj.core.data.Percentage.withPercentage(1e-3));
          assertThat(one.highNs()).isCloseTo(iv.highNs(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
      }
    }
  }

  /**
   * The v3 models' intervals are calibrated on the TPU v3 measurements (hardware wins over the simulator, whose
   * intervals held 25-73% of the measured runtimes): symmetric in log runtime around the estimate. Models for chips
   * without measurements keep the simulator's, asymmetric, from the quantile outputs.
   */
  @Test
  void theV3ModelsIntervalsAreCalibratedOnTheMeasurementsTheOthersOnTheSimulator() {
    Kernel k = kernels(3).get(0);
    for (String kind : List.of("gnn", "hybrid")) {
      for (ChipSpec chip : List.of(ChipSpec.V3, ChipSpec.V4)) {
        GnnModel m = GnnModel.shipped(kind, chip);
        boolean measured = chip.equals(ChipSpec.V3);
        assertThat(m.file().info().path("interval").path("method").asText()).as("%s %s", kind, chip.name())
            .contains(measured ? "residuals of the measurements" : "quantile regression");
        assertThat(m.file().info().path("fine_tuned").path("epochs").isInt()).isEqualTo(measured);
        for (dev.tpucost.api.model.TilePrediction p : m.predictAll(k, TileSpace.of(k, chip).validConfigs(20))) {
          dev.tpucost.api.model.Interval iv = p.interval().orElseThrow();
          double up = iv.highNs() / p.nanoseconds();
          double down = p.nanoseconds() / iv.lowNs();
          if (measured) {
            assertThat(up).as("%s v3: symmetric", kind).isCloseTo(down, org.assertj.core.data.Percentage.withPercentage(1e-3))
                .isBetween(1.1, 1.6);
          } else {
            assertThat(Math.abs(up - down)).as("%s v4: from the quantile outputs", kind).isGreaterThan(1e-4);
          }
        }
      }
    }
  }

  @Test
  void theThirdModelFormatStillLoadsAndPredictsAsItDid() throws Exception {
    ModelFile frozen;
    try (InputStream in = getClass().getResourceAsStream("models/gnn-v4-format3.zip")) {
      frozen = ModelFile.read(in, "gnn-v4-format3.zip");
    }
    // The v4 default shipped from 2026-12-02 until the narrower network replaced it (48-wide state, head
    // 64-32, format 3 with a CRC-32C): the first kernels of program 3/0, recorded when it was frozen.
    assertThat(frozen.hyper().hidden()).isEqualTo(48);
    GnnModel m = GnnModel.of(frozen, ChipSpec.V4);
    List<Kernel> ks = kernels(3);
    double[] now = new double[3];
    for (int i = 0; i < 3; i++) {
      now[i] = m.predict(ks.get(i), TileSpace.of(ks.get(i), ChipSpec.V4).defaultConfig()).nanoseconds();
    }
    System.out.println("[ShippedModelTest] format-3 predictions: " + java.util.Arrays.toString(now));
    // Trained before intervals: it gives none (an absent interval, not a made-up one).
    assertThat(m.predict(ks.get(0), TileSpace.of(ks.get(0), ChipSpec.V4).defaultConfig()).interval()).isEmpty();
    for (int i = 0; i < 3; i++) {
      assertThat(now[i]).isCloseTo(RECORDED_3[i], org.assertj.core.data.Percentage.withPercentage(1e-3));
    }
  }

  private static final double[] RECORDED_3 = {7686.088130521554, 1579.1336890582759, 1142.8403258229073};

  /**
   * A hybrid's analytical base: the analytical estimate as its features give it (on a megacore or a chip file
   * interpolated from one, not {@code analytical}'s own prediction since that learnt how the cores split the tiles).
   */
  private static double base(dev.tpucost.analytical.AnalyticalModel am, Kernel k, TileConfig tile) {
    return am.tileFeatures(k, tile)[10] / am.chip().clockGhz();
  }

  @Test
  void anExtrapolatingOutputGivesTheAnalyticalEstimateWithAWarningNeverAnInfiniteRuntime() throws Exception {
    // A network pushed far outside its training targets (as a chip unlike its training data pushed one, to an
    // infinite runtime): the analytical model answers, and predict() says so.
    for (String kind : List.of("gnn", "hybrid")) {
      ModelFile file = GnnModel.shipped(kind, ChipSpec.V4).file();
      file.weights().get("b3").data()[0] = 1e4f;
      GnnModel wild = GnnModel.of(file, ChipSpec.V4);
      Kernel k = kernels(1).get(0);
      TileConfig tile = TileSpace.of(k, ChipSpec.V4).defaultConfig();
      var analytical = dev.tpucost.analytical.AnalyticalModel.create(ChipSpec.V4).predict(k, tile);
      var est = wild.predict(k, tile);
      assertThat(est.nanoseconds()).as(kind).isFinite().isCloseTo(analytical.nanoseconds(),
          org.assertj.core.data.Percentage.withPercentage(1e-3));
      assertThat(est.warnings()).singleElement().asString().contains("standard deviations outside")
          .contains(k.name());
      assertThat(wild.rank(k, TileSpace.of(k, ChipSpec.V4).validConfigs(20)).entries())
          .allSatisfy(e -> assertThat(e.predictedNs()).isFinite());
    }
    // A hybrid correction of ~10x is large (10 of its targets' deviations) but not extrapolation: the analytical
    // model's worst kernels need it, so the learned estimate stands.
    ModelFile file = GnnModel.shipped("hybrid", ChipSpec.V4).file();
    Kernel k = kernels(1).get(0);
    TileConfig tile = TileSpace.of(k, ChipSpec.V4).defaultConfig();
    double before = GnnModel.of(file, ChipSpec.V4).predict(k, tile).nanoseconds();
    file.weights().get("b3").data()[0] += (float) (Math.log(10) / file.targetStd());
    var est = GnnModel.of(file, ChipSpec.V4).predict(k, tile);
    assertThat(est.warnings()).isEmpty();
    assertThat(est.nanoseconds() / before).isCloseTo(10, org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void aModelKeepsNoKernelAliveAfterItsCallerDropsIt() throws Exception {
    // A compiler predicts over many short-lived kernels: the encoding and tile space kept for a kernel must
    // go with it (a weak-key cache whose values reach their key kept ~65 000 of them, 1 GB, before).
    CostModel m = CostModels.create("gnn", ChipSpec.V4);
    Kernel k = kernels(1).get(0);
    java.lang.ref.WeakReference<Kernel> dropped = predictOnACopy(m, k);
    for (int i = 0; i < 50 && dropped.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertThat(dropped.get()).as("the dropped kernel was collected").isNull();
    assertThat(m.predict(k, TileSpace.of(k, ChipSpec.V4).defaultConfig()).nanoseconds()).isPositive();
  }

  private static java.lang.ref.WeakReference<Kernel> predictOnACopy(CostModel m, Kernel k) {
    Kernel copy = Kernel.of(k.name(), k.fusionKind().orElse(null), k.body(), k.calledComputations(), "copy");
    assertThat(m.rank(copy, List.of(TileSpace.of(copy, ChipSpec.V4).defaultConfig())).best()).isPresent();
    return new java.lang.ref.WeakReference<>(copy);
  }
}
