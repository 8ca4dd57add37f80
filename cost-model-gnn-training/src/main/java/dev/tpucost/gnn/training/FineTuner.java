package dev.tpucost.gnn.training;

import dev.tpucost.api.chip.ChipSpec;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.net.Forward;
import dev.tpucost.gnn.net.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Fine-tunes a trained model on a few measured kernels ({@code tpucost train --init MODEL --data DIR}).
 *
 * <p>The model keeps its normalisers, target scaling and (for {@code hybrid}) its analytical base; its
 * weights continue from the trained ones with Adam at a small step size. One epoch is one step over every
 * training kernel (up to {@link #CONFIGS_PER_KERNEL} configurations each, the default among them), so a few
 * hundred samples are seen once per epoch. How many epochs is chosen by leave-one-kernel-out validation
 * ({@link #select}): for each kernel, fine-tune on the others and score the held-out kernel after every
 * epoch; the epoch count with the lowest mean held-out loss over kernels wins (zero, the model as trained,
 * included), then the model is fine-tuned on every kernel for that many epochs. Deterministic for a seed.
 */
public final class FineTuner {
  /** Configurations per kernel per step. */
  public static final int CONFIGS_PER_KERNEL = 16;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Fine-tuning options.
   *
   * @param maxEpochs most epochs tried by the selection
   * @param learningRate Adam step size
   * @param rankWeight weight of the ranking loss next to the regression loss
   * @param seed seed of the configuration sampling
   */
  public record Options(int maxEpochs, double learningRate, double rankWeight, long seed) {
    /** 40 epochs at most, step 5e-4, ranking weight 0.2, seed 1. */
    public static Options defaults() {
      return new Options(40, 5e-4, 0.2, 1);
    }

    /** Validates the options. */
    public Options {
      checkArgument(maxEpochs >= 0, "epochs must be >= 0, got %s", maxEpochs);
      checkArgument(learningRate > 0, "learning rate must be > 0, got %s", learningRate);
    }
  }

  /**
   * The leave-one-kernel-out selection: per epoch count (0..maxEpochs), the mean over held-out kernels of
   * their mean squared log error, and the chosen count; and the held-out log residuals at that count,
   * {@code ln(predicted / measured)} of every configuration of every kernel while it was held out (empty if not
   * kept), from which {@link #fineTune} calibrates the fine-tuned model's interval.
   */
  public record Selection(double[] heldOutLoss, int epochs, double[] heldOutResiduals) {
    /** A selection without its residuals (the fine-tuned model then gives no interval). */
    public Selection(double[] heldOutLoss, int epochs) {
      this(heldOutLoss, epochs, new double[0]);
    }
  }

  /** The nominal coverage of a fine-tuned model's interval: a trained model's ({@link IntervalFitter#COVERAGE}). */
  public static final double COVERAGE = IntervalFitter.COVERAGE;

  private FineTuner() {}

  /** Chooses the epoch count by leave-one-kernel-out over {@code records} measured on the model's chip. */
  public static Selection select(ModelFile init, List<KernelRecord> records, Options o, Consumer<String> log) {
    return select(init, init.chip(), records, o, log);
  }

  /**
   * Chooses the epoch count by leave-one-kernel-out over {@code records} (two or more kernels) measured on
   * {@code chip}: the model's own, or any chip for a chip-conditioned model.
   */
  public static Selection select(ModelFile init, ChipSpec chip, List<KernelRecord> records, Options o,
      Consumer<String> log) {
    checkArgument(records.size() >= 2, "leave-one-kernel-out needs two or more kernels, got %s", records.size());
    List<Trainer.Example> all = examples(init, chip, records);
    double[] loss = new double[o.maxEpochs() + 1];
    double[][][] residuals = new double[all.size()][][]; // [held-out kernel][epochs][config]
    for (int held = 0; held < all.size(); held++) {
      List<Trainer.Example> train = new ArrayList<>(all);
      Trainer.Example test = train.remove(held);
      List<Weights> perEpoch = run(init, train, o, o.maxEpochs());
      residuals[held] = new double[o.maxEpochs() + 1][];
      for (int e = 0; e <= o.maxEpochs(); e++) {
        residuals[held][e] = logResiduals(init, perEpoch.get(e), test);
        loss[e] += meanSquare(residuals[held][e]) / all.size();
      }
      log.accept(String.format("fold %d/%d (%s held out): held-out log-RMSE %.3f before, %.3f after %d epochs",
          held + 1, all.size(), test.kernel().name(), Math.sqrt(meanSquare(residuals[held][0])),
          Math.sqrt(meanSquare(residuals[held][o.maxEpochs()])), o.maxEpochs()));
    }
    int best = 0;
    for (int e = 1; e < loss.length; e++) {
      if (loss[e] < loss[best]) {
        best = e;
      }
    }
    int b = best;
    return new Selection(loss, best, java.util.Arrays.stream(residuals).flatMapToDouble(r -> java.util.Arrays.stream(r[b]))
        .toArray());
  }

  /**
   * The half-width, in natural-log runtime, of a symmetric interval holding {@link #COVERAGE} of new kernels'
   * runtimes, from held-out log residuals: split-conformal's quantile, the {@code ceil((n + 1) * coverage)}-th
   * smallest absolute residual of {@code n} (Vovk et al.; with leave-one-kernel-out residuals, the cross-conformal
   * form of Barber et al., "Predictive inference with the jackknife+", 2021). Empty if there are too few residuals
   * for that rank.
   */
  public static java.util.OptionalDouble halfWidth(double[] residuals) {
    int n = residuals.length;
    int rank = IntervalFitter.conformalRank(n);
    if (n == 0 || rank > n) {
      return java.util.OptionalDouble.empty();
    }
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = Math.abs(residuals[i]);
    }
    java.util.Arrays.sort(a);
    return java.util.OptionalDouble.of(a[rank - 1]);
  }

  /** {@code init} fine-tuned on every record (measured on its chip) for {@code epochs} epochs. */
  public static ModelFile fineTune(ModelFile init, List<KernelRecord> records, Options o, int epochs, Selection selection) {
    return fineTune(init, init.chip(), records, o, epochs, selection);
  }

  /**
   * {@code init} fine-tuned on every record, measured on {@code chip} (the model's own, or any chip for a
   * chip-conditioned model, which sees the chip's figures as in training), for {@code epochs} epochs;
   * {@code info} notes how and on which chip.
   */
  public static ModelFile fineTune(ModelFile init, ChipSpec chip, List<KernelRecord> records, Options o, int epochs,
      Selection selection) {
    List<Trainer.Example> all = examples(init, chip, records);
    Weights w = run(init, all, o, epochs).get(epochs);
    ObjectNode info = init.info() != null && init.info().isObject() ? ((ObjectNode) init.info()).deepCopy() : JSON.createObjectNode();
    // Fine-tuning moves the last hidden layer: the quantile outputs fitted on it (on simulated runtimes) no longer
    // hold, and a few hundred measured samples are too few to refit them. The interval is instead symmetric around
    // the point estimate, its half-width calibrated on the measurements' leave-one-kernel-out residuals
    // (intervalOnMeasurements); without them the fine-tuned model gives none.
    info.remove(dev.tpucost.gnn.IntervalCalibration.INFO_KEY);
    w.remove(dev.tpucost.gnn.net.Head.QUANTILE_WEIGHTS);
    w.remove(dev.tpucost.gnn.net.Head.QUANTILE_BIAS);
    if (selection != null && selection.epochs() == epochs) {
      intervalOnMeasurements(init, chip, selection.heldOutResiduals(), w, info);
    }
    ObjectNode ft = info.putObject("fine_tuned");
    ft.put("chip", chip.name());
    ft.put("kernels", records.size());
    ft.put("samples", all.stream().mapToInt(e -> e.configs().length).sum());
    ft.put("epochs", epochs);
    ft.put("learning_rate", o.learningRate());
    ft.put("rank_weight", o.rankWeight());
    ft.put("seed", o.seed());
    ArrayNode ids = ft.putArray("kernel_ids");
    records.forEach(r -> ids.add(r.getProgramId()));
    if (selection != null) {
      ArrayNode l = ft.putArray("leave_one_kernel_out_log_mse");
      for (double v : selection.heldOutLoss()) {
        l.add(v);
      }
    }
    ModelFile tuned = new ModelFile(init.kind(), init.hyper(), init.vocabulary(), init.nodeNorm(), init.configNorm(),
        init.targetMean(), init.targetStd(), init.chip(), info, w, java.util.Map.of());
    try {
      // (kept, with whatever it keeps, so that an evaluation on these measurements can start from weights that have not
      // seen them; with 0 epochs too, whose weights are the init's, which may have seen them)
      return tuned.withFineTunedFrom(init);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // (in memory)
    }
  }

  /** Weights after 0..epochs epochs (index 0: the initial ones). */
  private static List<Weights> run(ModelFile init, List<Trainer.Example> train, Options o, int epochs) {
    Trainer.Options to = new Trainer.Options("both", "random", Math.max(1, epochs), o.seed(), TargetBase.ofKind(init.kind()),
        Math.max(1, train.size()), CONFIGS_PER_KERNEL, o.learningRate(), o.rankWeight(), 1, init.hyper(), 0);
    Weights w = Trainer.copy(init.weights());
    List<Weights> out = new ArrayList<>();
    out.add(Trainer.copy(w));
    if (epochs == 0 || train.isEmpty()) {
      for (int e = 1; e <= epochs; e++) {
        out.add(Trainer.copy(w));
      }
      return out;
    }
    Adam adam = new Adam(o.learningRate());
    SameDiffNet net = new SameDiffNet(init.hyper(), w, o.rankWeight(), CONFIGS_PER_KERNEL);
    for (int e = 1; e <= epochs; e++) {
      List<SameDiffNet.Item> items = new ArrayList<>();
      for (int k = 0; k < train.size(); k++) {
        if (train.get(k).graph().size() > Trainer.MAX_TRAINING_NODES) {
          continue; // the batch matrices are dense; such a kernel is only validated on
        }
        items.add(Trainer.item(train.get(k), to, init.configNorm(), init.targetMean(), init.targetStd(),
            new Random(o.seed() * 31 + e * 7919L + k)));
      }
      net.load(w);
      SameDiffNet.Step s = net.step(net.batch(items, init.nodeNorm()));
      adam.update(w, s.gradients(), 5.0);
      out.add(Trainer.copy(w));
    }
    return out;
  }

  /**
   * The interval of a model fine-tuned on measurements: quantile outputs equal to the point output (the last
   * layer's weights copied), widened by {@link #halfWidth} of the held-out residuals (in the target's deviations),
   * so that the interval is {@code [point / e^q, point * e^q]}; recorded in {@code info} with the chip whose
   * measurements calibrated it as its one training chip (no unseen-chip widening or correction weight: the
   * fine-tuned network is used as it is on every chip). Nothing if the residuals are too few.
   */
  private static void intervalOnMeasurements(ModelFile init, ChipSpec chip, double[] residuals, Weights w,
      ObjectNode info) {
    java.util.OptionalDouble q = halfWidth(residuals);
    if (q.isEmpty()) {
      return;
    }
    float[] w3 = w.get("w3").data();
    float b3 = w.get("b3").data()[0];
    float[] wq = new float[w3.length * 2];
    for (int r = 0; r < w3.length; r++) {
      wq[2 * r] = w3[r];
      wq[2 * r + 1] = w3[r];
    }
    w.put(dev.tpucost.gnn.net.Head.QUANTILE_WEIGHTS, w3.length, 2, wq);
    w.put(dev.tpucost.gnn.net.Head.QUANTILE_BIAS, 1, 2, new float[] {b3, b3});
    new dev.tpucost.gnn.IntervalCalibration(COVERAGE, q.getAsDouble() / init.targetStd(), residuals.length,
        java.util.Optional.empty(), 0, List.of(chip)).writeTo(info);
    ((ObjectNode) info.get(dev.tpucost.gnn.IntervalCalibration.INFO_KEY))
        .put("method", "symmetric, split-conformal on leave-one-kernel-out residuals of the measurements")
        .put("half_width_ln", q.getAsDouble());
  }

  private static double meanSquare(double[] r) {
    double s = 0;
    for (double v : r) {
      s += v * v;
    }
    return s / Math.max(1, r.length);
  }

  /** {@code ln(predicted / measured)} of the model with weights {@code w} on one kernel's measured configurations. */
  private static double[] logResiduals(ModelFile init, Weights w, Trainer.Example e) {
    Forward f = new Forward(init.hyper(), w);
    float[][] cfg = new float[e.configs().length][];
    for (int j = 0; j < cfg.length; j++) {
      cfg[j] = init.configNorm().apply(e.configs()[j].clone());
    }
    float[] out = f.outputs(e.graph(), init.nodeNorm(), cfg);
    double[] r = new double[out.length];
    for (int j = 0; j < out.length; j++) {
      double t = out[j] * init.targetStd() + init.targetMean();
      double predicted = e.baseNs()[j] * Math.exp(t);
      r[j] = Math.log(predicted / e.runtimes()[j]);
    }
    return r;
  }

  /**
   * The measured records as examples: featurised against {@code chip}'s analytical model, with the chip's
   * figures appended for a chip-conditioned model; a per-chip model must have been trained for {@code chip}.
   */
  private static List<Trainer.Example> examples(ModelFile init, ChipSpec chip, List<KernelRecord> records) {
    boolean conditioned = init.hyper().configFeatures() == dev.tpucost.gnn.ConfigFeatures.CHIP_WIDTH;
    checkArgument(conditioned || init.chip().sameHardware(chip), "the model was trained for chip %s, the measurements"
        + " are from %s; fine-tune a model trained for %s, or a chip-conditioned one", init.chip().name(), chip.name(),
        chip.name());
    return TrainingSet.examples(records, AnalyticalModel.create(chip), TargetBase.ofKind(init.kind()), 0, conditioned);
  }
}
