package dev.tpucost.accuracy.refit;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.analytical.Calibration;
import dev.tpucost.analytical.Constants;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.corpus.dataset.KernelModules;
import dev.tpucost.corpus.dataset.Tiles;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.corpus.evaluation.Evaluator;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.training.FineTuner;
import dev.tpucost.sim.SimCalibration;
import dev.tpucost.sim.Simulator;
import dev.tpucost.sim.SimulatorModel;
import dev.tpucost.sim.calibration.SimFitter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The models of a leave-one-kernel-out evaluation, each fitted on the training kernels of a fold only:
 *
 * <ul>
 *   <li>{@link #simulator}: the simulator's constants fitted by {@link SimFitter} from their priors (the same
 *       constants as {@code tpucost calibrate --target sim});
 *   <li>{@link #analytical}: the analytical constants by {@link Calibration}, from their priors (as {@code
 *       tpucost calibrate} does; starting from the constants fitted to simulated runtimes landed in worse optima:
 *       28% against 19% mean runtime MAPE in leave-one-kernel-out on the TPU v3 measurements);
 *   <li>{@link #fineTuned}: a learned model fine-tuned by {@link FineTuner}, its epoch count chosen by an inner
 *       leave-one-kernel-out over the fold's training kernels, whose held-out errors also calibrate its interval
 *       (so the held-out kernel's coverage is measured on a kernel the interval never saw);
 *   <li>{@link #asShipped}: a model used as it is, for comparison (not fitted to any measurement).
 * </ul>
 */
public final class Refitters {
  private Refitters() {}

  /** The simulator with constants fitted on the fold ({@code name}: e.g. {@code sim}). */
  public static Evaluator.Refitter simulator(String name) {
    return refitter(name, (chip, training) -> {
      // From the prior, not the shipped calibration: the shipped one may have been fitted on the held-out kernel.
      SimFitter.Result r = simulatorFitter(chip, training).fit(SimCalibration.PRIOR, SimFitter.MEASURED_FREE, false);
      return SimulatorModel.of(Simulator.of(chip, r.calibration()), name);
    });
  }

  /**
   * A fitter of the simulator's constants over every sample of {@code records} that ran, one group per kernel
   * (record), one measurement source: what {@link #simulator} and {@code tpucost calibrate --target sim} fit.
   */
  public static SimFitter simulatorFitter(ChipSpec chip, List<KernelRecord> records) {
    List<SimFitter.Sample> samples = new ArrayList<>();
    forEachMeasured(records, (r, k, s) -> samples.add(new SimFitter.Sample(r.getProgramId(), "measured", k,
        Tiles.of(s), s.getRuntimeNs())));
    return SimFitter.of(chip, samples);
  }

  /** The analytical model with its constants fitted on the fold. */
  public static Evaluator.Refitter analytical(String name) {
    return refitter(name, (chip, training) -> {
      Calibration cal = new Calibration(chip);
      // Samples pooled (a kernel weighing the same however many configurations it has did worse: 21% vs 18%
      // mean runtime MAPE in leave-one-kernel-out on the TPU v3 measurements).
      forEachMeasured(training, (r, k, s) -> cal.add(k, Tiles.of(s), s.getRuntimeNs()));
      Constants start = Constants.priors(chip.name());
      return AnalyticalModel.of(chip, cal.fit(start).constants());
    });
  }

  /** {@code init} fine-tuned on the fold, its epochs chosen by leave-one-kernel-out within the fold. */
  public static Evaluator.Refitter fineTuned(String name, ModelFile init, FineTuner.Options o, Consumer<String> log) {
    return refitter(name, (chip, training) -> {
      FineTuner.Selection sel = FineTuner.select(init, chip, training, o, line -> { });
      log.accept(String.format("%s: %d epochs chosen on %d training kernels", name, sel.epochs(), training.size()));
      return GnnModel.of(FineTuner.fineTune(init, chip, training, o, sel.epochs(), sel), chip, name);
    });
  }

  /** A model used as it is in every fold. */
  public static Evaluator.Refitter asShipped(String name, Function<ChipSpec, CostModel> model) {
    return refitter(name, (chip, training) -> model.apply(chip));
  }

  private interface Fit {
    CostModel fit(ChipSpec chip, List<KernelRecord> training) throws java.io.IOException;
  }

  private static Evaluator.Refitter refitter(String name, Fit fit) {
    return new Evaluator.Refitter() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CostModel fit(ChipSpec chip, List<KernelRecord> training) throws java.io.IOException {
        return fit.fit(chip, training);
      }
    };
  }

  private interface SampleSink {
    void accept(KernelRecord record, Kernel kernel, TileSample sample);
  }

  /** Every sample of {@code records} that ran (measured or simulated), with its decoded kernel. */
  private static void forEachMeasured(List<KernelRecord> records, SampleSink sink) {
    for (KernelRecord r : records) {
      Kernel k = null;
      for (TileSample s : r.getSamplesList()) {
        if (!s.getError().isEmpty()) {
          continue;
        }
        if (k == null) {
          k = KernelModules.fromRecord(r);
        }
        sink.accept(r, k, s);
      }
    }
  }
}
