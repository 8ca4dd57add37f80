package dev.tpucost.gnn.net;

/**
 * The encoder's matrix products, {@code out[i][c] += sum_r a[i][r] * w[w0 + r][c]} over the first {@code n}
 * rows of {@code a} (arrays of rows, as {@link Forward} keeps them).
 *
 * <p>Two paths with the same results within float rounding: a register-blocked kernel on the JDK's Vector
 * API ({@code jdk.incubator.vector}, {@link VectorGemm}), used when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (the {@code tpucost} command does), and otherwise the scalar
 * loops C2 auto-vectorises one row at a time. {@code -Dtpucost.vector=false} forces the scalar path.
 * {@link #VECTOR} says which one this JVM uses. Stateless and thread-safe.
 */
public final class Gemm {
  /** True if this JVM runs the Vector API kernel. */
  public static final boolean VECTOR = detect();

  private Gemm() {}

  /** {@code out[i][c] += sum_{r < k} a[i][r] * w[w0 + r][c]} for {@code i < n}, every column of {@code out}. */
  public static void accumulate(float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    if (VECTOR) {
      VectorGemm.accumulate(a, n, w, w0, k, out);
    } else {
      scalar(a, n, w, w0, k, out);
    }
  }

  /**
   * The scalar path: per row of {@code a}, its non-zeros are gathered (about half of a ReLU state, two thirds
   * of the raw node features; with a branch: a branch-free gather that stores every entry cost a quarter more of
   * the ~40-node layer products, measured), then four rows of {@code w} at a time, {@code out[c] += x0 * w0[c] + ... + x3 *
   * w3[c]}: one load and store of {@code out[c]} per four multiply-adds (the store-to-load chain through
   * {@code out} was the bottleneck of one row at a time), in a loop C2 vectorises. (The vector path multiplies
   * the zeros: skipping them there paid only beyond ~80% zeros, measured.)
   */
  public static void scalar(float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    int[] index = new int[k];
    float[] value = new float[k];
    for (int i = 0; i < n; i++) {
      float[] ai = a[i];
      int nz = 0;
      for (int r = 0; r < k; r++) {
        float x = ai[r];
        if (x != 0) {
          index[nz] = w0 + r;
          value[nz++] = x;
        }
      }
      float[] oi = out[i];
      int m = oi.length;
      int j = 0;
      for (; j + 4 <= nz; j += 4) {
        float x0 = value[j];
        float x1 = value[j + 1];
        float x2 = value[j + 2];
        float x3 = value[j + 3];
        float[] v0 = w[index[j]];
        float[] v1 = w[index[j + 1]];
        float[] v2 = w[index[j + 2]];
        float[] v3 = w[index[j + 3]];
        for (int c = 0; c < m; c++) {
          oi[c] += x0 * v0[c] + x1 * v1[c] + x2 * v2[c] + x3 * v3[c];
        }
      }
      for (; j < nz; j++) {
        float x = value[j];
        float[] v = w[index[j]];
        for (int c = 0; c < m; c++) {
          oi[c] += x * v[c];
        }
      }
    }
  }

  /**
   * {@code out[i][c] = sum_{r < k} a[i][r] * w[w0 + r][c]} for {@code i < n}, every column of {@code out}
   * (overwritten: {@link #accumulate} without clearing {@code out} first).
   */
  public static void multiply(float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    if (VECTOR) {
      VectorGemm.multiply(a, n, w, w0, k, out);
    } else {
      for (int i = 0; i < n; i++) {
        java.util.Arrays.fill(out[i], 0);
      }
      scalar(a, n, w, w0, k, out);
    }
  }

  /**
   * {@code out[c] += a * row[from + c]} for {@code c < width} ({@code row} may be {@code out} if the two
   * ranges do not overlap). The encoder's per-node and per-edge row operations are 16 wide, one 512-bit
   * vector, where C2's loops hardly reach their vectorised main body: they take the vector path too.
   */
  static void addScaled(float a, float[] row, int from, float[] out, int width) {
    if (VECTOR) {
      VectorGemm.addScaled(a, row, from, out, width);
    } else {
      for (int c = 0; c < width; c++) {
        out[c] += a * row[from + c];
      }
    }
  }

