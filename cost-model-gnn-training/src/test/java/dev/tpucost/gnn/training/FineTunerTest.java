package dev.tpucost.gnn.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.Interval;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.corpus.dataset.DatasetBuilder;
import dev.tpucost.corpus.dataset.DatasetOptions;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.Progress;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.zoo.Zoo;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.IntervalCalibration;
import dev.tpucost.gnn.ModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning on measurements: the epochs chosen by leave-one-kernel-out, and the interval those folds calibrate. */
class FineTunerTest {
  @TempDir Path dir;

  @Test
  void theHalfWidthIsTheConformalQuantileOfTheAbsoluteResiduals() {
    // n = 9: rank ceil(10 * 0.8) = 8, the eighth smallest |r| of 0.1 ... 0.9 (signs do not matter).
    double[] r = {0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9};
    assertThat(FineTuner.halfWidth(r).getAsDouble()).isEqualTo(0.8);
    // n = 4: rank 4, the largest; n = 3: rank 4 > 3, too few for an 80% interval.
    assertThat(FineTuner.halfWidth(new double[] {-3, 1, 2, 0.5}).getAsDouble()).isEqualTo(3);
    assertThat(FineTuner.halfWidth(new double[] {1, 2, 3})).isEmpty();
    assertThat(FineTuner.halfWidth(new double[0])).isEmpty();
  }

  @Test
  void aFineTunedModelHasASymmetricIntervalCalibratedOnItsHeldOutKernels() throws Exception {
    Path data = dir.resolve("data");
    DatasetBuilder.generate(new DatasetOptions(16, 8, 1, 3, ChipSpec.V4, 2, 8, "lstm"), data, Progress.NONE);
    ModelFile base = Trainer.train(data, TrainingTest.TINY, dir.resolve("base.zip"), false, l -> {});
    assertThat(IntervalCalibration.of(base.info())).as("trained models carry the simulator's interval").isPresent();
    // Simulated records stand in for measurements.
    List<KernelRecord> records = new ArrayList<>();
    DatasetReader.open(data).forEach(records::add);
    records = records.subList(0, 6);
    FineTuner.Options o = new FineTuner.Options(2, 5e-3, 0.2, 1);
    FineTuner.Selection sel = FineTuner.select(base, ChipSpec.V4, records, o, l -> {});
    int samples = records.stream().mapToInt(rec -> (int) rec.getSamplesList().stream()
        .filter(s -> s.getError().isEmpty()).count()).sum();
    assertThat(sel.heldOutResiduals()).as("one residual per held-out configuration").hasSizeLessThanOrEqualTo(samples)
        .hasSizeGreaterThanOrEqualTo(records.size());
    double q = FineTuner.halfWidth(sel.heldOutResiduals()).orElseThrow();
    long inside = java.util.Arrays.stream(sel.heldOutResiduals()).filter(r -> Math.abs(r) <= q).count();
    assertThat((double) inside / sel.heldOutResiduals().length).isGreaterThanOrEqualTo(FineTuner.COVERAGE);

    ModelFile tuned = FineTuner.fineTune(base, ChipSpec.V4, records, o, sel.epochs(), sel);
    IntervalCalibration cal = IntervalCalibration.of(tuned.info()).orElseThrow();
    assertThat(cal.coverage()).isEqualTo(FineTuner.COVERAGE);
    assertThat(cal.samples()).isEqualTo(sel.heldOutResiduals().length);
    assertThat(cal.widening() * tuned.targetStd()).isCloseTo(q, within(1e-9));
    assertThat(cal.trainingChips()).containsExactly(ChipSpec.V4);
    assertThat(tuned.info().path("interval").path("method").asText()).contains("leave-one-kernel-out");

    // The interval is [point / e^q, point * e^q] on every config, ranked together or predicted one by one.
    Kernel k = Kernels.of(FusionPass.run(Zoo.program(3, 3).module())).get(0);
    for (ChipSpec chip : List.of(ChipSpec.V4, ChipSpec.V4.withName("my-v4"))) {
      GnnModel model = GnnModel.of(tuned, chip);
      List<TileConfig> tiles = TileSpace.of(k, chip).validConfigs(40);
      var all = model.predictAll(k, tiles);
      for (int i = 0; i < tiles.size(); i++) {
        double point = all.get(i).nanoseconds();
        Interval iv = all.get(i).interval().orElseThrow();
        assertThat(iv.lowNs()).isCloseTo(point / Math.exp(q), within(point * 1e-5));
        assertThat(iv.highNs()).isCloseTo(point * Math.exp(q), within(point * 1e-5));
        assertThat(model.predict(k, tiles.get(i)).interval().orElseThrow().highNs())
            .isCloseTo(iv.highNs(), within(point * 1e-5));
      }
    }

    // Without the selection's residuals (or with another epoch count than it chose) there is no interval.
    assertThat(IntervalCalibration.of(FineTuner.fineTune(base, ChipSpec.V4, records, o, 1, null).info())).isEmpty();
    assertThat(GnnModel.of(FineTuner.fineTune(base, ChipSpec.V4, records, o, 1, null), ChipSpec.V4)
        .predict(k, TileSpace.of(k, ChipSpec.V4).defaultConfig()).interval()).isEmpty();
  }
}
