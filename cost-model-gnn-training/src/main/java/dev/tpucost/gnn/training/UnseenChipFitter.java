package dev.tpucost.gnn.training;

import dev.tpucost.gnn.IntervalCalibration;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.net.Forward;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a chip-conditioned model does on chips unlike its training chips, chosen on calibration chips' samples
 * ({@link IntervalCalibration}): the unseen-chip widening of its interval (the largest of the chips' own conformal
 * widenings) and, for a hybrid, the weight of its learned correction there (one weight, or the correction's level
 * at each kernel's default tile and its shape across tiles apart). {@link IntervalFitter} calls it after fitting
 * the quantile outputs; {@link #recalibrate} runs it alone on a model that has them.
 */
public final class UnseenChipFitter {
  private UnseenChipFitter() {}

  /**
   * {@code model} (a chip-conditioned model that has an interval and records its training chips) with only its
   * unseen-chip part chosen again on {@code calibrationDirs} — the widening and, for a hybrid, the correction's
   * weights (apart with {@code levelApart}) —, its quantile outputs and the training chips' widening kept: what a
   * user with a few programs of their own chip (simulated, or measured with {@code dataset --from-tuning}) runs to
   * calibrate the shipped model for it, without the datasets it was trained on.
   */
  public static ModelFile recalibrate(ModelFile model, List<java.nio.file.Path> calibrationDirs, boolean levelApart,
      Consumer<String> log) throws java.io.IOException {
    IntervalCalibration old = IntervalCalibration.of(model.info()).orElse(null);
    boolean conditioned = model.hyper().configFeatures() == dev.tpucost.gnn.ConfigFeatures.CHIP_WIDTH;
    Forward withQ = new Forward(model.hyper(), model.weights());
    if (!conditioned) {
      throw new IllegalArgumentException("calibration chips are for chip-conditioned models; this one serves one chip ("
          + model.chip().name() + ")");
    }
    if (old == null || old.trainingChips().isEmpty() || !withQ.head().hasQuantiles()) {
      throw new IllegalArgumentException("calibrating without the training datasets needs a model with an interval and"
          + " its training chips recorded; give this one --data (the datasets it was trained on)");
    }
    if (calibrationDirs.isEmpty()) {
      throw new IllegalArgumentException("calibrating without the training datasets needs calibration datasets");
    }
    if (levelApart && !model.kind().equals("hybrid")) {
      throw new IllegalArgumentException("weighing the level apart is for a hybrid's learned correction; this is a "
          + model.kind());
    }
    List<List<Trainer.Example>> unseen = calibrationExamples(model, calibrationDirs, old.trainingChips(), true);
    Part part = choose(model, withQ, unseen, levelApart, old.widening(), log);
    IntervalCalibration cal = new IntervalCalibration(old.coverage(), old.widening(), old.samples(),
        Optional.of(part.widening()), part.samples(), old.trainingChips(), part.weight().shape(), part.weight().level());
    return IntervalFitter.withCalibration(model, cal, model.weights());
  }

  /** Per calibration dataset, its examples; refused if its chip is one of {@code trainingChips} or none is accepted. */
  static List<List<Trainer.Example>> calibrationExamples(ModelFile model, List<java.nio.file.Path> dirs,
      List<dev.tpucost.api.chip.ChipSpec> trainingChips, boolean conditioned) throws java.io.IOException {
    List<List<Trainer.Example>> unseen = new ArrayList<>();
    for (java.nio.file.Path dir : dirs) {
      dev.tpucost.corpus.dataset.DatasetReader reader = dev.tpucost.corpus.dataset.DatasetReader.open(dir);
      dev.tpucost.api.chip.ChipSpec c = reader.chip();
      if (trainingChips.stream().anyMatch(c::sameHardware)) {
        throw new IllegalArgumentException(dir + ": chip " + c.name() + " is one the model was trained on; calibration"
            + " chips must be unseen");
      }
      List<Trainer.Example> examples = TrainingSet.all(reader, TargetBase.ofKind(model.kind()), conditioned);
      if (examples.isEmpty()) {
        throw new IllegalArgumentException(dir + ": no sample of calibration chip " + c.name() + " that the model"
            + " accepts; a calibration chip needs samples to choose its widening on");
      }
      unseen.add(examples);
    }
    return unseen;
  }

  /** What the calibration chips chose: the unseen-chip widening, its samples, a hybrid's correction weights. */
  record Part(double widening, long samples, Weighting weight) {}

  /**
   * The unseen-chip part of an interval, chosen on {@code unseen} (per calibration chip) with the quantile outputs
   * of {@code withQ}: a hybrid's correction weights first (one, or level and shape apart), then the largest of the
   * chips' own conformal widenings after weighting ({@code seenWidening} only for the log).
   */
  static Part choose(ModelFile model, Forward withQ, List<List<Trainer.Example>> unseen,
      boolean levelApart, double seenWidening, Consumer<String> log) {
    List<IntervalFitter.Samples> perChip = new ArrayList<>();
    for (List<Trainer.Example> chip : unseen) {
      perChip.add(IntervalFitter.samples(model, withQ, chip, null, levelApart));
    }
    Weighting weight = Weighting.NONE;
    if (model.kind().equals("hybrid")) {
      int n = perChip.stream().mapToInt(p -> p.y().length).sum();
      if (levelApart) {
        weight = correctionWeights(model, perChip);
        log.accept(String.format("learned correction on chips not trained on: its level (at each kernel's default"
            + " tile) weighted by %.3f, its shape across tiles by %.3f (least squares over %d samples of the"
            + " calibration chips)", weight.level(), weight.shape(), n));
      } else {
        double whole = correctionWeight(model, perChip);
        weight = new Weighting(whole, whole);
        log.accept(String.format("learned correction on chips not trained on weighted by %.3f (least squares over %d"
            + " samples of the calibration chips)", whole, n));
      }
    }
    double largest = Double.NEGATIVE_INFINITY;
    long samples = 0;
    for (int c = 0; c < perChip.size(); c++) {
      float[] us = IntervalFitter.scores(model, withQ, perChip.get(c), weight);
      double chipWidening = IntervalFitter.quantile(us);
      largest = Math.max(largest, chipWidening);
      samples += us.length;
      log.accept(String.format("interval on calibration chip %d of %d (not trained on): %.1f%% of %d samples inside"
          + " before widening, %.4f target deviations for %.0f%%", c + 1, perChip.size(), 100.0 * IntervalFitter.countInside(us)
          / us.length, us.length, chipWidening, 100 * IntervalFitter.COVERAGE));
    }
    log.accept(String.format("interval on chips not trained on: widened by %.4f target deviations, the largest of"
        + " the %d calibration chips' (%d samples; %.4f on the training chips' held-out programs)", largest,
        perChip.size(), samples, seenWidening));
    return new Part(largest, samples, weight);
  }

  /**
   * A hybrid's weights on unseen chips of its learned correction's level (at a kernel's default tile) and shape
   * (each tile's difference from it); equal for one weight of the whole correction.
   */
  record Weighting(double level, double shape) {
    static final Weighting NONE = new Weighting(1, 1);

    /** The weighted log value of learned log value {@code x} of a tile whose kernel's default-tile correction is {@code l}. */
    double apply(double x, double l) {
      return level * l + shape * (x - l);
    }
  }

  /**
   * The weight in [0, 1] of a hybrid's whole learned log-correction {@code c} that fits the true log-corrections
   * {@code Y} of every sample of {@code checks} best in least squares: {@code sum(c Y) / sum(c^2)}, clamped (1
   * without signal).
   */
  private static double correctionWeight(ModelFile model, List<IntervalFitter.Samples> checks) {
    double cy = 0;
    double cc = 0;
    for (IntervalFitter.Samples check : checks) {
      for (int i = 0; i < check.y().length; i++) {
        double c = IntervalFitter.logTarget(model, check.out()[i]);
        cy += c * IntervalFitter.logTarget(model, check.y()[i]);
        cc += c * c;
      }
    }
    return cc > 0 ? clamp(cy / cc) : 1;
  }

  /**
   * The weights in [0, 1] of a hybrid's learned log-correction's level {@code L} (at the kernel's default tile)
   * and shape {@code c - L}, each fitted in least squares on what it is used for: the level on the kernels'
   * default samples, {@code Y(default) ~ a L}; the shape on each sample's difference from its kernel's default,
   * {@code Y - Y(default) ~ b (c - L)}; a kernel without a default sample counts for neither. Clamped to [0, 1];
   * 1 for a part without signal.
   */
  static Weighting correctionWeights(ModelFile model, List<IntervalFitter.Samples> checks) {
    double ll = 0;
    double ly = 0;
    double ss = 0;
    double sy = 0;
    for (IntervalFitter.Samples check : checks) {
      for (int i = 0; i < check.y().length; i++) {
        if (Float.isNaN(check.levelTruth()[i])) {
          continue;
        }
        double l = check.level()[i];
        double yl = IntervalFitter.logTarget(model, check.levelTruth()[i]);
        if (check.isDefault()[i]) {
          ll += l * l;
          ly += l * yl;
        } else {
          double d = IntervalFitter.logTarget(model, check.out()[i]) - l;
          double dy = IntervalFitter.logTarget(model, check.y()[i]) - yl;
          ss += d * d;
          sy += d * dy;
        }
      }
    }
    return new Weighting(ll > 0 ? clamp(ly / ll) : 1, ss > 0 ? clamp(sy / ss) : 1);
  }

  private static double clamp(double w) {
    return Math.max(0, Math.min(1, w));
  }
}
