package dev.tpucost.gnn.net;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm#accumulate} on the Vector API: register-blocked micro-kernels whose accumulators stay in
 * registers across the whole reduction (each weight vector loaded once per block of rows, each {@code a}
 * value broadcast once per block of columns), so that enough independent fused multiply-adds are in flight
 * to hide their latency. The column range is covered by blocks of 3 vectors (with 512-bit vectors, 32
 * registers: 8 rows x 3 vectors, 24 accumulators, then 4 x 3; the 8-row block took a ~40-node layer product from
 * ~590 to ~500 ns, measured, as a block's set-up is shared by twice the work), then 2 vectors (4 x 2), then 1
 * vector (8 rows x 1, then 4 x 1). One to three rows left over from blocks of 2 or 3 vectors take the 4-row block
 * with the last row repeated (its values computed twice and stored twice, the same: four chains of multiply-adds in
 * flight, where one row alone ran its chains one step at a time); left over from one-vector blocks, each row runs two
 * chains. Leftover columns take a scalar tail (no masked operations: they are not intrinsified everywhere).
 * The encoder's widths, 16 and 48 columns, are 1 and 3 vectors of 512 bits and 2 and 6 of 256:
 * with blocks of one vector only, each row would run one dependent chain of multiply-adds (latency-bound:
 * measured about half the speed on this machine's 512-bit core). Loaded only when {@code jdk.incubator.vector}
 * is in the boot layer.
 */
final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Ints of the same width: a float vector's bits. */
  private static final VectorSpecies<Integer> I = S.withLanes(int.class);
  /** Blocks of 3 vectors need 12 accumulators plus 4 operands: only with 32 vector registers (AVX-512). */
  private static final boolean THREE_WIDE = S.vectorBitSize() >= 512;

  private VectorGemm() {}

  static void accumulate(float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    product(a, n, w, w0, k, out, out);
  }

  static void multiply(float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    product(a, n, w, w0, k, out, null);
  }

  /**
   * {@code out = init + a . w}: the blocks' accumulators start from the rows of {@code init} (which may be
   * {@code out}), or from zero if it is null.
   */
  static void product(float[][] a, int n, float[][] w, int w0, int k, float[][] out, float[][] init) {
    if (n == 0) {
      return;
    }
    int m = out[0].length;
    int c = 0;
    if (THREE_WIDE) {
      for (; c + 3 * L <= m; c += 3 * L) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
          block8x3(a, i, w, w0, k, out, init, c);
        }
        for (; i + 4 <= n; i += 4) {
          block4x3(a, w, w0, k, out, init, c, i, i + 1, i + 2, i + 3);
        }
        if (i < n) { // 1 to 3 rows left: the 4-row block with the last row repeated (same values, stored twice)
          block4x3(a, w, w0, k, out, init, c, i, Math.min(i + 1, n - 1), Math.min(i + 2, n - 1), n - 1);
        }
      }
    }
    for (; c + 2 * L <= m; c += 2 * L) {
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        block4x2(a, w, w0, k, out, init, c, i, i + 1, i + 2, i + 3);
      }
      if (i < n) {
        block4x2(a, w, w0, k, out, init, c, i, Math.min(i + 1, n - 1), Math.min(i + 2, n - 1), n - 1);
      }
    }
    for (; c + L <= m; c += L) {
      int i = 0;
      for (; i + 8 <= n; i += 8) {
        block8x1(a, i, w, w0, k, out, init, c);
      }
      // (the rows left over: 4 at a time, then each in two chains, even and odd terms: one row alone is one chain
      // of dependent multiply-adds, each waiting for the last; 12 distinct first-layer rows of a ~40-node kernel
      // spent more time in their 4 left-over chains than in the block of 8)
      for (; i + 4 <= n; i += 4) {
        block4x1(a, i, w, w0, k, out, init, c);
      }
      for (; i < n; i++) {
        float[] ai = a[i];
        float[] oi = out[i];
        FloatVector even = start(row(init, i), c);
        FloatVector odd = FloatVector.zero(S);
        int r = 0;
        for (; r + 2 <= k; r += 2) {
          even = FloatVector.fromArray(S, w[w0 + r], c).fma(FloatVector.broadcast(S, ai[r]), even);
          odd = FloatVector.fromArray(S, w[w0 + r + 1], c).fma(FloatVector.broadcast(S, ai[r + 1]), odd);
        }
        if (r < k) {
          even = FloatVector.fromArray(S, w[w0 + r], c).fma(FloatVector.broadcast(S, ai[r]), even);
        }
        even.add(odd).intoArray(oi, c);
      }
    }
    if (c < m) {
      // Fewer columns than a vector: scalar (masked vector operations are not intrinsified everywhere).
      for (int i = 0; i < n; i++) {
        float[] ai = a[i];
        float[] oi = out[i];
        if (init == null) {
          java.util.Arrays.fill(oi, c, m, 0);
        } else if (init != out) {
          System.arraycopy(init[i], c, oi, c, m - c);
        }
        for (int r = 0; r < k; r++) {
          float x = ai[r];
          float[] wr = w[w0 + r];
          for (int cc = c; cc < m; cc++) {
            oi[cc] += x * wr[cc];
          }
        }
      }
    }
  }

  private static void block8x3(float[][] a, int i, float[][] w, int w0, int k, float[][] out, float[][] init, int c) {
    float[] a0 = a[i];
    float[] a1 = a[i + 1];
    float[] a2 = a[i + 2];
    float[] a3 = a[i + 3];
    float[] a4 = a[i + 4];
    float[] a5 = a[i + 5];
    float[] a6 = a[i + 6];
    float[] a7 = a[i + 7];
    int c1 = c + L;
    int c2 = c + 2 * L;
    FloatVector x00 = start(row(init, i), c);
    FloatVector x01 = start(row(init, i), c1);
    FloatVector x02 = start(row(init, i), c2);
    FloatVector x10 = start(row(init, i + 1), c);
    FloatVector x11 = start(row(init, i + 1), c1);
    FloatVector x12 = start(row(init, i + 1), c2);
    FloatVector x20 = start(row(init, i + 2), c);
    FloatVector x21 = start(row(init, i + 2), c1);
    FloatVector x22 = start(row(init, i + 2), c2);
    FloatVector x30 = start(row(init, i + 3), c);
    FloatVector x31 = start(row(init, i + 3), c1);
    FloatVector x32 = start(row(init, i + 3), c2);
    FloatVector x40 = start(row(init, i + 4), c);
    FloatVector x41 = start(row(init, i + 4), c1);
    FloatVector x42 = start(row(init, i + 4), c2);
    FloatVector x50 = start(row(init, i + 5), c);
    FloatVector x51 = start(row(init, i + 5), c1);
    FloatVector x52 = start(row(init, i + 5), c2);
    FloatVector x60 = start(row(init, i + 6), c);
    FloatVector x61 = start(row(init, i + 6), c1);
    FloatVector x62 = start(row(init, i + 6), c2);
    FloatVector x70 = start(row(init, i + 7), c);
    FloatVector x71 = start(row(init, i + 7), c1);
    FloatVector x72 = start(row(init, i + 7), c2);
    for (int r = 0; r < k; r++) {
      float[] wr = w[w0 + r];
      FloatVector v0 = FloatVector.fromArray(S, wr, c);
      FloatVector v1 = FloatVector.fromArray(S, wr, c1);
      FloatVector v2 = FloatVector.fromArray(S, wr, c2);
      FloatVector b = FloatVector.broadcast(S, a0[r]);
      x00 = v0.fma(b, x00);
      x01 = v1.fma(b, x01);
      x02 = v2.fma(b, x02);
      b = FloatVector.broadcast(S, a1[r]);
      x10 = v0.fma(b, x10);
      x11 = v1.fma(b, x11);
      x12 = v2.fma(b, x12);
      b = FloatVector.broadcast(S, a2[r]);
      x20 = v0.fma(b, x20);
      x21 = v1.fma(b, x21);
      x22 = v2.fma(b, x22);
      b = FloatVector.broadcast(S, a3[r]);
      x30 = v0.fma(b, x30);
      x31 = v1.fma(b, x31);
      x32 = v2.fma(b, x32);
      b = FloatVector.broadcast(S, a4[r]);
      x40 = v0.fma(b, x40);
      x41 = v1.fma(b, x41);
      x42 = v2.fma(b, x42);
      b = FloatVector.broadcast(S, a5[r]);
      x50 = v0.fma(b, x50);
      x51 = v1.fma(b, x51);
      x52 = v2.fma(b, x52);
      b = FloatVector.broadcast(S, a6[r]);
      x60 = v0.fma(b, x60);
      x61 = v1.fma(b, x61);
      x62 = v2.fma(b, x62);
      b = FloatVector.broadcast(S, a7[r]);
      x70 = v0.fma(b, x70);
      x71 = v1.fma(b, x71);
      x72 = v2.fma(b, x72);
    }
    x00.intoArray(out[i], c);
    x01.intoArray(out[i], c1);
    x02.intoArray(out[i], c2);
    x10.intoArray(out[i + 1], c);
    x11.intoArray(out[i + 1], c1);
    x12.intoArray(out[i + 1], c2);
    x20.intoArray(out[i + 2], c);
    x21.intoArray(out[i + 2], c1);
    x22.intoArray(out[i + 2], c2);
    x30.intoArray(out[i + 3], c);
    x31.intoArray(out[i + 3], c1);
    x32.intoArray(out[i + 3], c2);
    x40.intoArray(out[i + 4], c);
    x41.intoArray(out[i + 4], c1);
    x42.intoArray(out[i + 4], c2);
    x50.intoArray(out[i + 5], c);
    x51.intoArray(out[i + 5], c1);
    x52.intoArray(out[i + 5], c2);
    x60.intoArray(out[i + 6], c);
    x61.intoArray(out[i + 6], c1);
    x62.intoArray(out[i + 6], c2);
    x70.intoArray(out[i + 7], c);
    x71.intoArray(out[i + 7], c1);
    x72.intoArray(out[i + 7], c2);
  }

  private static void block4x3(float[][] a, float[][] w, int w0, int k, float[][] out, float[][] init, int c,
      int i0, int i1, int i2, int i3) {
    float[] a0 = a[i0];
    float[] a1 = a[i1];
    float[] a2 = a[i2];
    float[] a3 = a[i3];
    float[] o0 = out[i0];
    float[] o1 = out[i1];
    float[] o2 = out[i2];
    float[] o3 = out[i3];
    int c1 = c + L;
    int c2 = c + 2 * L;
    FloatVector x00 = start(row(init, i0), c);
    FloatVector x01 = start(row(init, i0), c1);
    FloatVector x02 = start(row(init, i0), c2);
    FloatVector x10 = start(row(init, i1), c);
    FloatVector x11 = start(row(init, i1), c1);
    FloatVector x12 = start(row(init, i1), c2);
    FloatVector x20 = start(row(init, i2), c);
    FloatVector x21 = start(row(init, i2), c1);
    FloatVector x22 = start(row(init, i2), c2);
    FloatVector x30 = start(row(init, i3), c);
    FloatVector x31 = start(row(init, i3), c1);
    FloatVector x32 = start(row(init, i3), c2);
    for (int r = 0; r < k; r++) {
      float[] wr = w[w0 + r];
      FloatVector v0 = FloatVector.fromArray(S, wr, c);
      FloatVector v1 = FloatVector.fromArray(S, wr, c1);
      FloatVector v2 = FloatVector.fromArray(S, wr, c2);
      FloatVector b = FloatVector.broadcast(S, a0[r]);
      x00 = v0.fma(b, x00);
      x01 = v1.fma(b, x01);
      x02 = v2.fma(b, x02);
      b = FloatVector.broadcast(S, a1[r]);
      x10 = v0.fma(b, x10);
      x11 = v1.fma(b, x11);
      x12 = v2.fma(b, x12);
      b = FloatVector.broadcast(S, a2[r]);
      x20 = v0.fma(b, x20);
      x21 = v1.fma(b, x21);
      x22 = v2.fma(b, x22);
      b = FloatVector.broadcast(S, a3[r]);
      x30 = v0.fma(b, x30);
      x31 = v1.fma(b, x31);
      x32 = v2.fma(b, x32);
    }
    x00.intoArray(o0, c);
    x01.intoArray(o0, c1);
    x02.intoArray(o0, c2);
    x10.intoArray(o1, c);
    x11.intoArray(o1, c1);
    x12.intoArray(o1, c2);
    x20.intoArray(o2, c);
    x21.intoArray(o2, c1);
    x22.intoArray(o2, c2);
    x30.intoArray(o3, c);
    x31.intoArray(o3, c1);
    x32.intoArray(o3, c2);
  }

  private static void block4x2(float[][] a, float[][] w, int w0, int k, float[][] out, float[][] init, int c,
      int i0, int i1, int i2, int i3) {
    float[] a0 = a[i0];
    float[] a1 = a[i1];
    float[] a2 = a[i2];
    float[] a3 = a[i3];
    float[] o0 = out[i0];
    float[] o1 = out[i1];
    float[] o2 = out[i2];
    float[] o3 = out[i3];
    FloatVector c00 = start(row(init, i0), c);
    FloatVector c01 = start(row(init, i0), c + L);
    FloatVector c10 = start(row(init, i1), c);
    FloatVector c11 = start(row(init, i1), c + L);
    FloatVector c20 = start(row(init, i2), c);
    FloatVector c21 = start(row(init, i2), c + L);
    FloatVector c30 = start(row(init, i3), c);
    FloatVector c31 = start(row(init, i3), c + L);
    for (int r = 0; r < k; r++) {
      float[] wr = w[w0 + r];
      FloatVector v0 = FloatVector.fromArray(S, wr, c);
      FloatVector v1 = FloatVector.fromArray(S, wr, c + L);
      FloatVector b0 = FloatVector.broadcast(S, a0[r]);
      FloatVector b1 = FloatVector.broadcast(S, a1[r]);
      FloatVector b2 = FloatVector.broadcast(S, a2[r]);
      FloatVector b3 = FloatVector.broadcast(S, a3[r]);
      c00 = v0.fma(b0, c00);
      c01 = v1.fma(b0, c01);
      c10 = v0.fma(b1, c10);
      c11 = v1.fma(b1, c11);
      c20 = v0.fma(b2, c20);
      c21 = v1.fma(b2, c21);
      c30 = v0.fma(b3, c30);
      c31 = v1.fma(b3, c31);
    }
    c00.intoArray(o0, c);
    c01.intoArray(o0, c + L);
    c10.intoArray(o1, c);
    c11.intoArray(o1, c + L);
    c20.intoArray(o2, c);
    c21.intoArray(o2, c + L);
    c30.intoArray(o3, c);
    c31.intoArray(o3, c + L);
  }

  private static void block4x1(float[][] a, int i, float[][] w, int w0, int k, float[][] out, float[][] init, int c) {
    float[] a0 = a[i];
    float[] a1 = a[i + 1];
    float[] a2 = a[i + 2];
    float[] a3 = a[i + 3];
    FloatVector x0 = start(row(init, i), c);
    FloatVector x1 = start(row(init, i + 1), c);
    FloatVector x2 = start(row(init, i + 2), c);
    FloatVector x3 = start(row(init, i + 3), c);
    for (int r = 0; r < k; r++) {
      FloatVector v = FloatVector.fromArray(S, w[w0 + r], c);
      x0 = v.fma(FloatVector.broadcast(S, a0[r]), x0);
      x1 = v.fma(FloatVector.broadcast(S, a1[r]), x1);
      x2 = v.fma(FloatVector.broadcast(S, a2[r]), x2);
      x3 = v.fma(FloatVector.broadcast(S, a3[r]), x3);
    }
    x0.intoArray(out[i], c);
    x1.intoArray(out[i + 1], c);
    x2.intoArray(out[i + 2], c);
    x3.intoArray(out[i + 3], c);
  }

  private static void block8x1(float[][] a, int i, float[][] w, int w0, int k, float[][] out, float[][] init, int c) {
    float[] a0 = a[i];
    float[] a1 = a[i + 1];
    float[] a2 = a[i + 2];
    float[] a3 = a[i + 3];
    float[] a4 = a[i + 4];
    float[] a5 = a[i + 5];
    float[] a6 = a[i + 6];
    float[] a7 = a[i + 7];
    FloatVector x0 = start(row(init, i), c);
    FloatVector x1 = start(row(init, i + 1), c);
    FloatVector x2 = start(row(init, i + 2), c);
    FloatVector x3 = start(row(init, i + 3), c);
    FloatVector x4 = start(row(init, i + 4), c);
    FloatVector x5 = start(row(init, i + 5), c);
    FloatVector x6 = start(row(init, i + 6), c);
    FloatVector x7 = start(row(init, i + 7), c);
    for (int r = 0; r < k; r++) {
      FloatVector v = FloatVector.fromArray(S, w[w0 + r], c);
      x0 = v.fma(FloatVector.broadcast(S, a0[r]), x0);
      x1 = v.fma(FloatVector.broadcast(S, a1[r]), x1);
      x2 = v.fma(FloatVector.broadcast(S, a2[r]), x2);
      x3 = v.fma(FloatVector.broadcast(S, a3[r]), x3);
      x4 = v.fma(FloatVector.broadcast(S, a4[r]), x4);
      x5 = v.fma(FloatVector.broadcast(S, a5[r]), x5);
      x6 = v.fma(FloatVector.broadcast(S, a6[r]), x6);
      x7 = v.fma(FloatVector.broadcast(S, a7[r]), x7);
    }
    x0.intoArray(out[i], c);
    x1.intoArray(out[i + 1], c);
    x2.intoArray(out[i + 2], c);
    x3.intoArray(out[i + 3], c);
    x4.intoArray(out[i + 4], c);
    x5.intoArray(out[i + 5], c);
    x6.intoArray(out[i + 6], c);
    x7.intoArray(out[i + 7], c);
  }

  /** A block's accumulator: {@code from}'s vector at column {@code c}, or zero if {@code from} is null. */
  private static FloatVector start(float[] from, int c) {
    return from == null ? FloatVector.zero(S) : FloatVector.fromArray(S, from, c);
  }

  private static float[] row(float[][] rows, int i) {
    return rows == null ? null : rows[i];
  }

  static void addScaled(float a, float[] row, int from, float[] out, int width) {
    FloatVector b = FloatVector.broadcast(S, a);
    int c = 0;
    for (; c + L <= width; c += L) {
      FloatVector.fromArray(S, row, from + c).fma(b, FloatVector.fromArray(S, out, c)).intoArray(out, c);
    }
    for (; c < width; c++) {
      out[c] += a * row[from + c];
    }
  }

  /** True if rows {@code width} wide hold at least one vector: {@link #sameBits} takes only those. */
  static boolean atLeastOneVector(int width) {
    return width >= L;
  }

  /**
   * True if the first {@code width >= L} entries of {@code a} and {@code b} have the same bits: their differences
   * (XOR) OR-ed a vector at a time, the last vector ending at {@code width} (overlapping the one before), one
   * reduction at the end.
   */
  static boolean sameBits(float[] a, float[] b, int width) {
    IntVector differ = IntVector.zero(I);
    for (int c = 0; ; c += L) {
      int at = Math.min(c, width - L);
      differ = differ.or(FloatVector.fromArray(S, a, at).reinterpretAsInts()
          .lanewise(VectorOperators.XOR, FloatVector.fromArray(S, b, at).reinterpretAsInts()));
      if (at == width - L) {
        return differ.reduceLanes(VectorOperators.OR) == 0;
      }
    }
  }

  /** True if rows {@code width} wide are one vector: {@link #meanMessages} takes only those. */
  static boolean oneVector(int width) {
    return width == L;
  }

  static void meanMessages(float[][] read, float[][] write, int[] src, int[] dst, float[] invIn, float[] invOut,
      int width) {
    if (!oneVector(width)) {
      throw new IllegalArgumentException("rows of " + width + " floats, not one vector of " + L);
    }
    int k = 0;
    while (k < src.length) {
      int to = dst[k];
      FloatVector last = FloatVector.fromArray(S, read[to], 2 * L); // what the run's out-messages carry
      FloatVector in = FloatVector.zero(S);
      for (; k < src.length && dst[k] == to; k++) {
        int from = src[k];
        float[] wf = write[from];
        in = in.add(FloatVector.fromArray(S, read[from], L));
        last.fma(FloatVector.broadcast(S, invOut[from]), FloatVector.fromArray(S, wf, 0)).intoArray(wf, 0);
      }
      float[] wt = write[to];
      in.fma(FloatVector.broadcast(S, invIn[to]), FloatVector.fromArray(S, wt, 0)).intoArray(wt, 0);
    }
  }

  static void copyRow(float[] from, float[] to) {
    FloatVector.fromArray(S, from, 0).intoArray(to, 0);
  }

  static void sumOfResidualRelu(float[][] x, float[] y, float[][] from, int n, float[] out, int width) {
    int c = 0;
    for (; c + L <= width; c += L) {
      FloatVector yc = FloatVector.fromArray(S, y, c);
      FloatVector sum = FloatVector.zero(S);
      for (int i = 0; i < n; i++) {
        sum = sum.add(FloatVector.fromArray(S, x[i], c).add(yc).max(0f).add(FloatVector.fromArray(S, from[i], c)));
      }
      sum.intoArray(out, c);
    }
    for (; c < width; c++) {
      float sum = 0;
      for (int i = 0; i < n; i++) {
        sum += from[i][c] + Math.max(0, x[i][c] + y[c]);
      }
      out[c] = sum;
    }
  }

  static void reluOfSum(float[] x, float[] y, float[] out, int width) {
    int c = 0;
    for (; c + L <= width; c += L) {
      FloatVector.fromArray(S, x, c).add(FloatVector.fromArray(S, y, c)).max(0f).intoArray(out, c);
    }
    for (; c < width; c++) {
      out[c] = Math.max(0, x[c] + y[c]);
    }
  }

  static void addReluOfSum(float[] x, float[] y, float[] from, float[] out, int width) {
    int c = 0;
    for (; c + L <= width; c += L) {
      FloatVector.fromArray(S, x, c).add(FloatVector.fromArray(S, y, c)).max(0f)
          .add(FloatVector.fromArray(S, from, c)).intoArray(out, c);
    }
    for (; c < width; c++) {
      out[c] = Math.max(0, x[c] + y[c]) + from[c];
    }
  }
}
