package dev.tpucost.corpus.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {
  /** The textbook O(n^2) tau-b, NaN predictions ranking last: the oracle for the library's O(n log n) one. */
  private static double pairwiseTauB(double[] p, double[] a) {
    long c = 0;
    long d = 0;
    long tp = 0;
    long ta = 0;
    for (int i = 0; i < p.length; i++) {
      for (int j = i + 1; j < p.length; j++) {
        int dp = Double.compare(Double.isNaN(p[i]) ? Double.POSITIVE_INFINITY : p[i],
            Double.isNaN(p[j]) ? Double.POSITIVE_INFINITY : p[j]);
        int da = Double.compare(a[i], a[j]);
        if (dp == 0 && da == 0) {
          continue;
        }
        if (dp == 0) {
          tp++;
        } else if (da == 0) {
          ta++;
        } else if (dp == da) {
          c++;
        } else {
          d++;
        }
      }
    }
    double denom = Math.sqrt((double) (c + d + tp) * (c + d + ta));
    return denom == 0 ? 0 : (c - d) / denom;
  }

  @Test
  void kendallTauMatchesThePairwiseDefinitionWithTiesAndRefusals() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + r.nextInt(60);
      double[] p = new double[n];
      double[] a = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = r.nextInt(5) == 0 ? Double.NaN : r.nextInt(12); // ties and refused tiles
        a[i] = r.nextInt(15);
      }
      assertThat(Metrics.kendallTau(p, a)).as("trial %d", trial).isCloseTo(pairwiseTauB(p, a), within(1e-12));
    }
    assertThat(Metrics.kendallTau(new double[] {1}, new double[] {2})).isZero();
    assertThat(Metrics.kendallTau(new double[] {3, 3, 3}, new double[] {1, 2, 3})).isZero();
    assertThat(Metrics.kendallTau(new double[] {1, 2, 3}, new double[] {10, 20, 30})).isEqualTo(1.0);
  }

  @Test
  void topKSlowdownAndApe() {
    double[] actual = {10, 20, 30};
    assertThat(Metrics.topKSlowdown(new double[] {3, 2, 1}, actual, 1)).isEqualTo(2.0);
    assertThat(Metrics.topKSlowdown(new double[] {3, 2, 1}, actual, 3)).isZero();
    assertThat(Metrics.topKSlowdown(new double[] {Double.NaN, 2, 1}, actual, 2)).isEqualTo(1.0);
    assertThat(Metrics.ape(12, 10)).isCloseTo(0.2, within(1e-12));
  }
}
