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
   * {@code out[i][c] = init[i][c] + sum_{r < k} a[i][r] * w[w0 + r][c]} for {@code i < n}, every column of
   * {@code out} ({@code init}'s rows at least as wide; only read): {@link #accumulate} into rows that start as
   * copies of {@code init}'s, without the copies on the vector path.
   */
  public static void multiplyFrom(float[][] init, float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    if (VECTOR) {
      VectorGemm.product(a, n, w, w0, k, out, init);
    } else {
      for (int i = 0; i < n; i++) {
        System.arraycopy(init[i], 0, out[i], 0, out[i].length);
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
   * A GraphSAGE layer's neighbour means, added into the first third of each node's product row ({@code write[i]};
   * rows of three blocks of {@code width}: self, in, out) from the other thirds of {@code read}'s rows: per edge
   * {@code src[k] -> dst[k]}, {@code write[to][0, width) += invIn[to] * read[from][width, 2 width)} and {@code
   * write[from][0, width) += invOut[from] * read[to][2 width, 3 width)}. Only first thirds are written and only the
   * others read, so the edges' order does not matter and {@code read} may share rows with {@code write} (in the
   * first layer a group's nodes read their first node's row). With rows one vector wide (the shipped network's) the
   * vector path sums a run of edges into one node (as the featuriser lists them: by user) in registers and adds it
   * once, where one edge at a time each message went through memory behind the last.
   */
  static void meanMessages(float[][] read, float[][] write, int[] src, int[] dst, float[] invIn, float[] invOut,
      int width) {
    if (VECTOR && VectorGemm.oneVector(width)) {
      VectorGemm.meanMessages(read, write, src, dst, invIn, invOut, width);
      return;
    }
    for (int k = 0; k < src.length; k++) {
      int from = src[k];
      int to = dst[k];
      addScaled(invIn[to], read[from], width, write[to], width);
      addScaled(invOut[from], read[to], 2 * width, write[from], width);
    }
  }

  /** {@code System.arraycopy(from, 0, to, 0, width)}, one vector load and store for a one-vector row. */
  static void copyRow(float[] from, float[] to, int width) {
    if (VECTOR && VectorGemm.oneVector(width)) {
      VectorGemm.copyRow(from, to);
    } else {
      System.arraycopy(from, 0, to, 0, width);
    }
  }

  /** {@code out[c] = sum_{i < n} rows[i][c]} for {@code c < width}, the rows added in order. */
  static void sumRows(float[][] rows, int n, float[] out, int width) {
    java.util.Arrays.fill(out, 0, width, 0);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < width; c++) {
        out[c] += rows[i][c];
      }
    }
  }

  /**
   * {@code out[c] = sum_{i < n} (from[i][c] + max(0, x[i][c] + y[c]))} for {@code c < width}, the rows added in
   * order: the sums of the rows {@link #addReluOfSum} would leave, added one after another, without storing those
   * rows (in registers on the vector path).
   */
  static void sumOfResidualRelu(float[][] x, float[] y, float[][] from, int n, float[] out, int width) {
    if (VECTOR) {
      VectorGemm.sumOfResidualRelu(x, y, from, n, out, width);
      return;
    }
    java.util.Arrays.fill(out, 0, width, 0);
    for (int i = 0; i < n; i++) {
      float[] xi = x[i];
      float[] fi = from[i];
      for (int c = 0; c < width; c++) {
        out[c] += fi[c] + Math.max(0, xi[c] + y[c]);
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

  /**
   * {@code out[c] = from[c] + max(0, x[c] + y[c])} for {@code c < width} (a residual ReLU update; {@code from} may
   * be {@code out}).
   */
  static void addReluOfSum(float[] x, float[] y, float[] from, float[] out, int width) {
    if (VECTOR) {
      VectorGemm.addReluOfSum(x, y, from, out, width);
    } else {
      for (int c = 0; c < width; c++) {
        out[c] = from[c] + Math.max(0, x[c] + y[c]);
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
