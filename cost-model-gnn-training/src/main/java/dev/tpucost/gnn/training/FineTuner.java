package dev.tpucost.gnn.training;

import dev.tpucost.api.chip.ChipSpec;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.gnn.ModelFile;
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
   * their mean squared log error, and the chosen count.
   */
  public record Selection(double[] heldOutLoss, int epochs) {}

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
    for (int held = 0; held < all.size(); held++) {
      List<Trainer.Example> train = new ArrayList<>(all);
      Trainer.Example test = train.remove(held);
      List<Weights> perEpoch = run(init, train, o, o.maxEpochs());
      for (int e = 0; e <= o.maxEpochs(); e++) {
        loss[e] += logLoss(init, perEpoch.get(e), test) / all.size();
      }
      log.accept(String.format("fold %d/%d (%s held out): held-out log-RMSE %.3f before, %.3f after %d epochs",
          held + 1, all.size(), test.kernel().name(), Math.sqrt(logLoss(init, perEpoch.get(0), test)),
          Math.sqrt(logLoss(init, perEpoch.get(o.maxEpochs()), test)), o.maxEpochs()));
    }
    int best = 0;
    for (int e = 1; e < loss.length; e++) {
      if (loss[e] < loss[best]) {
        best = e;
      }
    }
    return new Selection(loss, best);
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
    // Fine-tuning moves the last hidden layer: the quantile outputs fitted on it no longer hold, and a few hundred
    // measured samples are too few to refit and calibrate them. A fine-tuned model gives no interval.
    info.remove(dev.tpucost.gnn.IntervalCalibration.INFO_KEY);
    w.remove(dev.tpucost.gnn.net.Head.QUANTILE_WEIGHTS);
    w.remove(dev.tpucost.gnn.net.Head.QUANTILE_BIAS);
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
    return new ModelFile(init.kind(), init.hyper(), init.vocabulary(), init.nodeNorm(), init.configNorm(), init.targetMean(),
        init.targetStd(), init.chip(), info, w, java.util.Map.of());
  }

  /** Weights after 0..epochs epochs (index 0: the initial ones). */
  private static List<Weights> run(ModelFile init, List<Trainer.Example> train, Options o, int epochs) {
    Trainer.Options to = new Trainer.Options("both", "random", Math.max(1, epochs), o.seed(), init.kind().equals("hybrid"),
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

  /** Mean squared log error of the model with weights {@code w} on one kernel's measured configurations. */
  private static double logLoss(ModelFile init, Weights w, Trainer.Example e) {
    Forward f = new Forward(init.hyper(), w);
    float[][] cfg = new float[e.configs().length][];
    for (int j = 0; j < cfg.length; j++) {
      cfg[j] = init.configNorm().apply(e.configs()[j].clone());
    }
    float[] out = f.outputs(e.graph(), init.nodeNorm(), cfg);
    double s = 0;
    for (int j = 0; j < out.length; j++) {
      double t = out[j] * init.targetStd() + init.targetMean();
      double predicted = init.kind().equals("hybrid") ? e.analyticalNs()[j] * Math.exp(t) : Math.exp(t);
      double r = Math.log(predicted / e.runtimes()[j]);
      s += r * r;
    }
    return s / Math.max(1, out.length);
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
    return TrainingSet.examples(records, AnalyticalModel.create(chip), init.kind().equals("hybrid"), 0, conditioned);
  }
}
