package dev.tpucost.gnn.training;

import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.ConfigFeatures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.corpus.dataset.DatasetBuilder;
import dev.tpucost.corpus.dataset.DatasetOptions;
import dev.tpucost.corpus.dataset.Progress;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.corpus.zoo.Zoo;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny model trained on a tiny dataset: determinism, resumption, model files, and that it learns. */
class TrainingTest {
  @TempDir static Path dir;
  static Path data;

  static final Trainer.Options TINY = new Trainer.Options("both", "random", 2, 7, TargetBase.NONE, 8, 8, 3e-3, 0.5, 3,
      new Hyper(16, 8, 2, 16, 8, ConfigFeatures.WIDTH), 0);

  @BeforeAll
  static void dataset() throws Exception {
    data = dir.resolve("data");
    DatasetBuilder.generate(new DatasetOptions(24, 8, 1, 3, ChipSpec.V4, 2, 8, "lstm"), data, Progress.NONE);
  }

  @Test
  void oneSeedGivesOneModelAndAResumedRunEqualsAnUninterruptedOne() throws Exception {
    Path a = dir.resolve("a.zip");
    Path b = dir.resolve("b.zip");
    List<String> logA = new ArrayList<>();
    Trainer.train(data, TINY, a, false, logA::add);
    Trainer.train(data, TINY, b, false, line -> {});
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(logA).anyMatch(l -> l.startsWith("epoch 1/2")).anyMatch(l -> l.startsWith("kept epoch"));

    Path c = dir.resolve("c.zip");
    assertThatThrownBy(() -> Trainer.train(data, TINY, c, false, line -> {
      if (line.startsWith("epoch 2/")) {
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    assertThat(c.resolveSibling("c.zip.checkpoint")).exists();
    assertThat(c).doesNotExist();
    List<String> logC = new ArrayList<>();
    Trainer.train(data, TINY, c, true, logC::add);
    assertThat(logC).anyMatch(l -> l.startsWith("resuming after epoch 1"));
    assertThat(Files.readAllBytes(c)).isEqualTo(Files.readAllBytes(a));
    assertThat(c.resolveSibling("c.zip.checkpoint")).doesNotExist();
  }

  @Test
  void aWeightAverageIsWhatTheModelKeepsAndResumesFromItsCheckpoint() throws Exception {
    Trainer.Options averaged = new Trainer.Options("both", "random", 2, 7, TargetBase.NONE, 8, 8, 3e-3, 0.5, 3, TINY.hyper(), 0,
        1, 1, 0.9);
    Path a = dir.resolve("avg-a.zip");
    Path plain = dir.resolve("avg-plain.zip");
    Trainer.train(data, averaged, a, false, line -> {});
    Trainer.train(data, TINY, plain, false, line -> {});
    assertThat(ModelFile.load(a).weights().all().get("w1").data())
        .isNotEqualTo(ModelFile.load(plain).weights().all().get("w1").data());
    assertThat(ModelFile.load(a).info().path("options").path("weight_average").asDouble()).isEqualTo(0.9);

    Path c = dir.resolve("avg-c.zip");
    assertThatThrownBy(() -> Trainer.train(data, averaged, c, false, line -> {
      if (line.startsWith("epoch 2/")) {
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    Trainer.train(data, averaged, c, true, line -> {});
    assertThat(Files.readAllBytes(c)).isEqualTo(Files.readAllBytes(a));
  }

  @Test
  void theTrainedModelRanksBetterThanAnUntrainedOneAndRoundTrips() throws Exception {
    Path m = dir.resolve("m.zip");
    Trainer.Options longer = new Trainer.Options("both", "random", 6, 7, TargetBase.NONE, 8, 8, 3e-3, 0.5, 6, TINY.hyper(), 0);
    ModelFile trained = Trainer.train(data, longer, m, false, line -> {});
    double tau = trained.info().path("validation").path("tile_kendall_tau").asDouble();
    Trainer.Options none = new Trainer.Options("both", "random", 1, 7, TargetBase.NONE, 8, 8, 1e-12, 0.5, 1, TINY.hyper(), 0);
    double untrained = Trainer.train(data, none, dir.resolve("u.zip"), false, line -> {})
        .info().path("validation").path("tile_kendall_tau").asDouble();
    assertThat(tau).isGreaterThan(untrained + 0.05);

    GnnModel model = GnnModel.load(m, ChipSpec.V4);
    assertThat(model.name()).isEqualTo("gnn");
    Kernel k = Kernels.of(FusionPass.run(Zoo.program(3, 3).module())).get(0);
    TileSpace space = TileSpace.of(k, ChipSpec.V4);
    List<TileConfig> tiles = space.validConfigs(50);
    var all = model.predictAll(k, tiles);
    for (int i = 0; i < tiles.size(); i++) {
      assertThat(all.get(i).isRefused()).isFalse(); // valid configs: every one predicted
      // One config at a time and the blocked head over all of them: equal within float rounding.
      assertThat(model.predict(k, tiles.get(i)).nanoseconds()).isPositive()
          .isCloseTo(all.get(i).nanoseconds(), org.assertj.core.data.Percentage.withPercentage(1e-3));
    }
    GnnModel again = GnnModel.of(ModelFile.load(m), ChipSpec.V4);
    assertThat(again.predictAll(k, tiles)).containsExactlyElementsOf(all);
  }

  @Test
  void aTrainedModelGetsAnIntervalCalibratedOnValidationThatLeavesItsEstimatesAlone() throws Exception {
    Path m = dir.resolve("interval.zip");
    List<String> log = new ArrayList<>();
    ModelFile f = Trainer.train(data, TINY, m, false, log::add);
    assertThat(log).anyMatch(l -> l.startsWith("interval: quantile outputs"));
    dev.tpucost.gnn.IntervalCalibration cal = dev.tpucost.gnn.IntervalCalibration.of(f.info()).orElseThrow();
    assertThat(cal.coverage()).isEqualTo(0.8);

    // On the validation part it was calibrated on, the conformal widening makes the interval hold 80% of the
    // true runtimes (ties aside): the evaluator's coverage through the model's blocked head agrees.
    GnnModel model = GnnModel.load(m, ChipSpec.V4);
    var reader = dev.tpucost.corpus.dataset.DatasetReader.open(data);
    var report = dev.tpucost.corpus.evaluation.Evaluator.evaluate(reader, "random", "val", List.of(model), 0);
    var scores = report.overall().get("gnn");
    assertThat(scores.intervalSamples()).isEqualTo(report.samples());
    assertThat(scores.intervalLevel()).isEqualTo(0.8);
    assertThat(scores.intervalCoverage()).isBetween(0.79, 0.86);
    assertThat(scores.intervalWidth()).isGreaterThan(1.0);

    // Refitting the interval of the trained model gives the same file's weights (seeded), and the estimates are
    // those of the network without quantile outputs: the interval does not move them.
    ModelFile again = IntervalFitter.fit(f, List.of(data), line -> {});
    assertThat(again.weights().get("wq").data()).isEqualTo(f.weights().get("wq").data());
    dev.tpucost.gnn.net.Weights plain = Trainer.copy(f.weights());
    plain.remove("wq");
    plain.remove("bq");
    GnnModel without = GnnModel.of(new ModelFile(f.kind(), f.hyper(), f.vocabulary(), f.nodeNorm(), f.configNorm(),
        f.targetMean(), f.targetStd(), f.chip(), f.info(), plain, f.extras()), ChipSpec.V4);
    Kernel k = Kernels.of(FusionPass.run(Zoo.program(3, 3).module())).get(0);
    List<TileConfig> tiles = TileSpace.of(k, ChipSpec.V4).validConfigs(30);
    var with = model.predictAll(k, tiles);
    var plainAll = without.predictAll(k, tiles);
    for (int i = 0; i < tiles.size(); i++) {
      assertThat(with.get(i).nanoseconds()).isEqualTo(plainAll.get(i).nanoseconds());
      assertThat(with.get(i).interval()).isPresent();
      assertThat(plainAll.get(i).interval()).isEmpty();
    }
  }

  @Test
  void aChipConditionedModelTrainedOnTwoChipsServesAnyChipAndDependsOnIt() throws Exception {
    Path v5e = dir.resolve("data-v5e");
    DatasetBuilder.generate(new DatasetOptions(24, 8, 1, 3, ChipSpec.V5E, 2, 8, "lstm"), v5e, Progress.NONE);
    Trainer.Options o = new Trainer.Options("both", "random", 2, 7, TargetBase.NONE, 8, 8, 3e-3, 0.5, 3,
        new Hyper(16, 8, 2, 16, 8, ConfigFeatures.CHIP_WIDTH), 0);
    Path m = dir.resolve("conditioned.zip");
    List<String> log = new ArrayList<>();
    ModelFile f = Trainer.train(List.of(data, v5e), o, m, false, log::add);
    assertThat(log.get(0)).contains("chip-conditioned").contains("chips v4, v5e");
    assertThat(f.info().path("options").path("chip_conditioned").asBoolean()).isTrue();
    assertThat(f.info().path("dataset_manifests_sha256")).hasSize(2);

    Kernel k = Kernels.of(FusionPass.run(Zoo.program(3, 3).module())).get(0);
    // A chip it never saw (v2) and a chip file with other figures: both served, and the chip matters.
    ChipSpec slow = new ChipSpec("slow-v4", 2, true, 4, 128, 128, 0.5, 8, 128, 2, 16L << 20, 1L << 20, 32L << 30, 300, 4);
    double[] ns = new double[3];
    ChipSpec[] chips = {ChipSpec.V4, ChipSpec.V2, slow};
    for (int i = 0; i < chips.length; i++) {
      GnnModel model = GnnModel.load(m, chips[i]);
      ns[i] = model.predict(k, TileSpace.of(k, chips[i]).defaultConfig()).nanoseconds();
      assertThat(ns[i]).isPositive().isFinite();
    }
    assertThat(ns[1]).isNotEqualTo(ns[0]);
    assertThat(ns[2]).isNotEqualTo(ns[0]);

    // Fine-tuning it on runtimes of one chip (v5e's records standing in for measurements) keeps it serving every
    // chip, moves its v5e estimates and records the chip; a per-chip model is refused other chips' measurements.
    List<dev.tpucost.corpus.dataset.wire.KernelRecord> records = new ArrayList<>();
    dev.tpucost.corpus.dataset.DatasetReader.open(v5e).forEach(records::add);
    records = records.subList(0, 6);
    FineTuner.Options fo = new FineTuner.Options(2, 5e-3, 0.2, 1);
    ModelFile tuned = FineTuner.fineTune(f, ChipSpec.V5E, records, fo, 2, null);
    assertThat(tuned.info().path("fine_tuned").path("chip").asText()).isEqualTo("v5e");
    TileConfig t = TileSpace.of(k, ChipSpec.V5E).defaultConfig();
    double before = GnnModel.of(f, ChipSpec.V5E).predict(k, t).nanoseconds();
    assertThat(GnnModel.of(tuned, ChipSpec.V5E).predict(k, t).nanoseconds()).isPositive().isNotEqualTo(before);
    assertThat(GnnModel.of(tuned, ChipSpec.V2).predict(k, TileSpace.of(k, ChipSpec.V2).defaultConfig()).nanoseconds())
        .isPositive();
    // Calibrated on a chip it never trained on (v2), its interval widens for chips unlike its training chips and
    // keeps the held-out-programs widening for v4 and v5e; a training chip is refused as a calibration chip.
    Path v2 = dir.resolve("data-v2");
    DatasetBuilder.generate(new DatasetOptions(12, 8, 1, 3, ChipSpec.V2, 2, 8, "lstm"), v2, Progress.NONE);
    List<String> calLog = new ArrayList<>();
    ModelFile calibrated = IntervalFitter.fit(f, List.of(data, v5e), List.of(v2), false, calLog::add);
    assertThat(calLog).anyMatch(l -> l.startsWith("interval on chips not trained on"));
    dev.tpucost.gnn.IntervalCalibration cal = dev.tpucost.gnn.IntervalCalibration.of(calibrated.info()).orElseThrow();
    assertThat(cal.trainingChips()).containsExactly(ChipSpec.V4, ChipSpec.V5E);
    assertThat(cal.unseenChipWidening()).isPresent();
    assertThat(cal.unseenChipSamples()).isPositive();
    assertThat(cal.wideningFor(ChipSpec.V4.withName("renamed"))).isEqualTo(cal.widening());
    assertThat(cal.wideningFor(ChipSpec.V3)).isEqualTo(cal.unseenChipWidening().get());
    assertThat(cal.unseenChipWidening().get()).isNotEqualTo(cal.widening());
    TileConfig t3 = TileSpace.of(k, ChipSpec.V3).defaultConfig();
    double ratioUnseen = GnnModel.of(calibrated, ChipSpec.V3).predict(k, t3).interval().orElseThrow().ratio();
    double ratioSeen = GnnModel.of(f, ChipSpec.V3).predict(k, t3).interval().orElseThrow().ratio();
    assertThat(ratioUnseen > ratioSeen).isEqualTo(cal.unseenChipWidening().get() > cal.widening());
    assertThatThrownBy(() -> IntervalFitter.fit(f, List.of(data, v5e), List.of(v5e), false, l -> {}))
        .hasMessageContaining(v5e.toString()).hasMessageContaining("trained on");
    assertThat(cal.unseenChipCorrectionWeight()).as("a gnn has no analytical estimate to lean on").isEqualTo(1);
    // With two calibration chips the unseen-chip widening is the larger of their own (each chip held 80%).
    Path v3 = dir.resolve("data-v3");
    DatasetBuilder.generate(new DatasetOptions(12, 8, 1, 3, ChipSpec.V3, 2, 8, "lstm"), v3, Progress.NONE);
    List<String> twoLog = new ArrayList<>();
    ModelFile two = IntervalFitter.fit(f, List.of(data, v5e), List.of(v2, v3), false, twoLog::add);
    List<Double> perChipWidening = twoLog.stream().filter(l -> l.startsWith("interval on calibration chip"))
        .map(l -> Double.parseDouble(l.replaceAll(".*before widening, ([-0-9.]+) target deviations.*", "$1"))).toList();
    assertThat(perChipWidening).hasSize(2);
    assertThat(dev.tpucost.gnn.IntervalCalibration.of(two.info()).orElseThrow().unseenChipWidening().orElseThrow())
        .isCloseTo(java.util.Collections.max(perChipWidening), within(1e-4))
        .isCloseTo(cal.unseenChipWidening().get() > perChipWidening.get(1) ? cal.unseenChipWidening().get()
            : perChipWidening.get(1), within(1e-4));
    // A hybrid calibrated the same way also learns how far to trust its correction on unseen chips.
    Trainer.Options ho = new Trainer.Options("both", "random", 2, 7, TargetBase.ANALYTICAL, 8, 8, 3e-3, 0.5, 3,
        new Hyper(16, 8, 2, 16, 8, ConfigFeatures.CHIP_WIDTH), 0);
    ModelFile hybrid = Trainer.train(List.of(data, v5e), ho, dir.resolve("conditioned-hybrid.zip"), false, l -> {});
    List<String> hLog = new ArrayList<>();
    ModelFile hCal = IntervalFitter.fit(hybrid, List.of(data, v5e), List.of(v2), false, hLog::add);
    assertThat(hLog).anyMatch(l -> l.startsWith("learned correction on chips not trained on weighted by"));
    double weight = dev.tpucost.gnn.IntervalCalibration.of(hCal.info()).orElseThrow().unseenChipCorrectionWeight();
    assertThat(weight).isBetween(0.0, 1.0);
    assertThat(dev.tpucost.gnn.IntervalCalibration.of(hCal.info()).orElseThrow().correctionWeightFor(ChipSpec.V2))
        .isEqualTo(weight);
    assertThat(GnnModel.of(hCal, ChipSpec.V2).predict(k, TileSpace.of(k, ChipSpec.V2).defaultConfig()).interval())
        .isPresent();
    dev.tpucost.gnn.IntervalCalibration one = dev.tpucost.gnn.IntervalCalibration.of(hCal.info()).orElseThrow();
    assertThat(one.unseenChipLevelWeight()).as("one weight of the whole correction").isEqualTo(weight);
    // With the level apart, the level is fitted on the default samples and the shape on the others.
    List<String> aLog = new ArrayList<>();
    ModelFile hApart = IntervalFitter.fit(hybrid, List.of(data, v5e), List.of(v2), true, aLog::add);
    assertThat(aLog).anyMatch(l -> l.startsWith("learned correction on chips not trained on: its level"));
    dev.tpucost.gnn.IntervalCalibration apart = dev.tpucost.gnn.IntervalCalibration.of(hApart.info()).orElseThrow();
    assertThat(apart.levelWeightFor(ChipSpec.V2)).isBetween(0.0, 1.0).isNotEqualTo(apart.correctionWeightFor(ChipSpec.V2));
    assertThat(apart.levelWeightFor(ChipSpec.V5E)).isEqualTo(1);
    assertThat(GnnModel.of(hApart, ChipSpec.V2).predict(k, TileSpace.of(k, ChipSpec.V2).defaultConfig()).nanoseconds())
        .isPositive().isFinite();
    // Without the training datasets only the unseen-chip part is chosen again, the quantile outputs kept: from the
    // one-weight model the same calibration as the full fit with the level apart (whose quantile outputs are the same).
    ModelFile re = UnseenChipFitter.recalibrate(hCal, List.of(v2), true, l -> {});
    assertThat(dev.tpucost.gnn.IntervalCalibration.of(re.info()).orElseThrow()).isEqualTo(apart);
    assertThat(re.weights().get(dev.tpucost.gnn.net.Head.QUANTILE_WEIGHTS).data())
        .containsExactly(hCal.weights().get(dev.tpucost.gnn.net.Head.QUANTILE_WEIGHTS).data());
    assertThatThrownBy(() -> UnseenChipFitter.recalibrate(hCal, List.of(v5e), true, l -> {}))
        .hasMessageContaining(v5e.toString()).hasMessageContaining("trained on");
    assertThatThrownBy(() -> UnseenChipFitter.recalibrate(calibrated, List.of(v3), true, l -> {}))
        .as("a gnn has no correction to weigh").hasMessageContaining("hybrid");

    ModelFile perChip = Trainer.train(data, TINY, dir.resolve("per-chip.zip"), false, l -> {});
    List<dev.tpucost.corpus.dataset.wire.KernelRecord> few = records;
    assertThatThrownBy(() -> FineTuner.fineTune(perChip, ChipSpec.V5E, few, fo, 1, null))
        .hasMessageContaining("trained for chip v4").hasMessageContaining("v5e");
    assertThatThrownBy(() -> UnseenChipFitter.recalibrate(perChip, List.of(v2), false, l -> {}))
        .hasMessageContaining("chip-conditioned").hasMessageContaining("serves one chip (v4)");

    // Without the flag, datasets of two chips are refused, naming the dataset.
    assertThatThrownBy(() -> Trainer.train(List.of(data, v5e), TINY, dir.resolve("mixed.zip"), false, l -> {}))
        .hasMessageContaining(v5e.toString()).hasMessageContaining("chip-conditioned");
  }

  @Test
  void aRooflineModelLearnsTheRuntimeOverTheKernelsRooflineBound() throws Exception {
    Trainer.Options ro = new Trainer.Options("both", "random", 2, 7, TargetBase.ROOFLINE, 8, 8, 3e-3, 0.5, 3,
        TINY.hyper(), 0);
    // Its targets: each sample's log runtime over its kernel's roofline bound, one base for every tile of a kernel.
    List<dev.tpucost.corpus.dataset.wire.KernelRecord> records = new ArrayList<>();
    dev.tpucost.corpus.dataset.DatasetReader.open(data).forEach(records::add);
    List<Trainer.Example> examples = TrainingSet.examples(records.subList(0, 8),
        dev.tpucost.analytical.AnalyticalModel.create(ChipSpec.V4), TargetBase.ROOFLINE, 0, false);
    assertThat(examples).isNotEmpty();
    for (Trainer.Example e : examples) {
      double roofline = dev.tpucost.gnn.features.ChipFeatures.rooflineNanoseconds(ChipSpec.V4, e.kernel());
      assertThat(roofline).isGreaterThanOrEqualTo(1);
      for (int j = 0; j < e.targets().length; j++) {
        assertThat(e.baseNs()[j]).isEqualTo(roofline);
        assertThat(Math.exp(e.targets()[j]) * roofline).isCloseTo(e.runtimes()[j], within(1e-6 * e.runtimes()[j]));
      }
    }
    ModelFile f = Trainer.train(data, ro, dir.resolve("roofline.zip"), false, l -> {});
    assertThat(f.kind()).isEqualTo("roofline");
    assertThat(f.info().path("options").path("base").asText()).as("the info names the base").isEqualTo("roofline");
    GnnModel model = GnnModel.load(dir.resolve("roofline.zip"), ChipSpec.V4);
    assertThat(model.name()).isEqualTo("roofline");
    // The same network read as a plain gnn predicts exp(output); the roofline model multiplies by the bound.
    ModelFile asGnn = new ModelFile("gnn", f.hyper(), f.vocabulary(), f.nodeNorm(), f.configNorm(), f.targetMean(),
        f.targetStd(), f.chip(), f.info(), f.weights(), f.extras());
    Kernel k = Kernels.of(FusionPass.run(Zoo.program(3, 3).module())).get(0);
    TileConfig t = TileSpace.of(k, ChipSpec.V4).defaultConfig();
    assertThat(dev.tpucost.gnn.features.ChipFeatures.rooflineNanoseconds(ChipSpec.V4, k)).isGreaterThan(10);
    double ratio = model.predict(k, t).nanoseconds() / GnnModel.of(asGnn, ChipSpec.V4).predict(k, t).nanoseconds();
    assertThat(ratio).isCloseTo(dev.tpucost.gnn.features.ChipFeatures.rooflineNanoseconds(ChipSpec.V4, k),
        within(1e-9 * ratio));
    assertThat(model.predict(k, t).interval()).isPresent();
    // Unknown kinds are refused by name.
    ModelFile odd = new ModelFile("quadratic", f.hyper(), f.vocabulary(), f.nodeNorm(), f.configNorm(), f.targetMean(),
        f.targetStd(), f.chip(), f.info(), f.weights(), f.extras());
    assertThatThrownBy(() -> GnnModel.of(odd, ChipSpec.V4)).hasMessageContaining("quadratic")
        .hasMessageContaining("roofline");
  }

  @Test
  void damagedOrMismatchedModelFilesFailNamingTheFileAndTheProblem() throws Exception {
    Path m = dir.resolve("d.zip");
    Trainer.train(data, new Trainer.Options("fusion", "random", 1, 7, TargetBase.ANALYTICAL, 8, 8, 3e-3, 0.5, 1, TINY.hyper(), 0), m, false, l -> {});
    assertThat(GnnModel.load(m, ChipSpec.V4).name()).isEqualTo("hybrid");
    byte[] good = Files.readAllBytes(m);

    Path truncated = dir.resolve("truncated.zip");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
    assertThatThrownBy(() -> GnnModel.load(truncated, ChipSpec.V4)).hasMessageContaining(truncated.toString())
        .satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("truncated"), e -> assertThat(e).hasMessageContaining("not a"));

    Path flipped = dir.resolve("flipped.zip");
    ModelFile mf = ModelFile.load(m);
    mf.weights().get("w1").data()[3] += 1;
    // Re-pack with the old checksum to imitate a flipped byte in the weights.
    Path repacked = dir.resolve("repacked.zip");
    mf.save(repacked);
    try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(repacked));
        var zout = new java.util.zip.ZipOutputStream(Files.newOutputStream(flipped));
        var orig = new java.util.zip.ZipFile(m.toFile())) {
      java.util.zip.ZipEntry e;
      while ((e = zin.getNextEntry()) != null) {
        zout.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        zout.write(e.getName().equals("checksum.crc32c")
            ? orig.getInputStream(orig.getEntry("checksum.crc32c")).readAllBytes() : zin.readAllBytes());
      }
    }
    assertThatThrownBy(() -> GnnModel.load(flipped, ChipSpec.V4)).hasMessage(flipped + ": checksum mismatch; the model file is corrupt");

    Path wrongChip = dir.resolve("wrong-chip.zip");
    Files.write(wrongChip, good);
    assertThatThrownBy(() -> GnnModel.load(wrongChip, ChipSpec.V5E))
        .hasMessage(wrongChip + ": the model was trained for chip v4, not v5e (chips are compared by their hardware figures)");

    Path future = dir.resolve("future.zip");
    rewrite(m, future, "model.json", json -> json.replace("\"format_version\" : 3", "\"format_version\" : 99"));
    assertThatThrownBy(() -> GnnModel.load(future, ChipSpec.V4))
        .hasMessage(future + ": model format version 99 is not supported (this tpucost reads versions 1 to 3)");

    Path random = dir.resolve("random.zip");
    Files.write(random, new byte[] {1, 2, 3, 4, 5});
    assertThatThrownBy(() -> GnnModel.load(random, ChipSpec.V4)).hasMessageContaining(random.toString());
    assertThatThrownBy(() -> GnnModel.load(dir.resolve("none.zip"), ChipSpec.V4)).hasMessageContaining("no such model file");
  }

  /**
   * Copies a model file, changing one text entry and checksumming it as format 2 did (SHA-256, still read).
   */
  private static void rewrite(Path from, Path to, String entry, java.util.function.UnaryOperator<String> change) throws Exception {
    java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(from))) {
      java.util.zip.ZipEntry e;
      while ((e = zin.getNextEntry()) != null) {
        entries.put(e.getName(), zin.readAllBytes());
      }
    }
    entries.remove("checksum.crc32c");
    entries.put(entry, change.apply(new String(entries.get(entry), java.nio.charset.StandardCharsets.UTF_8))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    var h = com.google.common.hash.Hashing.sha256().newHasher();
    entries.forEach((n, b) -> h.putString(n, java.nio.charset.StandardCharsets.UTF_8).putBytes(b));
    entries.put("checksum.sha256", h.hash().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (var zout = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
      for (var e : entries.entrySet()) {
        zout.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        zout.write(e.getValue());
      }
    }
  }
}
