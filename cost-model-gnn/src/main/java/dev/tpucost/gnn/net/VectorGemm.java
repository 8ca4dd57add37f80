package dev.tpucost.gnn.net;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm#accumulate} on the Vector API: a register-blocked micro-kernel of 4 rows of {@code a} by 2
 * vectors of columns, 8 accumulators kept in registers across the whole reduction (each weight vector loaded
 * once per 4 rows, each {@code a} value broadcast once per 2 vectors), with 1-row and 1-vector blocks and a
 * scalar tail for the edges (no masked operations: they are not intrinsified everywhere). Loaded only when {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorGemm() {}

  static void accumulate(float[][] a, int n, float[][] w, int w0, int k, float[][] out) {
    if (n == 0) {
      return;
    }
    int m = out[0].length;
    int c = 0;
    for (; c + 2 * L <= m; c += 2 * L) {
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        block4x2(a, i, w, w0, k, out, c);
      }
      for (; i < n; i++) {
        block1x2(a[i], w, w0, k, out[i], c);
      }
    }
    for (; c + L <= m; c += L) {
      for (int i = 0; i < n; i++) {
        float[] ai = a[i];
        float[] oi = out[i];
        FloatVector acc = FloatVector.fromArray(S, oi, c);
        for (int r = 0; r < k; r++) {
          acc = FloatVector.fromArray(S, w[w0 + r], c).fma(FloatVector.broadcast(S, ai[r]), acc);
        }
        acc.intoArray(oi, c);
      }
    }
    if (c < m) {
      // Fewer columns than a vector: scalar (masked vector operations are not intrinsified everywhere).
      for (int i = 0; i < n; i++) {
        float[] ai = a[i];
        float[] oi = out[i];
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

  private static void block4x2(float[][] a, int i, float[][] w, int w0, int k, float[][] out, int c) {
    float[] a0 = a[i];
    float[] a1 = a[i + 1];
    float[] a2 = a[i + 2];
    float[] a3 = a[i + 3];
    float[] o0 = out[i];
    float[] o1 = out[i + 1];
    float[] o2 = out[i + 2];
    float[] o3 = out[i + 3];
    FloatVector c00 = FloatVector.fromArray(S, o0, c);
    FloatVector c01 = FloatVector.fromArray(S, o0, c + L);
    FloatVector c10 = FloatVector.fromArray(S, o1, c);
    FloatVector c11 = FloatVector.fromArray(S, o1, c + L);
    FloatVector c20 = FloatVector.fromArray(S, o2, c);
    FloatVector c21 = FloatVector.fromArray(S, o2, c + L);
    FloatVector c30 = FloatVector.fromArray(S, o3, c);
    FloatVector c31 = FloatVector.fromArray(S, o3, c + L);
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

  private static void block1x2(float[] ai, float[][] w, int w0, int k, float[] oi, int c) {
    FloatVector c0 = FloatVector.fromArray(S, oi, c);
    FloatVector c1 = FloatVector.fromArray(S, oi, c + L);
    for (int r = 0; r < k; r++) {
      float[] wr = w[w0 + r];
      FloatVector b = FloatVector.broadcast(S, ai[r]);
      c0 = FloatVector.fromArray(S, wr, c).fma(b, c0);
      c1 = FloatVector.fromArray(S, wr, c + L).fma(b, c1);
    }
    c0.intoArray(oi, c);
    c1.intoArray(oi, c + L);
  }
}
