package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.gnn.features.Featurizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LanesTest {
  @Test
  void theVectorOperationsRunOnX86WithTheVectorApiOnly() {
    // The module's tests add jdk.incubator.vector (GemmTest): on x86-64 the vector path is the one checked below.
    boolean x86 = java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    assertThat(Lanes.VECTOR).isEqualTo(x86 && Gemm.VECTOR);
  }

  /** Feature-like values: whole numbers (tile bounds), huge counts, fractions, zero, negatives, NaN. */
  private static double[] values(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (i % 6) {
        case 0 -> r.nextInt(5000);
        case 1 -> Math.exp(r.nextDouble() * 60);
        case 2 -> r.nextDouble() * 3;
        case 3 -> 0;
        case 4 -> -r.nextDouble() * 10;
        default -> i % 12 == 5 ? Double.NaN : Math.floor(Math.exp(r.nextDouble() * 20));
      };
    }
    return v;
  }

  @Test
  void theScalarPathsMemoGivesEachValuesOwnLogarithmBitForBit() {
    Random r = new Random(22);
    for (int n : new int[] {Lanes.MEMO_FROM - 1, Lanes.MEMO_FROM, 200, 5000}) {
      double[] v = values(r, n);
      for (int i = 0; i < n; i += 3) {
        v[i] = v[r.nextInt(n)]; // repeats, near and far
      }
      v[n / 2] = Double.longBitsToDouble(0x7ff8_dead_beef_0001L); // the memo's empty key: a NaN
      double[] memo = v.clone();
      Lanes.scalarLog1p(memo, 0, n);
      for (int i = 0; i < n; i++) {
        // (bit for bit; a NaN, whatever its payload, as NaN)
        assertThat(Double.doubleToLongBits(memo[i])).as("value %s at %s of %s", v[i], i, n)
            .isEqualTo(Double.doubleToLongBits(Featurizer.log(v[i])));
      }
    }
  }

  @Test
  void vectorLogsEqualTheScalarFeatureLogWithinOneFloatUlp() {
    Random r = new Random(21);
    for (int n : new int[] {1, 7, 16, 17, 100, 4099}) { // full vectors, and runs ending in a partial one
      double[] v = values(r, n + 3);
      float[] f = new float[v.length];
      double[] d = v.clone();
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      float[] fromFloat = f.clone();
      VectorLanes.log1p(fromFloat, 2, 2 + n);
      VectorLanes.log1p(d, 2, 2 + n);
      for (int i = 0; i < v.length; i++) {
        boolean inside = i >= 2 && i < 2 + n;
        float scalarOfFloat = Featurizer.log(f[i]);
        float scalar = Featurizer.log(v[i]);
        if (!inside) {
          assertThat(fromFloat[i]).as("outside the run, untouched").isEqualTo(f[i]);
          assertThat(d[i]).isEqualTo(v[i]);
        } else if (Double.isNaN(v[i])) {
          assertThat(fromFloat[i]).isNaN();
          assertThat(d[i]).isNaN();
        } else {
          assertThat(Math.abs(fromFloat[i] - scalarOfFloat)).as("float ln(1 + %s)", f[i])
              .isLessThanOrEqualTo(Math.ulp(scalarOfFloat));
          assertThat(Math.abs((float) d[i] - scalar)).as("double ln(1 + %s)", v[i])
              .isLessThanOrEqualTo(Math.ulp(scalar));
        }
      }
    }
  }

  @Test
  void expIsMathExpBitForBitWhateverTheJitHasCompiled() {
    // The vector EXP differed in the last bit between its Java fallback and the compiled stub; Math.exp does not.
    Random r = new Random(22);
    double[] x = new double[4096];
    for (int i = 0; i < x.length; i++) {
      x[i] = (r.nextDouble() - 0.3) * 60;
    }
    for (int call = 0; call < 2000; call++) { // the first calls run cold, the last ones compiled
      double[] e = x.clone();
      Lanes.exp(e, 0, e.length);
      if (call == 0 || call == 1999) {
        for (int i = 0; i < x.length; i++) {
          assertThat(Double.doubleToRawLongBits(e[i])).as("exp(%s), call %s", x[i], call)
              .isEqualTo(Double.doubleToRawLongBits(Math.exp(x[i])));
        }
      }
    }
  }

  @Test
  void aValueDoesNotDependOnWhereInARunItLies() {
    // rank() of many configs and predict() of one must agree: a value in a run's partial last vector (padded)
    // equals the same value in a full vector.
    float[] f = {3, 4097, 1e9f, 0.5f, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29};
    float[] all = f.clone();
    VectorLanes.log1p(all, 0, f.length);
    for (int i = 0; i < f.length; i++) {
      float[] one = {f[i]};
      VectorLanes.log1p(one, 0, 1);
      assertThat(one[0]).as("ln(1 + %s)", f[i]).isEqualTo(all[i]);
    }
  }
}
