package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;
import java.util.Arrays;

/**
 * The network's forward pass in plain Java, in three stages: {@link #base} once per kernel (the first
 * layer's input projection of opcode embedding and node features), {@link #embed} (the GraphSAGE layers and
 * pooling; once per kernel with a late join, once per config with an early join) and {@link #head} once per
 * config. Flat row-major arrays, inner loops over contiguous memory for the JIT to vectorise, per-thread
 * scratch buffers and no other shared mutable state: thread-safe, and the only allocations per call are the
 * returned arrays.
 */
public final class Forward {
  private final Hyper h;
  private final Weights.Matrix emb;
  private final Weights.Matrix w0;
  private final float[] b0;
  private final float[] w0c;
  private final Weights.Matrix[] wl;
  private final float[][] bl;
  private final Weights.Matrix w1;
  private final float[] b1;
  private final Weights.Matrix w2;
  private final float[] b2;
  private final Weights.Matrix w3;
  private final float b3;
  private final ThreadLocal<Scratch> scratch;

  /** Per-thread buffers, grown to the largest graph seen. */
  private static final class Scratch {
    float[] state = new float[0];
    float[] next = new float[0];
    float[] mIn = new float[0];
    float[] mOut = new float[0];
    float[] invIn = new float[0];
    float[] invOut = new float[0];
    final float[] x;
    final float[] cat;
    final float[] out;
    final float[] cfg;
    final float[] z1;
    final float[] z2;

    Scratch(Hyper h) {
      x = new float[h.nodeFeatures()];
      cat = new float[3 * h.hidden()];
      out = new float[h.hidden()];
      cfg = new float[h.hidden()];
      z1 = new float[h.head1()];
      z2 = new float[h.head2()];
    }

    void ensure(int nodes, int hidden) {
      if (state.length < nodes * hidden) {
        int size = Math.max(nodes, 64) * hidden;
        state = new float[size];
        next = new float[size];
        mIn = new float[size];
        mOut = new float[size];
      }
      if (invIn.length < nodes) {
        invIn = new float[Math.max(nodes, 64)];
        invOut = new float[Math.max(nodes, 64)];
      }
    }
  }

  /** A forward pass over {@code w}, whose matrices must have the shapes {@code h} implies. */
  public Forward(Hyper h, Weights w) {
    this.h = h;
    int hd = h.hidden();
    emb = shaped(w, "emb", h.vocabulary(), h.embed());
    w0 = shaped(w, "w0", h.embed() + h.nodeFeatures(), hd);
    b0 = shaped(w, "b0", 1, hd).data();
    w0c = h.earlyJoin() ? shaped(w, "w0c", h.configFeatures(), hd).data() : null;
    wl = new Weights.Matrix[h.layers()];
    bl = new float[h.layers()][];
    for (int l = 0; l < h.layers(); l++) {
      wl[l] = shaped(w, "wl" + l, 3 * hd, hd);
      bl[l] = shaped(w, "bl" + l, 1, hd).data();
    }
    w1 = shaped(w, "w1", h.graphWidth() + h.configFeatures(), h.head1());
    b1 = shaped(w, "b1", 1, h.head1()).data();
    w2 = shaped(w, "w2", h.head1(), h.head2());
    b2 = shaped(w, "b2", 1, h.head2()).data();
    w3 = shaped(w, "w3", h.head2(), 1);
    b3 = shaped(w, "b3", 1, 1).data()[0];
    scratch = ThreadLocal.withInitial(() -> new Scratch(h));
  }

  private static Weights.Matrix shaped(Weights w, String name, int rows, int cols) {
    Weights.Matrix m = w.get(name);
    if (m.rows() != rows || m.cols() != cols) {
      throw new IllegalArgumentException("weight '" + name + "' is " + m.rows() + "x" + m.cols() + " but the network's"
          + " hyper-parameters need " + rows + "x" + cols);
    }
    return m;
  }

