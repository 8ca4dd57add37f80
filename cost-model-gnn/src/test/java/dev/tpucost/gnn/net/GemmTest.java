package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
        {5, 3, 100}, {9, 48, 17}, {40, 40, 16}, {17, 16, 16}, {6, 16, 32}, {43, 16, 48}, {3, 7, 64},
        {12, 40, 16}, {7, 9, 16}, {15, 16, 16}, {2, 1, 16}}; // (one-vector rows: blocks of 8 and 4, then odd k alone)
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
  void multiplyOverwritesOnBothPaths() {
    Random r = new Random(12);
    for (int[] sh : new int[][] {{41, 16, 48}, {40, 40, 16}, {5, 9, 33}, {2, 3, 5}}) {
      float[][] a = random(r, sh[0], sh[1], true);
      float[][] w = random(r, sh[1], sh[2], false);
      float[][] v = random(r, sh[0], sh[2], false); // garbage the product must overwrite
      float[][] s = new float[sh[0]][sh[2]];
      VectorGemm.multiply(a, sh[0], w, 0, sh[1], v);
      Gemm.scalar(a, sh[0], w, 0, sh[1], s);
      for (int i = 0; i < sh[0]; i++) {
        for (int c = 0; c < sh[2]; c++) {
          assertThat(Math.abs(v[i][c] - s[i][c])).as("%s at %d,%d", java.util.Arrays.toString(sh), i, c)
              .isLessThanOrEqualTo(1e-5f * (1 + Math.abs(s[i][c])));
        }
      }
    }
  }

  @Test
  void neighbourMeansOnBothPathsMatchOneEdgeAtATime() {
    Random r = new Random(14);
    for (int width : new int[] {16, 5, 32}) {
      int n = 12;
      // edges grouped by destination (as the featuriser lists them), then the same edges shuffled, with a
      // self-loop, a repeated edge and nodes without neighbours
      int[] src = {0, 1, 1, 2, 0, 3, 5, 4, 4, 7, 8, 9, 9};
      int[] dst = {2, 2, 3, 3, 4, 5, 5, 6, 6, 7, 9, 10, 10};
      for (boolean shuffled : new boolean[] {false, true}) {
        if (shuffled) {
          for (int k = src.length - 1; k > 0; k--) {
            int j = r.nextInt(k + 1);
            int t = src[k];
            src[k] = src[j];
            src[j] = t;
            t = dst[k];
            dst[k] = dst[j];
            dst[j] = t;
          }
        }
        float[][] p = random(r, n, 3 * width, false);
        float[] invIn = new float[n];
        float[] invOut = new float[n];
        for (int i = 0; i < n; i++) {
          invIn[i] = r.nextFloat();
          invOut[i] = r.nextFloat();
        }
        double[][] expected = new double[n][width];
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < width; c++) {
            expected[i][c] = p[i][c];
          }
        }
        for (int k = 0; k < src.length; k++) {
          for (int c = 0; c < width; c++) {
            expected[dst[k]][c] += (double) invIn[dst[k]] * p[src[k]][width + c];
            expected[src[k]][c] += (double) invOut[src[k]] * p[dst[k]][2 * width + c];
          }
        }
        float[][] vector = copy(p);
        float[][] scalar = copy(p);
        Gemm.meanMessages(vector, vector, src, dst, invIn, invOut, width); // (the vector path: this JVM runs it)
        for (int k = 0; k < src.length; k++) { // the scalar path: one edge at a time
          for (int c = 0; c < width; c++) {
            scalar[dst[k]][c] += invIn[dst[k]] * scalar[src[k]][width + c];
          }
          for (int c = 0; c < width; c++) {
            scalar[src[k]][c] += invOut[src[k]] * scalar[dst[k]][2 * width + c];
          }
        }
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < 3 * width; c++) {
            float want = c < width ? (float) expected[i][c] : p[i][c];
            assertThat(vector[i][c]).as("width %d, shuffled %s, vector, %d,%d", width, shuffled, i, c)
                .isCloseTo(want, within(1e-5f * (1 + Math.abs(want))));
            assertThat(scalar[i][c]).as("width %d, shuffled %s, scalar, %d,%d", width, shuffled, i, c)
                .isCloseTo(want, within(1e-5f * (1 + Math.abs(want))));
          }
        }
      }
    }
  }

  @Test
  void neighbourMeansReadSharedRowsAndWriteEachNodesOwn() {
    // In the first layer a group's nodes read their first node's product row and add into their own first third.
    Random r = new Random(17);
    for (int width : new int[] {16, 5}) {
      int n = 9;
      int[] src = {1, 2, 3, 0, 4, 5, 6, 7, 8, 2, 8};
      int[] dst = {0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 7};
      int[] rep = {0, 1, 1, 3, 3, 3, 6, 7, 1};
      float[][] p = random(r, n, 3 * width, false);
      float[][] read = new float[n][];
      float[][] write = new float[n][3 * width];
      for (int i = 0; i < n; i++) {
        read[i] = p[rep[i]];
        System.arraycopy(p[rep[i]], 0, write[i], 0, width);
      }
      float[] invIn = new float[n];
      float[] invOut = new float[n];
      for (int i = 0; i < n; i++) {
        invIn[i] = r.nextFloat();
        invOut[i] = r.nextFloat();
      }
      float[][] before = copy(p);
      Gemm.meanMessages(read, write, src, dst, invIn, invOut, width);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < width; c++) {
          double want = p[rep[i]][c];
          for (int k = 0; k < src.length; k++) {
            want += dst[k] == i ? (double) invIn[i] * p[rep[src[k]]][width + c] : 0;
            want += src[k] == i ? (double) invOut[i] * p[rep[dst[k]]][2 * width + c] : 0;
          }
          assertThat(write[i][c]).as("width %d, node %d, %d", width, i, c)
              .isCloseTo((float) want, within(1e-5f * (1 + (float) Math.abs(want))));
        }
        assertThat(p[i]).as("read rows unchanged").containsExactly(before[i]);
      }
    }
  }

  @Test
  void summedResidualUpdatesEqualUpdatingThenAddingRowsOneAfterAnother() {
    Random r = new Random(15);
    for (int width : new int[] {16, 7, 40}) {
      float[][] x = random(r, 39, width, false);
      float[] y = random(r, 1, width, false)[0];
      float[][] from = random(r, 39, width, false);
      float[] sequential = new float[width];
      for (int i = 0; i < x.length; i++) {
        float[] updated = new float[width];
        VectorGemm.addReluOfSum(x[i], y, from[i], updated, width);
        for (int c = 0; c < width; c++) {
          assertThat(updated[c]).isEqualTo(from[i][c] + Math.max(0, x[i][c] + y[c]));
          sequential[c] += updated[c];
        }
      }
      float[] vector = new float[width];
      VectorGemm.sumOfResidualRelu(x, y, from, x.length, vector, width);
      assertThat(vector).as("width %d", width).containsExactly(sequential);
      float[] dispatched = new float[width];
      Gemm.sumOfResidualRelu(x, y, from, x.length, dispatched, width);
      assertThat(dispatched).containsExactly(sequential);
      float[] plain = new float[width];
      Gemm.sumRows(from, from.length, plain, width);
      float[] expected = new float[width];
      for (float[] row : from) {
        for (int c = 0; c < width; c++) {
          expected[c] += row[c];
        }
      }
      assertThat(plain).containsExactly(expected);
    }
  }

  @Test
  void aProductFromOtherRowsEqualsAccumulatingIntoCopiesOfThem() {
    Random r = new Random(16);
    for (int[] sh : new int[][] {{12, 40, 16}, {41, 16, 48}, {5, 9, 33}, {3, 5, 7}}) {
      float[][] a = random(r, sh[0], sh[1], true);
      float[][] w = random(r, sh[1] + 2, sh[2], false);
      float[][] init = random(r, sh[0], sh[2], false);
      float[][] initBefore = copy(init);
      float[][] expected = copy(init);
      Gemm.accumulate(a, sh[0], w, 2, sh[1], expected);
      float[][] out = random(r, sh[0], sh[2], false); // garbage the product must overwrite
      Gemm.multiplyFrom(init, a, sh[0], w, 2, sh[1], out);
      float[][] scalar = copy(init);
      Gemm.scalar(a, sh[0], w, 2, sh[1], scalar);
      for (int i = 0; i < sh[0]; i++) {
        assertThat(out[i]).as("%s row %d", java.util.Arrays.toString(sh), i).containsExactly(expected[i]);
        assertThat(init[i]).containsExactly(initBefore[i]);
        for (int c = 0; c < sh[2]; c++) {
          assertThat(out[i][c]).isCloseTo(scalar[i][c], within(1e-5f * (1 + Math.abs(scalar[i][c]))));
        }
      }
    }
  }

  private static float[][] copy(float[][] a) {
    float[][] out = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  @Test
  void rowOperationsMatchTheirFormulas() {
    Random r = new Random(13);
    for (int width : new int[] {1, 15, 16, 17, 48, 50}) {
      float[] x = random(r, 1, 3 * width, false)[0];
      float[] y = random(r, 1, width, false)[0];
      float[] out = random(r, 1, width, false)[0];
      float[] scaled = out.clone();
      float[] relu = out.clone();
      float[] addRelu = out.clone();
      VectorGemm.addScaled(0.5f, x, width, scaled, width);
      VectorGemm.reluOfSum(x, y, relu, width);
      VectorGemm.addReluOfSum(x, y, addRelu, addRelu, width);
      for (int c = 0; c < width; c++) {
        assertThat(scaled[c]).isCloseTo(out[c] + 0.5f * x[width + c], org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(relu[c]).isCloseTo(Math.max(0, x[c] + y[c]), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(addRelu[c]).isCloseTo(out[c] + Math.max(0, x[c] + y[c]), org.assertj.core.data.Offset.offset(1e-5f));
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
