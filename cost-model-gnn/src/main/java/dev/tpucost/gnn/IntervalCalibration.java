package dev.tpucost.gnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * How a model's quantile outputs ({@link dev.tpucost.gnn.net.Head#QUANTILE_WEIGHTS}) become an interval:
 * conformalised quantile regression (Romano, Patterson and Candès, NeurIPS 2019). On held-out samples the
 * conformity score of a sample is {@code max(low - y, y - high)} in the normalised target (low and high first
 * widened to hold the point output); {@code widening} is the score's {@code coverage} quantile there, so that
 * {@code [low - widening, high + widening]} held that share of the held-out targets. Recorded in a model file's
 * {@code info.interval}.
 *
 * @param coverage the nominal share of true runtimes inside (0.8)
 * @param widening added to both ends, in target standard deviations (negative: the quantile outputs were too wide)
 * @param samples held-out samples the widening was chosen on
 */
public record IntervalCalibration(double coverage, double widening, long samples) {
  /** The key in a model file's {@code info}. */
  public static final String INFO_KEY = "interval";

  /** Validates the figures. */
  public IntervalCalibration {
    if (!(coverage > 0 && coverage < 1) || !Double.isFinite(widening) || samples < 1) {
      throw new IllegalArgumentException("an interval calibration needs a coverage in (0, 1), a finite widening and"
          + " samples; got " + coverage + ", " + widening + ", " + samples);
    }
  }

  /** The calibration recorded in a model file's {@code info}, if any. */
  public static Optional<IntervalCalibration> of(JsonNode info) {
    JsonNode n = info.path(INFO_KEY);
    if (!n.isObject()) {
      return Optional.empty();
    }
    return Optional.of(new IntervalCalibration(n.path("coverage").asDouble(), n.path("widening").asDouble(),
        n.path("samples").asLong()));
  }

  /** Writes this calibration into {@code info}. */
  public void writeTo(ObjectNode info) {
    info.putObject(INFO_KEY).put("method", "conformalised quantile regression").put("coverage", coverage)
        .put("widening", widening).put("samples", samples);
  }
}
