package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;

/**
 * The network's forward pass in plain Java: {@link #embed} once per kernel (the GraphSAGE encoder and
 * pooling), {@link #head} once per config. Flat row-major arrays, inner loops over contiguous memory for
 * the JIT to vectorise, no shared mutable state: thread-safe.
 */
public final class Forward {
  private final Hyper h;
  private final Weights.Matrix emb;
  private final Weights.Matrix w0;
  private final float[] b0;
  private final Weights.Matrix[] wl;
  private final float[][] bl;
  private final Weights.Matrix w1;
  private final float[] b1;
  private final Weights.Matrix w2;
  private final float[] b2;
  private final Weights.Matrix w3;
  private final float b3;

  /** A forward pass over {@code w}. */
  public Forward(Hyper h, Weights w) {
    this.h = h;
    emb = w.get("emb");
    w0 = w.get("w0");
    b0 = w.get("b0").data();
    wl = new Weights.Matrix[h.layers()];
    bl = new float[h.layers()][];
    for (int l = 0; l < h.layers(); l++) {
      wl[l] = w.get("wl" + l);
      bl[l] = w.get("bl" + l).data();
    }
    w1 = w.get("w1");
    b1 = w.get("b1").data();
    w2 = w.get("w2");
    b2 = w.get("b2").data();
    w3 = w.get("w3");
    b3 = w.get("b3").data()[0];
  }

  /** Multiply-adds of {@link #embed} for a graph of {@code nodes} nodes and {@code edges} edges. */
  public long embedMacs(int nodes, int edges) {
    long in = (long) nodes * (h.embed() + h.nodeFeatures()) * h.hidden();
    long layers = (long) h.layers() * ((long) nodes * 3 * h.hidden() * h.hidden() + 2L * edges * h.hidden());
    return in + layers + (long) nodes * h.hidden();
  }

  /** The kernel embedding ({@link Hyper#graphWidth()} values); node features are normalised with {@code norm}. */
  public float[] embed(KernelGraph g, Normalizer norm) {
    int n = g.size();
    int hd = h.hidden();
    int e = h.embed();
    int d = h.nodeFeatures();
    float[] state = new float[n * hd];
    float[] x = new float[d];
    for (int i = 0; i < n; i++) {
      int op = Math.min(Math.max(0, g.opcodes()[i]), emb.rows() - 1);
      float[] out = new float[hd];
      System.arraycopy(b0, 0, out, 0, hd);
      axpyRows(emb.data(), op * e, e, w0.data(), 0, hd, out);
      float[] raw = g.nodes()[i];
      for (int k = 0; k < d; k++) {
        x[k] = (raw[k] - norm.mean()[k]) / norm.std()[k];
      }
      axpy(x, 0, d, w0.data(), e * hd, hd, out);
      relu(out);
      System.arraycopy(out, 0, state, i * hd, hd);
    }
    int[] inDeg = new int[n];
    int[] outDeg = new int[n];
    for (int k = 0; k < g.src().length; k++) {
      inDeg[g.dst()[k]]++;
      outDeg[g.src()[k]]++;
    }
    float[] mIn = new float[n * hd];
    float[] mOut = new float[n * hd];
    float[] cat = new float[3 * hd];
    float[] next = new float[n * hd];
    for (int l = 0; l < h.layers(); l++) {
      java.util.Arrays.fill(mIn, 0);
      java.util.Arrays.fill(mOut, 0);
      for (int k = 0; k < g.src().length; k++) {
        int s = g.src()[k];
        int t = g.dst()[k];
        float wi = 1f / inDeg[t];
        float wo = 1f / outDeg[s];
        for (int c = 0; c < hd; c++) {
          mIn[t * hd + c] += wi * state[s * hd + c];
          mOut[s * hd + c] += wo * state[t * hd + c];
        }
      }
      float[] w = wl[l].data();
      for (int i = 0; i < n; i++) {
        System.arraycopy(state, i * hd, cat, 0, hd);
        System.arraycopy(mIn, i * hd, cat, hd, hd);
        System.arraycopy(mOut, i * hd, cat, 2 * hd, hd);
        float[] out = new float[hd];
        System.arraycopy(bl[l], 0, out, 0, hd);
        axpy(cat, 0, 3 * hd, w, 0, hd, out);
        for (int c = 0; c < hd; c++) {
          next[i * hd + c] = Math.max(0, out[c]) + state[i * hd + c];
        }
      }
      float[] t = state;
      state = next;
      next = t;
    }
    float[] graph = new float[2 * hd];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < hd; c++) {
        graph[c] += state[i * hd + c];
      }
    }
    for (int c = 0; c < hd; c++) {
      graph[hd + c] = graph[c] / 32f;
      graph[c] /= n;
    }
    return graph;
  }

  /** The head's output (standardised log runtime) for a kernel embedding and normalised config features. */
  public float head(float[] graph, float[] config) {
    float[] z1 = new float[h.head1()];
    System.arraycopy(b1, 0, z1, 0, z1.length);
    axpy(graph, 0, graph.length, w1.data(), 0, z1.length, z1);
    axpy(config, 0, config.length, w1.data(), graph.length * z1.length, z1.length, z1);
    relu(z1);
    float[] z2 = new float[h.head2()];
    System.arraycopy(b2, 0, z2, 0, z2.length);
    axpy(z1, 0, z1.length, w2.data(), 0, z2.length, z2);
    relu(z2);
    float out = b3;
    float[] w = w3.data();
    for (int i = 0; i < z2.length; i++) {
      out += z2[i] * w[i];
    }
    return out;
  }

  /** {@code out += v[from..from+len) . W[rows starting at wRow0]}, W row-major with {@code cols} columns. */
  private static void axpy(float[] v, int from, int len, float[] w, int wOffset, int cols, float[] out) {
    for (int r = 0; r < len; r++) {
      float a = v[from + r];
      if (a == 0) {
        continue;
      }
      int base = wOffset + r * cols;
      for (int c = 0; c < cols; c++) {
        out[c] += a * w[base + c];
      }
    }
  }

  /** {@code out += E[row] . W[first len rows]}: the embedding row times the top block of w0. */
  private static void axpyRows(float[] emb, int rowOffset, int len, float[] w, int wOffset, int cols, float[] out) {
    axpy(emb, rowOffset, len, w, wOffset, cols, out);
  }

  private static void relu(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(0, v[i]);
    }
  }
}