  /** The hyper-parameters. */
  public Hyper hyper() {
    return h;
  }

  /** Multiply-adds of {@link #base} for a graph of {@code nodes} nodes. */
  public long baseMacs(int nodes) {
    return (long) nodes * (h.embed() + h.nodeFeatures()) * h.hidden();
  }

  /** Multiply-adds of one {@link #embed} for a graph of {@code nodes} nodes and {@code edges} edges. */
  public long embedMacs(int nodes, int edges) {
    long cfg = h.earlyJoin() ? (long) h.configFeatures() * h.hidden() : 0;
    long layers = (long) h.layers() * ((long) nodes * 3 * h.hidden() * h.hidden() + 2L * edges * h.hidden());
    return cfg + layers + (long) nodes * h.hidden();
  }

  /** Multiply-adds of one {@link #head(float[], float[])}. */
  public long headMacs() {
    return (long) h.graphWidth() * h.head1() + headFromMacs();
  }

  /** Multiply-adds of one {@link #headFrom}: the per-config part of the head. */
  public long headFromMacs() {
    return (long) h.configFeatures() * h.head1() + (long) h.head1() * h.head2() + h.head2();
  }

  /**
   * The first layer's pre-activations, {@code [nodes][hidden]} row-major: the opcode embedding and the node
   * features (normalised with {@code norm}) times {@code w0}, plus {@code b0}.
   */
  public float[] base(KernelGraph g, Normalizer norm) {
    int n = g.size();
    int hd = h.hidden();
    int e = h.embed();
    int d = h.nodeFeatures();
    float[] x = scratch.get().x;
    float[] base = new float[n * hd];
    for (int i = 0; i < n; i++) {
      int op = Math.min(Math.max(0, g.opcodes()[i]), emb.rows() - 1);
      System.arraycopy(b0, 0, base, i * hd, hd);
      axpy(emb.data(), op * e, e, w0.data(), 0, hd, base, i * hd);
      float[] raw = g.nodes()[i];
      for (int k = 0; k < d; k++) {
        x[k] = (raw[k] - norm.mean()[k]) / norm.std()[k];
      }
      axpy(x, 0, d, w0.data(), e * hd, hd, base, i * hd);
    }
    return base;
  }

  /** The kernel embedding of a late-join network; node features are normalised with {@code norm}. */
  public float[] embed(KernelGraph g, Normalizer norm) {
    return embed(g, base(g, norm), null);
  }

