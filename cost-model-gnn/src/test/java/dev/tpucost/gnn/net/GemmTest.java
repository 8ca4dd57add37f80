package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmTest {
  @Test
  void theBuildsTestJvmRunsTheVectorKernel() {
    // The module's tests run with --add-modules jdk.incubator.vector (see the pom): the vector path is the one
    // checked below, and the one the command uses.
    assertThat(Gemm.VECTOR).isTrue();
  }

  @Test
  void vectorAndScalarPathsAgreeWithin1e5() {
    Random r = new Random(11);
    int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 48, 48}, {41, 144, 48}, {7, 64, 48}, {13, 20, 33}, {200, 48, 48},
        {5, 3, 100}, {9, 48, 17}};
    for (int[] sh : shapes) {
      int n = sh[0];
      int k = sh[1];
      int m = sh[2];
      float[][] a = random(r, n, k, true);
      float[][] w = random(r, k + 3, m, false);
      float[][] v = random(r, n, m, false);
      float[][] s = new float[n][];
      for (int i = 0; i < n; i++) {
        s[i] = v[i].clone();
      }
      double[][] exact = new double[n][m];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < m; c++) {
          exact[i][c] = v[i][c];
          for (int q = 0; q < k; q++) {
            exact[i][c] += (double) a[i][q] * w[3 + q][c];
          }
        }
      }
      VectorGemm.accumulate(a, n, w, 3, k, v);
      Gemm.scalar(a, n, w, 3, k, s);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < m; c++) {
          assertThat(Math.abs(v[i][c] - s[i][c])).as("%dx%dx%d at %d,%d", n, k, m, i, c)
              .isLessThanOrEqualTo(1e-5f * (1 + Math.abs(s[i][c])));
          assertThat(Math.abs(s[i][c] - exact[i][c])).as("scalar vs exact, %dx%dx%d at %d,%d", n, k, m, i, c)
              .isLessThanOrEqualTo(1e-5 * (1 + Math.abs(exact[i][c])));
        }
      }
    }
  }

  @Test
  void onlyTheFirstNRowsAreTouched() {
    float[][] a = {{1, 1}, {1, 1}, {1, 1}};
    float[][] w = {{1, 2, 3}, {4, 5, 6}};
    float[][] out = new float[3][3];
    Gemm.accumulate(a, 2, w, 0, 2, out);
    assertThat(out[0]).containsExactly(5, 7, 9);
    assertThat(out[1]).containsExactly(5, 7, 9);
    assertThat(out[2]).containsExactly(0, 0, 0);
  }

  private static float[][] random(Random r, int rows, int cols, boolean sparse) {
    float[][] out = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < cols; c++) {
        out[i][c] = sparse && r.nextInt(3) == 0 ? 0 : (float) r.nextGaussian();
      }
    }
    return out;
  }
}
