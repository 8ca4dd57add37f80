package dev.tpucost.gnn.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.gnn.IntervalCalibration;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.net.Forward;
import dev.tpucost.gnn.net.Head;
import dev.tpucost.gnn.net.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Gives a trained model an interval: two quantile outputs on the head's last hidden layer
 * ({@link Head#QUANTILE_WEIGHTS}), fitted with the network frozen, then conformalised
 * ({@link IntervalCalibration}). Quantile heads over the one shared encoder, not an ensemble of networks: a
 * config costs two more 16-wide dot products. Because the network is frozen, the point predictions (and every
 * accuracy figure) are exactly the model's before.
 *
 * <ol>
 *   <li>On the training examples (up to {@link #CONFIGS_PER_KERNEL} seeded configs per kernel), the low and high
 *       outputs are linear in the last hidden layer {@code z}; each minimises the pinball loss of its quantile
 *       ({@link #LOW} and {@link #HIGH}; a convex problem), by full-batch Adam from the point output's weights
 *       shifted by the residuals' quantile.
 *   <li>On the validation examples (every config), the conformity scores {@code max(low - y, y - high)} give
 *       the widening that makes {@link #COVERAGE} of them fall inside (training residuals are smaller than
 *       held-out ones, so the fitted band alone is too narrow).
 * </ol>
 */
public final class IntervalFitter {
  /** Nominal coverage of the interval. */
  public static final double COVERAGE = 0.8;
  /** Quantile of the low output. */
  static final double LOW = 0.1;
  /** Quantile of the high output. */
  static final double HIGH = 0.9;
  /** Configs per training kernel the quantile outputs are fitted on. */
  static final int CONFIGS_PER_KERNEL = 16;
  /** Full-batch Adam iterations per quantile output. */
  static final int ITERATIONS = 400;

  private IntervalFitter() {}

  /**
   * {@code model} with an interval fitted on the training and validation parts of {@code dataDirs} (the
   * datasets it was trained on, with its split; a warning if their manifests are not the ones the model
   * records): for a model trained before intervals existed. The network is not changed.
   */
  public static ModelFile fit(ModelFile model, List<java.nio.file.Path> dataDirs, Consumer<String> log)
      throws java.io.IOException {
    return fit(model, dataDirs, List.of(), false, log);
  }

  /**
   * As {@link #fit(ModelFile, List, Consumer)}; a chip-conditioned model also gets a widening for unseen chips,
   * chosen on {@code calibrationDirs}: datasets of chips it was not trained on, one chip each (refused if one
   * is a training chip); a hybrid also the weight of its correction there, one weight of the whole correction,
   * or with {@code levelApart} its level and shape weighted apart ({@link UnseenChipFitter}).
   */
  public static ModelFile fit(ModelFile model, List<java.nio.file.Path> dataDirs,
      List<java.nio.file.Path> calibrationDirs, boolean levelApart, Consumer<String> log) throws java.io.IOException {
    Trainer.Options d = Trainer.Options.defaults();
    String split = model.info().path("options").path("split").asText("random");
    long seed = model.info().path("options").path("seed").asLong(1);
    Trainer.Options o = new Trainer.Options(d.task(), split, d.epochs(), seed, TargetBase.ofKind(model.kind()),
        d.batchKernels(), d.configsPerKernel(), d.learningRate(), d.rankWeight(), d.patience(), model.hyper(), 0);
    TrainingSet data = TrainingSet.load(dataDirs, o, log);
    if (!model.datasetHashes().equals(List.of(data.datasetHash().split("\\+")))) {
      log.accept("warning: these datasets are not the ones the model was trained on (manifest hashes differ): the"
          + " validation part the interval is calibrated on may hold programs the model was trained on, and the"
          + " interval come out too narrow");
    }
    boolean conditioned = model.hyper().configFeatures() == dev.tpucost.gnn.ConfigFeatures.CHIP_WIDTH;
    if (!calibrationDirs.isEmpty() && !conditioned) {
      throw new IllegalArgumentException("calibration chips are for chip-conditioned models; this one serves one chip");
    }
    if (levelApart && (!model.kind().equals("hybrid") || calibrationDirs.isEmpty())) {
      throw new IllegalArgumentException("weighing the level apart is for a hybrid's learned correction on calibration"
          + " chips; this is a " + model.kind() + (calibrationDirs.isEmpty() ? " without calibration chips" : ""));
    }
    List<List<Trainer.Example>> unseen = UnseenChipFitter.calibrationExamples(model, calibrationDirs, data.chipSpecs(), conditioned);
    return fit(model, data.train(), data.val(), conditioned ? data.chipSpecs() : List.of(), unseen, levelApart, seed,
        log);
  }

  /**
   * Samples of the last hidden layer: {@code z} per sample, the normalised target, the point output, and the
   * learned log-correction at the sample's kernel's default tile ({@code level}; 0 if the kernel has no default
   * sample, as the model takes it for a default it refuses), the true one there ({@code levelTruth}, normalised
   * as {@code y}; NaN without a default sample) and whether the sample is its kernel's default (the last three
   * only where asked for: {@link #samples}).
   */
  record Samples(float[][] z, float[] y, float[] out, double[] level, float[] levelTruth, boolean[] isDefault) {}

  /**
   * {@code model} with quantile outputs fitted on {@code train} and calibrated on {@code val} (examples of the
   * model's own features and targets), the network's other weights unchanged; recording the training chips and,
   * if {@code unseen} (per calibration chip, examples of chips the model was not trained on) is not empty, a
   * second widening for chips unlike every training chip: the largest of the calibration chips' own conformal
   * widenings, so that the interval held its coverage on each of them. (The quantile of their pooled scores
   * held it on average only, and an unseen chip further from the training chips than the average calibration
   * chip got less: 57-65% on held-out presets and far chips, measured.)
   */
  static ModelFile fit(ModelFile model, List<Trainer.Example> train, List<Trainer.Example> val,
      List<dev.tpucost.api.chip.ChipSpec> trainingChips, List<List<Trainer.Example>> unseen, boolean levelApart,
      long seed, Consumer<String> log) {
    if (model.hyper().earlyJoin()) {
      throw new IllegalArgumentException("intervals are fitted for late-join models only");
    }
    if (train.isEmpty() || val.isEmpty()) {
      throw new IllegalArgumentException("fitting an interval needs training and validation examples");
    }
    Weights w = Trainer.copy(model.weights());
    w.remove(Head.QUANTILE_WEIGHTS);
    w.remove(Head.QUANTILE_BIAS);
    Forward f = new Forward(model.hyper(), w);
    Samples fitOn = samples(model, f, train, new Random(seed), false);
    int width = f.head().hiddenWidth();
    float[] q = new float[width * 2];
    float[] b = new float[2];
    float[] last = w.get("w3").data(); // head2 x 1: one value per hidden unit
    float b3 = w.get("b3").data()[0];
    double[] taus = {LOW, HIGH};
    for (int k = 0; k < 2; k++) {
      double[] fitted = fitQuantile(fitOn, last, b3, taus[k]);
      for (int i = 0; i < width; i++) {
        q[i * 2 + k] = (float) fitted[i];
      }
      b[k] = (float) fitted[width];
    }
    w.put(Head.QUANTILE_WEIGHTS, width, 2, q);
    w.put(Head.QUANTILE_BIAS, 1, 2, b);
    Forward withQ = new Forward(model.hyper(), w);
    float[] scores = scores(model, withQ, val);
    long inside = countInside(scores);
    double widening = quantile(scores);
    Optional<Double> unseenWidening = Optional.empty();
    long unseenSamples = 0;
    UnseenChipFitter.Weighting weight = UnseenChipFitter.Weighting.NONE;
    if (!unseen.isEmpty()) {
      UnseenChipFitter.Part part = UnseenChipFitter.choose(model, withQ, unseen, levelApart, widening, log);
      unseenWidening = Optional.of(part.widening());
      unseenSamples = part.samples();
      weight = part.weight();
    }
    IntervalCalibration cal = new IntervalCalibration(COVERAGE, widening, scores.length, unseenWidening, unseenSamples,
        trainingChips, weight.shape(), weight.level());
    log.accept(String.format("interval: quantile outputs (%.0f%%, %.0f%%) fitted on %d training samples; %.1f%% of %d"
        + " validation samples inside before conformal widening, widened by %.4f target deviations for %.0f%%", 100 * LOW,
        100 * HIGH, fitOn.y().length, 100.0 * inside / scores.length, scores.length, cal.widening(), 100 * COVERAGE));
    return withCalibration(model, cal, w);
  }

  /** {@code model} with weights {@code w} and {@code cal} recorded in its info (the rest of its info kept). */
  static ModelFile withCalibration(ModelFile model, IntervalCalibration cal, Weights w) {
    ObjectNode info = model.info() != null && model.info().isObject() ? ((ObjectNode) model.info()).deepCopy()
        : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    cal.writeTo(info);
    return new ModelFile(model.kind(), model.hyper(), model.vocabulary(), model.nodeNorm(), model.configNorm(),
        model.targetMean(), model.targetStd(), model.chip(), info, w, model.extras());
  }

  /** Conformity scores {@code max(low - y, y - high)} of every config of {@code examples}, sorted. */
  private static float[] scores(ModelFile model, Forward withQ, List<Trainer.Example> examples) {
    return scores(model, withQ, samples(model, withQ, examples, null, false), UnseenChipFitter.Weighting.NONE);
  }

  /**
   * Conformity scores of {@code check}'s samples, sorted, in target deviations, for an output whose log target
   * is weighted by {@code weight} (a hybrid's correction on unseen chips; {@link UnseenChipFitter.Weighting#NONE} otherwise):
   * {@code max(w(t(low)) - t(y), t(y) - w(t(high))) / std} with {@code t} the log target of a normalised value
   * ({@code max(low - y, y - high)} unweighted).
   */
  static float[] scores(ModelFile model, Forward withQ, Samples check, UnseenChipFitter.Weighting weight) {
    float[] scores = new float[check.y().length];
    Head head = withQ.head();
    for (int i = 0; i < scores.length; i++) {
      double l = check.level()[i];
      double lo = weight.apply(logTarget(model, Math.min(head.quantileOf(0, check.z()[i]), check.out()[i])), l);
      double hi = weight.apply(logTarget(model, Math.max(head.quantileOf(1, check.z()[i]), check.out()[i])), l);
      double y = logTarget(model, check.y()[i]);
      scores[i] = (float) (Math.max(lo - y, y - hi) / model.targetStd());
    }
    Arrays.sort(scores);
    return scores;
  }

  /** The log target (log runtime, or a hybrid's log-correction) of a normalised value. */
  static double logTarget(ModelFile model, double normalised) {
    return normalised * model.targetStd() + model.targetMean();
  }

  /** The conformal quantile of sorted scores: the {@link #conformalRank}-th smallest (the largest if there are fewer). */
  static double quantile(float[] sorted) {
    return sorted[Math.min(sorted.length, conformalRank(sorted.length)) - 1];
  }

  /** The rank of {@link #COVERAGE}'s split-conformal quantile among {@code n} scores: {@code ceil((n + 1) * COVERAGE)}. */
  static int conformalRank(int n) {
    return (int) Math.ceil((n + 1) * COVERAGE);
  }

  static long countInside(float[] scores) {
    long n = 0;
    for (float s : scores) {
      n += s <= 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * The last hidden layer, target and output of the examples' configs: all of them with {@code r} null, else up
   * to {@link #CONFIGS_PER_KERNEL} per kernel picked with {@code r}; with {@code withLevel} also the kernels'
   * default-tile levels (only weighing a correction's level apart reads them; without, level 0 and no truth).
   */
  static Samples samples(ModelFile model, Forward f, List<Trainer.Example> examples, Random r, boolean withLevel) {
    List<float[]> z = new ArrayList<>();
    List<Float> y = new ArrayList<>();
    List<Float> out = new ArrayList<>();
    List<Double> level = new ArrayList<>();
    List<Float> levelTruth = new ArrayList<>();
    List<Boolean> isDefault = new ArrayList<>();
    for (Trainer.Example e : examples) {
      float[] late = f.lateHeadInput(e.graph(), f.base(e.graph(), model.nodeNorm()));
      int def = withLevel ? e.defaultIndex() : -1;
      double l = def < 0 ? 0 : logTarget(model, f.head().from(late, model.configNorm().apply(e.configs()[def].clone())));
      float truth = def < 0 ? Float.NaN : (float) ((e.targets()[def] - model.targetMean()) / model.targetStd());
      List<Integer> pick = new ArrayList<>();
      for (int j = 0; j < e.configs().length; j++) {
        pick.add(j);
      }
      if (r != null) {
        java.util.Collections.shuffle(pick, r);
        pick = pick.subList(0, Math.min(CONFIGS_PER_KERNEL, pick.size()));
      }
      for (int j : pick) {
        float[] c = model.configNorm().apply(e.configs()[j].clone());
        z.add(f.head().hidden(late, c));
        out.add(f.head().from(late, c));
        y.add((float) ((e.targets()[j] - model.targetMean()) / model.targetStd()));
        level.add(l);
        levelTruth.add(truth);
        isDefault.add(def >= 0 && j == def);
      }
    }
    float[] ya = new float[y.size()];
    float[] oa = new float[y.size()];
    double[] la = new double[y.size()];
    float[] lt = new float[y.size()];
    boolean[] def = new boolean[y.size()];
    for (int i = 0; i < ya.length; i++) {
      ya[i] = y.get(i);
      oa[i] = out.get(i);
      la[i] = level.get(i);
      lt[i] = levelTruth.get(i);
      def[i] = isDefault.get(i);
    }
    return new Samples(z.toArray(new float[0][]), ya, oa, la, lt, def);
  }

  /**
   * Weights (then bias, last) of the linear {@code tau}-quantile of {@code y} given {@code z}: minimises the
   * mean pinball loss by full-batch Adam (step 0.01 decaying to 1e-4), starting from the point output's weights
   * with the bias shifted by the residuals' {@code tau}-quantile.
   */
  static double[] fitQuantile(Samples s, float[] last, float b3, double tau) {
    int width = last.length;
    int n = s.y().length;
    double[] p = new double[width + 1];
    for (int i = 0; i < width; i++) {
      p[i] = last[i];
    }
    float[] res = new float[n];
    for (int j = 0; j < n; j++) {
      res[j] = s.y()[j] - s.out()[j];
    }
    Arrays.sort(res);
    p[width] = b3 + res[(int) Math.min(n - 1, Math.floor(tau * n))];
    double[] m = new double[width + 1];
    double[] v = new double[width + 1];
    double[] g = new double[width + 1];
    for (int it = 1; it <= ITERATIONS; it++) {
      Arrays.fill(g, 0);
      for (int j = 0; j < n; j++) {
        float[] z = s.z()[j];
        double q = p[width];
        for (int i = 0; i < width; i++) {
          q += p[i] * z[i];
        }
        // d pinball / d q: -tau above the quantile, 1 - tau below it.
        double d = s.y()[j] > q ? -tau : 1 - tau;
        for (int i = 0; i < width; i++) {
          g[i] += d * z[i];
        }
        g[width] += d;
      }
      double lr = 1e-4 + 0.5 * (1e-2 - 1e-4) * (1 + Math.cos(Math.PI * it / ITERATIONS));
      for (int i = 0; i <= width; i++) {
        double gi = g[i] / n;
        m[i] = 0.9 * m[i] + 0.1 * gi;
        v[i] = 0.999 * v[i] + 0.001 * gi * gi;
        double mh = m[i] / (1 - Math.pow(0.9, it));
        double vh = v[i] / (1 - Math.pow(0.999, it));
        p[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
      }
    }
    return p;
  }
}
