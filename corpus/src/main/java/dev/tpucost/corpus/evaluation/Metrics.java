package dev.tpucost.corpus.evaluation;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;

/**
 * Metrics of the paper and of TpuGraphs. Predictions and runtimes are parallel arrays; a NaN prediction
 * (the model rejected a config the simulator ran) ranks last.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * Kendall's tau-b between predictions and runtimes (1 = same order); 0 for fewer than two items or when
   * either side is constant. O(n log n) (commons-math3's {@link KendallsCorrelation}, Knight's algorithm):
   * a ranking of every candidate of a large kernel costs milliseconds, not seconds.
   */
  public static double kendallTau(double[] predicted, double[] actual) {
    checkArgument(predicted.length == actual.length, "%s predictions for %s runtimes", predicted.length, actual.length);
    if (predicted.length < 2) {
      return 0;
    }
    double[] p = new double[predicted.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = rankValue(predicted[i]);
    }
    double tau = new KendallsCorrelation().correlation(p, actual);
    return Double.isNaN(tau) ? 0 : tau;
  }

  /**
   * TpuGraphs' top-K error: the best runtime among the K configs predicted fastest, relative to the best
   * runtime, minus one (0 = the model's top K contain the best config).
   */
  public static double topKSlowdown(double[] predicted, double[] actual, int k) {
    checkArgument(predicted.length == actual.length && predicted.length > 0, "need matching, non-empty arrays");
    Integer[] order = new Integer[predicted.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(rankValue(predicted[a]), rankValue(predicted[b])));
    double bestInTop = Double.POSITIVE_INFINITY;
    for (int i = 0; i < Math.min(k, order.length); i++) {
      bestInTop = Math.min(bestInTop, actual[order[i]]);
    }
    double best = Arrays.stream(actual).min().orElseThrow();
    return bestInTop / best - 1;
  }

  /** Absolute percentage error as a fraction: {@code |predicted - actual| / actual}. */
  public static double ape(double predicted, double actual) {
    return Math.abs(predicted - actual) / actual;
  }

  private static double rankValue(double p) {
    return Double.isNaN(p) ? Double.POSITIVE_INFINITY : p;
  }
}
