package dev.tpucost.gnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a model's quantile outputs ({@link dev.tpucost.gnn.net.Head#QUANTILE_WEIGHTS}) become an interval:
 * conformalised quantile regression (Romano, Patterson and Candès, NeurIPS 2019). On held-out samples the
 * conformity score of a sample is {@code max(low - y, y - high)} in the normalised target (low and high first
 * widened to hold the point output); {@code widening} is the score's {@code coverage} quantile there, so that
 * {@code [low - widening, high + widening]} held that share of the held-out targets. A chip-conditioned model
 * may also carry {@code unseenChipWidening}, the same quantile on chips it was not trained on (calibration
 * chips; the largest of their per-chip quantiles), used for any chip whose figures match none of its
 * {@code trainingChips}: held-out programs of a training chip and an unseen chip are different questions, and the
 * first answer is too sure for the second.
 * A hybrid calibrated on such chips also carries {@code unseenChipCorrectionWeight}: on an unseen chip its
 * learned log-correction of the analytical estimate is multiplied by this weight in [0, 1] (least squares on the
 * calibration chips' samples), so that it leans on the analytical model as far as the learned part proved
 * unreliable off its training chips; interval and widening are taken after the weighting.
 * It may weight the correction's two parts apart ({@code unseenChipLevelWeight}): a kernel's <em>level</em>, the
 * correction at its default tile (what a fusion pass asks), and the <em>shape</em> across its tiles, each tile's
 * correction less the level (what ranking tiles asks): {@code level * c(default) + shape * (c(tile) - c(default))}.
 * Off the training chips the level carries a chip's unstated constants (step overhead, MXU fill) and transfers
 * worse than the shape does, which follows the tile geometry; one weight for both either keeps a wrong level or
 * throws away a right ranking. Recorded in a model file's {@code info.interval}.
 *
 * @param coverage the nominal share of true runtimes inside (0.8)
 * @param widening added to both ends, in target standard deviations (negative: the quantile outputs were too wide)
 * @param samples held-out samples the widening was chosen on
 * @param unseenChipWidening the widening for chips unlike every training chip, if calibrated
 * @param unseenChipSamples samples of calibration chips it was chosen on (0 if none)
 * @param trainingChips the chips the model was trained on (empty if not recorded)
 * @param unseenChipCorrectionWeight a hybrid's weight of its learned correction on unseen chips (1: unweighted); of
 *     the correction's shape across a kernel's tiles when {@code unseenChipLevelWeight} differs
 * @param unseenChipLevelWeight a hybrid's weight of the correction's level (at a kernel's default tile) on unseen
 *     chips; equal to {@code unseenChipCorrectionWeight} for one weight of the whole correction (files before it)
 */
public record IntervalCalibration(double coverage, double widening, long samples, Optional<Double> unseenChipWidening,
    long unseenChipSamples, List<ChipSpec> trainingChips, double unseenChipCorrectionWeight,
    double unseenChipLevelWeight) {
  /** The key in a model file's {@code info}. */
  public static final String INFO_KEY = "interval";

  /** Validates the figures. */
  public IntervalCalibration {
    if (!(coverage > 0 && coverage < 1) || !Double.isFinite(widening) || samples < 1
        || unseenChipWidening.map(w -> !Double.isFinite(w)).orElse(false)
        || (unseenChipWidening.isPresent() != unseenChipSamples > 0)
        || !(unseenChipCorrectionWeight >= 0 && unseenChipCorrectionWeight <= 1)
        || !(unseenChipLevelWeight >= 0 && unseenChipLevelWeight <= 1)) {
      throw new IllegalArgumentException("an interval calibration needs a coverage in (0, 1), finite widenings and"
          + " their samples, weights in [0, 1]; got " + coverage + ", " + widening + ", " + samples + ", "
          + unseenChipWidening + ", " + unseenChipSamples + ", correction weight " + unseenChipCorrectionWeight
          + ", level weight " + unseenChipLevelWeight);
    }
    trainingChips = List.copyOf(trainingChips);
  }

  /** A calibration on the training chips' held-out programs only. */
  public IntervalCalibration(double coverage, double widening, long samples) {
    this(coverage, widening, samples, Optional.empty(), 0, List.of());
  }

  /** A calibration without a correction weight for unseen chips (files before it: weight 1). */
  public IntervalCalibration(double coverage, double widening, long samples, Optional<Double> unseenChipWidening,
      long unseenChipSamples, List<ChipSpec> trainingChips) {
    this(coverage, widening, samples, unseenChipWidening, unseenChipSamples, trainingChips, 1);
  }

  /** A calibration with one weight of a hybrid's whole correction on unseen chips (files before the split: level = shape). */
  public IntervalCalibration(double coverage, double widening, long samples, Optional<Double> unseenChipWidening,
      long unseenChipSamples, List<ChipSpec> trainingChips, double unseenChipCorrectionWeight) {
    this(coverage, widening, samples, unseenChipWidening, unseenChipSamples, trainingChips, unseenChipCorrectionWeight,
        unseenChipCorrectionWeight);
  }

  /** True if {@code chip}'s figures match none of the training chips and unseen chips were calibrated. */
  public boolean isUnseen(ChipSpec chip) {
    return unseenChipWidening.isPresent() && trainingChips.stream().noneMatch(chip::sameHardware);
  }

  /** The weight of a hybrid's learned correction on {@code chip}: {@link #unseenChipCorrectionWeight} if unseen, else 1. */
  public double correctionWeightFor(ChipSpec chip) {
    return isUnseen(chip) ? unseenChipCorrectionWeight : 1;
  }

  /**
   * The weight of the level of a hybrid's learned correction (its value at a kernel's default tile) on {@code chip}:
   * {@link #unseenChipLevelWeight} if unseen, else 1. Equal to {@link #correctionWeightFor} unless the two parts were
   * weighted apart.
   */
  public double levelWeightFor(ChipSpec chip) {
    return isUnseen(chip) ? unseenChipLevelWeight : 1;
  }

  /**
   * The widening for {@code chip}: {@link #unseenChipWidening} if there is one and the chip's figures match no
   * training chip, else {@link #widening}.
   */
  public double wideningFor(ChipSpec chip) {
    if (isUnseen(chip)) {
      return unseenChipWidening.get();
    }
    return widening;
  }

  /** The calibration recorded in a model file's {@code info}, if any. */
  public static Optional<IntervalCalibration> of(JsonNode info) {
    JsonNode n = info.path(INFO_KEY);
    if (!n.isObject()) {
      return Optional.empty();
    }
    List<ChipSpec> chips = new ArrayList<>();
    n.path("training_chips").forEach(c -> chips.add(ChipFiles.fromTree(c, "model info.interval.training_chips")));
    JsonNode unseen = n.path("unseen_chip_widening");
    return Optional.of(new IntervalCalibration(n.path("coverage").asDouble(), n.path("widening").asDouble(),
        n.path("samples").asLong(), unseen.isNumber() ? Optional.of(unseen.asDouble()) : Optional.empty(),
        n.path("unseen_chip_samples").asLong(0), chips, n.path("unseen_chip_correction_weight").asDouble(1),
        n.path("unseen_chip_level_weight").asDouble(n.path("unseen_chip_correction_weight").asDouble(1))));
  }

  /** Writes this calibration into {@code info}. */
  public void writeTo(ObjectNode info) {
    ObjectNode n = info.putObject(INFO_KEY).put("method", "conformalised quantile regression").put("coverage", coverage)
        .put("widening", widening).put("samples", samples);
    if (unseenChipWidening.isPresent()) {
      n.put("unseen_chip_widening", unseenChipWidening.get()).put("unseen_chip_samples", unseenChipSamples);
    }
    if (unseenChipCorrectionWeight != 1) {
      n.put("unseen_chip_correction_weight", unseenChipCorrectionWeight);
    }
    if (unseenChipLevelWeight != unseenChipCorrectionWeight) {
      n.put("unseen_chip_level_weight", unseenChipLevelWeight);
    }
    if (!trainingChips.isEmpty()) {
      ArrayNode a = n.putArray("training_chips");
      for (ChipSpec c : trainingChips) {
        try {
          a.add(dev.tpucost.api.io.JsonTrees.parse(ChipFiles.toJson(c)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException("cannot write chip " + c.name(), e);
        }
      }
    }
  }
}