  /**
   * A GraphSAGE layer's neighbour means, added into the first third of each node's product row ({@code p[i]}, three
   * blocks of {@code width}: self, in, out): per edge {@code src[k] -> dst[k]}, {@code p[to][0, width) += invIn[to] *
   * p[from][width, 2 width)} and {@code p[from][0, width) += invOut[from] * p[to][2 width, 3 width)}. Only first
   * thirds are written and only the others read, so the edges' order does not matter. With rows one vector wide (the
   * shipped network's) the vector path sums a run of edges into one node (as the featuriser lists them: by user) in
   * registers and adds it once, where one edge at a time each message went through memory behind the last.
   */
  static void meanMessages(float[][] p, int[] src, int[] dst, float[] invIn, float[] invOut, int width) {
    if (VECTOR && VectorGemm.oneVector(width)) {
      VectorGemm.meanMessages(p, src, dst, invIn, invOut, width);
      return;
    }
    for (int k = 0; k < src.length; k++) {
      int from = src[k];
      int to = dst[k];
      addScaled(invIn[to], p[from], width, p[to], width);
      addScaled(invOut[from], p[to], 2 * width, p[from], width);
    }
  }

  /**
   * {@code out[c] = sum_{i < n} rows[i][c]} for {@code c < width}, the rows added in order: the same sums as adding
   * them into {@code out} one after another (in registers on the vector path).
   */
  static void sumRows(float[][] rows, int n, float[] out, int width) {
    if (VECTOR) {
      VectorGemm.sumRows(rows, n, out, width);
      return;
    }
    java.util.Arrays.fill(out, 0, width, 0);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < width; c++) {
        out[c] += rows[i][c];
      }
    }
  }

  /** {@code out[c] = max(0, x[c] + y[c])} for {@code c < width}. */
  static void reluOfSum(float[] x, float[] y, float[] out, int width) {
    if (VECTOR) {
      VectorGemm.reluOfSum(x, y, out, width);
    } else {
      for (int c = 0; c < width; c++) {
        out[c] = Math.max(0, x[c] + y[c]);
      }
    }
  }

  /** {@code out[c] += max(0, x[c] + y[c])} for {@code c < width} (a residual ReLU update). */
  static void addReluOfSum(float[] x, float[] y, float[] out, int width) {
    if (VECTOR) {
      VectorGemm.addReluOfSum(x, y, out, width);
    } else {
      for (int c = 0; c < width; c++) {
        out[c] += Math.max(0, x[c] + y[c]);
      }
    }
  }

  /** {@code out[c] += a * row[c]} over {@code out}'s length; skips {@code a == 0} (ReLU zeros are common). */
  static void axpy(float a, float[] row, float[] out) {
    if (a != 0) {
      addScaled(a, row, 0, out, out.length);
    }
  }

  private static boolean detect() {
    if ("false".equals(System.getProperty("tpucost.vector"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      // Loads the kernel (and the Vector API) and checks it on a small product against the scalar path.
      float[][] a = {{1, 2, 3}, {0, -1, 0.5f}};
      float[][] w = new float[3][37];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 37; c++) {
          w[r][c] = r - c * 0.25f;
        }
      }
      float[][] v = new float[2][37];
      float[][] s = new float[2][37];
      VectorGemm.accumulate(a, 2, w, 0, 3, v);
      scalar(a, 2, w, 0, 3, s);
      for (int i = 0; i < 2; i++) {
        for (int c = 0; c < 37; c++) {
          if (Math.abs(v[i][c] - s[i][c]) > 1e-4f * (1 + Math.abs(s[i][c]))) {
            return false;
          }
        }
      }
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}