  /**
   * The kernel embedding ({@link Hyper#graphWidth()} values) from {@link #base}'s output. {@code config} (the
   * normalised config features) must be given exactly when the network joins them early.
   */
  public float[] embed(KernelGraph g, float[] base, float[] config) {
    if ((config != null) != h.earlyJoin()) {
      throw new IllegalArgumentException(h.earlyJoin() ? "an early-join network needs the config features"
          : "a late-join network takes no config features in the encoder");
    }
    int n = g.size();
    int hd = h.hidden();
    Scratch s = scratch.get();
    s.ensure(n, hd);
    float[] state = s.state;
    float[] next = s.next;
    if (config != null) {
      Arrays.fill(s.cfg, 0);
      axpy(config, 0, config.length, w0c, 0, hd, s.cfg, 0);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < hd; c++) {
          state[i * hd + c] = Math.max(0, base[i * hd + c] + s.cfg[c]);
        }
      }
    } else {
      for (int i = 0; i < n * hd; i++) {
        state[i] = Math.max(0, base[i]);
      }
    }
    float[] invIn = s.invIn;
    float[] invOut = s.invOut;
    Arrays.fill(invIn, 0, n, 0);
    Arrays.fill(invOut, 0, n, 0);
    int[] src = g.src();
    int[] dst = g.dst();
    for (int k = 0; k < src.length; k++) {
      invIn[dst[k]]++;
      invOut[src[k]]++;
    }
    for (int i = 0; i < n; i++) {
      invIn[i] = invIn[i] == 0 ? 0 : 1 / invIn[i];
      invOut[i] = invOut[i] == 0 ? 0 : 1 / invOut[i];
    }
    float[] mIn = s.mIn;
    float[] mOut = s.mOut;
    float[] cat = s.cat;
    float[] out = s.out;
    for (int l = 0; l < h.layers(); l++) {
      Arrays.fill(mIn, 0, n * hd, 0);
      Arrays.fill(mOut, 0, n * hd, 0);
      for (int k = 0; k < src.length; k++) {
        int a = src[k] * hd;
        int b = dst[k] * hd;
        float wi = invIn[dst[k]];
        float wo = invOut[src[k]];
        for (int c = 0; c < hd; c++) {
          mIn[b + c] += wi * state[a + c];
          mOut[a + c] += wo * state[b + c];
        }
      }
      float[] w = wl[l].data();
      for (int i = 0; i < n; i++) {
        System.arraycopy(state, i * hd, cat, 0, hd);
        System.arraycopy(mIn, i * hd, cat, hd, hd);
        System.arraycopy(mOut, i * hd, cat, 2 * hd, hd);
        System.arraycopy(bl[l], 0, out, 0, hd);
        axpy(cat, 0, 3 * hd, w, 0, hd, out, 0);
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

  /**
   * The outputs for every config of one kernel ({@code configs} normalised): the graph is encoded once with
   * a late join and once per config with an early join.
   */
  public float[] outputs(KernelGraph g, Normalizer norm, float[][] configs) {
    float[] base = base(g, norm);
    float[] late = h.earlyJoin() ? null : headInput(embed(g, base, null));
    float[] out = new float[configs.length];
    for (int j = 0; j < configs.length; j++) {
      out[j] = headFrom(late != null ? late : headInput(embed(g, base, configs[j])), configs[j]);
    }
    return out;
  }

  /** The head's output (standardised log runtime) for a kernel embedding and normalised config features. */
  public float head(float[] graph, float[] config) {
    return headFrom(headInput(graph), config);
  }

  /**
   * The kernel's share of the head's first layer ({@code b1 + graph . W1[graph rows]}, {@link Hyper#head1()}
   * values): with a late join it is the same for every config, so {@link #headFrom} can start
   * from it and pay only for the config's rows.
   */
  public float[] headInput(float[] graph) {
    float[] z = b1.clone();
    axpy(graph, 0, graph.length, w1.data(), 0, z.length, z, 0);
    return z;
  }

  /**
   * The head's output from {@link #headInput} and the normalised config features. {@code kernelPart} is
   * only read.
   */
  public float headFrom(float[] kernelPart, float[] config) {
    Scratch s = scratch.get();
    float[] z1 = s.z1;
    System.arraycopy(kernelPart, 0, z1, 0, z1.length);
    axpy(config, 0, config.length, w1.data(), h.graphWidth() * z1.length, z1.length, z1, 0);
    relu(z1);
    float[] z2 = s.z2;
    System.arraycopy(b2, 0, z2, 0, z2.length);
    axpy(z1, 0, z1.length, w2.data(), 0, z2.length, z2, 0);
    relu(z2);
    float out = b3;
    float[] w = w3.data();
    for (int i = 0; i < z2.length; i++) {
      out += z2[i] * w[i];
    }
    return out;
  }

  /**
   * {@code out[outOffset..+cols) += v[from..from+len) . W}, where W is the row-major block of {@code len}
   * rows and {@code cols} columns starting at {@code wOffset}.
   */
  private static void axpy(float[] v, int from, int len, float[] w, int wOffset, int cols, float[] out, int outOffset) {
    for (int r = 0; r < len; r++) {
      float a = v[from + r];
      if (a == 0) {
        continue;
      }
      int base = wOffset + r * cols;
      for (int c = 0; c < cols; c++) {
        out[outOffset + c] += a * w[base + c];
      }
    }
  }

  private static void relu(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(0, v[i]);
    }
  }
}
