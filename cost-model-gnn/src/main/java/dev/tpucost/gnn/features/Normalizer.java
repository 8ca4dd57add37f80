package dev.tpucost.gnn.features;

/**
 * Per-feature standardisation {@code (x - mean) / std} with statistics from the training split; saved
 * with the model. A feature that never varied gets {@code std = 1}.
 *
 * @param mean per-feature mean
 * @param std per-feature standard deviation
 */
public record Normalizer(float[] mean, float[] std) {
  /** Statistics of rows of {@code width} features accumulated by {@link Accumulator}. */
  public static final class Accumulator {
    private final double[] sum;
    private final double[] sumSq;
    private long count;

    /** An accumulator for {@code width} features. */
    public Accumulator(int width) {
      sum = new double[width];
      sumSq = new double[width];
      min = new double[width];
      max = new double[width];
      java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    private final double[] min;
    private final double[] max;

    /** Adds one row. */
    public void add(float[] row) {
      for (int i = 0; i < row.length; i++) {
        sum[i] += row[i];
        sumSq[i] += (double) row[i] * row[i];
        min[i] = Math.min(min[i], row[i]);
        max[i] = Math.max(max[i], row[i]);
      }
      count++;
    }

    /** Adds one row of doubles. */
    public void add(double[] row) {
      for (int i = 0; i < row.length; i++) {
        sum[i] += row[i];
        sumSq[i] += row[i] * row[i];
        min[i] = Math.min(min[i], row[i]);
        max[i] = Math.max(max[i], row[i]);
      }
      count++;
    }

    /** The normaliser of everything added. */
    public Normalizer build() {
      float[] mean = new float[sum.length];
      float[] std = new float[sum.length];
      for (int i = 0; i < sum.length; i++) {
        double m = count == 0 ? 0 : sum[i] / count;
        double var = count == 0 ? 0 : sumSq[i] / count - m * m;
        mean[i] = (float) m;
        // A constant feature (max == min) gets std 1: the sums' cancellation leaves it a variance of ~1e-11,
        // whose root made any other value tens of thousands of deviations away (a chip-conditioned model
        // trained on chips of 2 TensorCores saw v5e's 1 at -67,000).
        std[i] = var > 1e-12 && max[i] > min[i] ? (float) Math.sqrt(var) : 1f;
      }
      return new Normalizer(mean, std);
    }
  }

  /** {@code row} standardised in place; returns it. */
  public float[] apply(float[] row) {
    for (int i = 0; i < row.length; i++) {
      row[i] = (row[i] - mean[i]) / std[i];
    }
    return row;
  }

  /**
   * Rows {@code w[from, from + width)} of a linear layer fed this normaliser's output, folded so that the
   * layer takes raw features instead: returns {@code w[from + k] / std[k]} and subtracts
   * {@code (mean[k] / std[k]) w[from + k]} from {@code shift}, the layer's bias (in double).
   */
  public float[][] fold(float[][] w, int from, double[] shift) {
    int cols = shift.length;
    float[][] rows = new float[mean.length][cols];
    for (int k = 0; k < mean.length; k++) {
      double scale = 1.0 / std[k];
      double offset = mean[k] * scale;
      for (int c = 0; c < cols; c++) {
        rows[k][c] = (float) (w[from + k][c] * scale);
        shift[c] -= offset * w[from + k][c];
      }
    }
    return rows;
  }

  /** Width. */
  public int width() {
    return mean.length;
  }
}
