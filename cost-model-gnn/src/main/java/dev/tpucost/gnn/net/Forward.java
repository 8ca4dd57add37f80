package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;
import java.util.Arrays;

/**
 * The network's forward pass in plain Java, in three stages: {@link #base} once per kernel (the first
 * layer's input projection of opcode embedding and node features), {@link #embed} (the GraphSAGE layers and
 * pooling; once per kernel with a late join, once per config with an early join) and the head once per
 * config ({@link #headFrom}, or {@link #headAll} for many configs).
 *
 * <p>Weight matrices and node states are held as arrays of rows, and every inner loop has the form
 * {@code out[c] += a * row[c]}: HotSpot's C2 (JDK 17) vectorises that with AVX, but not the same loop over
 * one flat array at a row offset, where it cannot rule out that the two arrays overlap (measured: ~1.3 vs
 * ~8 GMAC/s on this machine's core). The encoder's scalar products skip the zeros of their left operand
 * ({@link Gemm#scalar}). Per-thread scratch buffers, and one shared value computed on first use
 * (the first layer folded with the normaliser, an immutable record published through a volatile field; a
 * race computes it twice, the same): the pass is thread-safe, and the only allocations per call are the
 * returned arrays and the scalar products' index buffers.
 */
public final class Forward {
  private final Hyper h;
  private final float[][] emb;
  private final float[][] w0;
  private final float[] b0;
  private final float[][] w0c;
  /** Per layer, {@code [W_self | W_in | W_out]} side by side: hidden rows of 3 x hidden (one wide product). */
  private final float[][][] wcat;
  private final float[][] bl;
  private final float[][] w1;
  private final float[] b1;
  private final float[][] w2;
  private final float[] b2;
  private final float[] w3;
  private final float b3;
  private final ThreadLocal<Scratch> scratch;
  private final ThreadLocal<Block> blocks;
  private volatile Folded folded;

  /** Per-thread buffers, grown to the largest graph seen. */
  private static final class Scratch {
    float[][] state = new float[0][];
    float[][] next = new float[0][];
    float[][] products = new float[0][];
    float[] invIn = new float[0];
    float[] invOut = new float[0];
    final float[] cfg;
    final float[] z1;
    final float[] z2;
    final int hidden;

    Scratch(Hyper h) {
      hidden = h.hidden();
      cfg = new float[h.hidden()];
      z1 = new float[h.head1()];
      z2 = new float[h.head2()];
    }

    void ensure(int nodes) {
      if (state.length < nodes) {
        int size = Math.max(nodes, 64);
        state = new float[size][hidden];
        next = new float[size][hidden];
        products = new float[size][3 * hidden];
        invIn = new float[size];
        invOut = new float[size];
      }
    }
  }

  /** A forward pass over {@code w}, whose matrices must have the shapes {@code h} implies. */
  public Forward(Hyper h, Weights w) {
    this.h = h;
    int hd = h.hidden();
    emb = rows(w, "emb", h.vocabulary(), h.embed());
    w0 = rows(w, "w0", h.embed() + h.nodeFeatures(), hd);
    b0 = rows(w, "b0", 1, hd)[0];
    w0c = h.earlyJoin() ? rows(w, "w0c", h.configFeatures(), hd) : null;
    float[][][] wl = new float[h.layers()][][];
    wcat = new float[h.layers()][hd][3 * hd];
    bl = new float[h.layers()][];
    for (int l = 0; l < h.layers(); l++) {
      wl[l] = rows(w, "wl" + l, 3 * hd, hd);
      bl[l] = rows(w, "bl" + l, 1, hd)[0];
      for (int r = 0; r < hd; r++) {
        for (int part = 0; part < 3; part++) {
          System.arraycopy(wl[l][part * hd + r], 0, wcat[l][r], part * hd, hd);
        }
      }
    }
    w1 = rows(w, "w1", h.graphWidth() + h.configFeatures(), h.head1());
    b1 = rows(w, "b1", 1, h.head1())[0];
    w2 = rows(w, "w2", h.head1(), h.head2());
    b2 = rows(w, "b2", 1, h.head2())[0];
    w3 = column(rows(w, "w3", h.head2(), 1));
    b3 = rows(w, "b3", 1, 1)[0][0];
    scratch = ThreadLocal.withInitial(() -> new Scratch(h));
    blocks = ThreadLocal.withInitial(() -> new Block(h));
  }

  /** The rows of weight {@code name}, checked to be {@code rows x cols}. */
  private static float[][] rows(Weights w, String name, int rows, int cols) {
    Weights.Matrix m = w.get(name);
    if (m.rows() != rows || m.cols() != cols) {
      throw new IllegalArgumentException("weight '" + name + "' is " + m.rows() + "x" + m.cols() + " but the network's"
          + " hyper-parameters need " + rows + "x" + cols);
    }
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = Arrays.copyOfRange(m.data(), r * cols, (r + 1) * cols);
    }
    return out;
  }

  private static float[] column(float[][] rows) {
    float[] out = new float[rows.length];
    for (int r = 0; r < rows.length; r++) {
      out[r] = rows[r][0];
    }
    return out;
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

  /** Multiply-adds of the whole head for one config: {@link #headInput} and {@link #headFrom}. */
  public long headMacs() {
    return (long) (h.graphWidth() + h.configFeatures()) * h.head1() + (long) h.head1() * h.head2() + h.head2();
  }

  /**
   * The first layer's pre-activations, {@code [nodes][hidden]}: the opcode embedding and the node features
   * (normalised with {@code norm}) times {@code w0}, plus {@code b0}. Computed with the normalisation folded
   * into the weights ({@link Folded}): a node's row starts from its opcode's projected embedding and adds
   * only its non-zero raw features (about two thirds are zero).
   */
  public float[][] base(KernelGraph g, Normalizer norm) {
    return base(g, g.nodes(), norm);
  }

  /**
   * {@link #base(KernelGraph, Normalizer)} with the raw node features in {@code nodeRows} (only read; at
   * least {@code g.size()} rows) instead of {@code g.nodes()}: for a graph featurised into a reused buffer
   * ({@code Featurizer.structure}).
   */
  public float[][] base(KernelGraph g, float[][] nodeRows, Normalizer norm) {
    Folded f = folded(norm);
    int n = g.size();
    float[][] base = new float[n][];
    int[] ops = g.opcodes();
    for (int i = 0; i < n; i++) {
      base[i] = f.opcodeRows[Math.min(Math.max(0, ops[i]), f.opcodeRows.length - 1)].clone();
    }
    Gemm.accumulate(nodeRows, n, f.featureRows, 0, h.nodeFeatures(), base);
    return base;
  }

  /**
   * The first layer folded for one normaliser: {@code opcodeRows[v] = b0 + emb[v] . W0[embedding rows] -
   * sum_k (mean[k] / std[k]) W0[feature row k]} and {@code featureRows[k] = W0[feature row k] / std[k]}, so
   * that {@code base = opcodeRows[op] + raw . featureRows} equals {@code b0 + [emb[op], (raw - mean) / std] .
   * W0} (constants summed in double).
   */
  private record Folded(Normalizer norm, float[][] opcodeRows, float[][] featureRows) {}

  private Folded folded(Normalizer norm) {
    Folded f = folded;
    if (f != null && f.norm() == norm) {
      return f;
    }
    int hd = h.hidden();
    int e = h.embed();
    int d = h.nodeFeatures();
    double[] bias = new double[hd];
    float[][] featureRows = new float[d][hd];
    for (int c = 0; c < hd; c++) {
      bias[c] = b0[c];
    }
    for (int k = 0; k < d; k++) {
      double scale = 1.0 / norm.std()[k];
      double shift = norm.mean()[k] * scale;
      for (int c = 0; c < hd; c++) {
        featureRows[k][c] = (float) (w0[e + k][c] * scale);
        bias[c] -= shift * w0[e + k][c];
      }
    }
    float[][] opcodeRows = new float[emb.length][hd];
    for (int v = 0; v < emb.length; v++) {
      for (int c = 0; c < hd; c++) {
        double z = bias[c];
        for (int r = 0; r < e; r++) {
          z += (double) emb[v][r] * w0[r][c];
        }
        opcodeRows[v][c] = (float) z;
      }
    }
    f = new Folded(norm, opcodeRows, featureRows);
    folded = f;
    return f;
  }

  /** The kernel embedding of a late-join network; node features are normalised with {@code norm}. */
  public float[] embed(KernelGraph g, Normalizer norm) {
    return embed(g, base(g, norm), null);
  }

  /**
   * The kernel embedding ({@link Hyper#graphWidth()} values) from {@link #base}'s output, which is only
   * read. {@code config} (the normalised config features) must be given exactly when the network joins them
   * early.
   */
  public float[] embed(KernelGraph g, float[][] base, float[] config) {
    if ((config != null) != h.earlyJoin()) {
      throw new IllegalArgumentException(h.earlyJoin() ? "an early-join network needs the config features"
          : "a late-join network takes no config features in the encoder");
    }
    int n = g.size();
    int hd = h.hidden();
    Scratch s = scratch.get();
    s.ensure(n);
    float[][] state = s.state;
    float[][] next = s.next;
    float[] shift = s.cfg;
    Arrays.fill(shift, 0);
    if (config != null) {
      for (int r = 0; r < config.length; r++) {
        axpy(config[r], w0c[r], shift);
      }
    }
    for (int i = 0; i < n; i++) {
      float[] b = base[i];
      float[] st = state[i];
      for (int c = 0; c < hd; c++) {
        st[c] = Math.max(0, b[c] + shift[c]);
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
    float[][] p = s.products;
    for (int l = 0; l < h.layers(); l++) {
      // next = bl + [state, mIn, mOut] . W with mIn = mean of in-neighbours' states (likewise mOut), computed
      // as one product state . [W_self | W_in | W_out] (rows three times as wide as the state, which C2's and
      // the Vector API's loops run far better at small widths), then per node its own third plus the mean of
      // its in-neighbours' second thirds and of its out-neighbours' last thirds (per-edge additions).
      for (int i = 0; i < n; i++) {
        Arrays.fill(p[i], 0);
      }
      Gemm.accumulate(state, n, wcat[l], 0, hd, p);
      float[] bias = bl[l];
      for (int i = 0; i < n; i++) {
        float[] out = next[i];
        float[] pi = p[i];
        for (int c = 0; c < hd; c++) {
          out[c] = bias[c] + pi[c];
        }
      }
      for (int k = 0; k < src.length; k++) {
        axpyAt(invIn[dst[k]], p[src[k]], hd, next[dst[k]]);
        axpyAt(invOut[src[k]], p[dst[k]], 2 * hd, next[src[k]]);
      }
      for (int i = 0; i < n; i++) {
        float[] out = next[i];
        float[] st = state[i];
        for (int c = 0; c < hd; c++) {
          out[c] = Math.max(0, out[c]) + st[c];
        }
      }
      float[][] t = state;
      state = next;
      next = t;
    }
    s.state = state;
    s.next = next;
    float[] sum = new float[hd];
    for (int i = 0; i < n; i++) {
      axpy(1f, state[i], sum);
    }
    float[] graph = new float[2 * hd];
    for (int c = 0; c < hd; c++) {
      graph[c] = sum[c] / n;
      graph[hd + c] = sum[c] / 32f;
    }
    return graph;
  }

  /**
   * The outputs for every config of one kernel ({@code configs} normalised): the graph is encoded once with
   * a late join and once per config with an early join.
   */
  public float[] outputs(KernelGraph g, Normalizer norm, float[][] configs) {
    float[][] base = base(g, norm);
    float[] out = new float[configs.length];
    outputs(g, base, lateHeadInput(g, base), configs, out);
    return out;
  }

  /**
   * A late-join network's {@link #headInput} for a kernel, the same for all its configs; null for an
   * early-join network, whose head input depends on the config.
   */
  public float[] lateHeadInput(KernelGraph g, float[][] base) {
    return h.earlyJoin() ? null : headInput(embed(g, base, null));
  }

  /** Configs from which {@link #outputs(KernelGraph, float[][], float[], float[][], float[])} uses {@link #headAll}. */
  static final int BLOCKED_FROM = 8;

  /**
   * The outputs for {@code configs} (normalised; a null entry gives NaN) of a kernel whose {@link #base} and
   * {@link #lateHeadInput} are given. A late-join head runs over many configs in {@link #headAll}'s blocks
   * and over a few one at a time (same results); an early join re-encodes the graph per config.
   */
  public void outputs(KernelGraph g, float[][] base, float[] late, float[][] configs, float[] out) {
    outputs(g, base, late, configs, out, h.configFeatures());
  }

  /**
   * {@link #outputs(KernelGraph, float[][], float[], float[][], float[])} where the config features from
   * column {@code sharedFrom} on are the same for every config (the kernel's and the chip's): with a late
   * join their share of the head's first layer is added to the kernel's once, and each config pays only for
   * its own columns.
   */
  public void outputs(KernelGraph g, float[][] base, float[] late, float[][] configs, float[] out, int sharedFrom) {
    if (sharedFrom < 0 || sharedFrom > h.configFeatures()) {
      throw new IllegalArgumentException("shared columns from " + sharedFrom + " of " + h.configFeatures());
    }
    int own = h.configFeatures();
    float[] start = late;
    if (late != null && sharedFrom < own) {
      float[] first = null;
      for (int j = 0; j < configs.length && first == null; j++) {
        first = configs[j];
      }
      if (first != null) {
        start = late.clone();
        for (int r = sharedFrom; r < own; r++) {
          axpy(first[r], w1[h.graphWidth() + r], start);
        }
        own = sharedFrom;
      }
    }
    if (late != null && configs.length >= BLOCKED_FROM) {
      headAll(start, configs, out, own, w1, h.graphWidth());
      return;
    }
    for (int j = 0; j < configs.length; j++) {
      float[] c = configs[j];
      out[j] = c == null ? Float.NaN : late != null ? headFrom(start, c, own, w1, h.graphWidth())
          : headFrom(headInput(embed(g, base, c)), c, h.configFeatures(), w1, h.graphWidth());
    }
  }

  /**
   * A late-join network's outputs for <em>raw</em> config features ({@code configs} only read; a null entry
   * gives NaN), the normaliser folded into the head's first layer ({@link FoldedHead}): no per-config
   * normalisation. Columns from {@code sharedFrom} on must be the same for every config, as in
   * {@link #outputs(KernelGraph, float[][], float[], float[][], float[], int)}; equal to it on normalised
   * configs within float rounding.
   */
  public void outputsRaw(float[] late, float[][] configs, float[] out, int sharedFrom, Normalizer norm) {
    if (h.earlyJoin() || late == null) {
      throw new IllegalArgumentException("raw config features need a late-join network and its head input");
    }
    if (sharedFrom < 0 || sharedFrom > h.configFeatures()) {
      throw new IllegalArgumentException("shared columns from " + sharedFrom + " of " + h.configFeatures());
    }
    FoldedHead fh = foldedHead(norm);
    float[] start = late.clone();
    for (int c = 0; c < start.length; c++) {
      start[c] += fh.shift()[c];
    }
    float[] first = null;
    for (int j = 0; j < configs.length && first == null; j++) {
      first = configs[j];
    }
    int own = first == null ? h.configFeatures() : sharedFrom;
    for (int r = own; r < h.configFeatures(); r++) {
      axpy(first[r], fh.rows()[r], start);
    }
    if (configs.length >= BLOCKED_FROM) {
      headAll(start, configs, out, own, fh.rows(), 0);
      return;
    }
    for (int j = 0; j < configs.length; j++) {
      out[j] = configs[j] == null ? Float.NaN : headFrom(start, configs[j], own, fh.rows(), 0);
    }
  }

  /**
   * The head's config rows folded with a config normaliser: {@code rows[r] = W1[config row r] / std[r]} and
   * {@code shift = - sum_r (mean[r] / std[r]) W1[config row r]} (summed in double), so that {@code raw .
   * rows + shift} equals {@code ((raw - mean) / std) . W1[config rows]}.
   */
  private record FoldedHead(Normalizer norm, float[][] rows, float[] shift) {}

  private volatile FoldedHead foldedHead;

  private FoldedHead foldedHead(Normalizer norm) {
    FoldedHead f = foldedHead;
    if (f != null && f.norm() == norm) {
      return f;
    }
    int g = h.graphWidth();
    int n = h.configFeatures();
    if (norm.width() != n) {
      throw new IllegalArgumentException("a config normaliser of " + norm.width() + " features for " + n);
    }
    float[][] rows = new float[n][h.head1()];
    double[] shift = new double[h.head1()];
    for (int r = 0; r < n; r++) {
      double scale = 1.0 / norm.std()[r];
      for (int c = 0; c < h.head1(); c++) {
        rows[r][c] = (float) (w1[g + r][c] * scale);
        shift[c] -= norm.mean()[r] * scale * w1[g + r][c];
      }
    }
    float[] s = new float[h.head1()];
    for (int c = 0; c < s.length; c++) {
      s[c] = (float) shift[c];
    }
    f = new FoldedHead(norm, rows, s);
    foldedHead = f;
    return f;
  }

  /**
   * The kernel's share of the head's first layer ({@code b1 + graph . W1[graph rows]}, {@link Hyper#head1()}
   * values): with a late join it is the same for every config, so {@link #headFrom} can start from it and
   * pay only for the config's rows.
   */
  public float[] headInput(float[] graph) {
    float[] z = b1.clone();
    for (int r = 0; r < graph.length; r++) {
      axpy(graph[r], w1[r], z);
    }
    return z;
  }

  /** The head's output from {@link #headInput} (only read) and the normalised config features. */
  public float headFrom(float[] kernelPart, float[] config) {
    return headFrom(kernelPart, config, config.length, w1, h.graphWidth());
  }

  /**
   * {@link #headFrom(float[], float[])} over the config's first {@code columns} features only, the config
   * rows of the first layer being {@code w[w0...]}.
   */
  private float headFrom(float[] kernelPart, float[] config, int columns, float[][] w, int w0) {
    Scratch s = scratch.get();
    float[] z1 = s.z1;
    System.arraycopy(kernelPart, 0, z1, 0, z1.length);
    for (int r = 0; r < columns; r++) {
      axpy(config[r], w[w0 + r], z1);
    }
    float[] z2 = s.z2;
    System.arraycopy(b2, 0, z2, 0, z2.length);
    for (int r = 0; r < z1.length; r++) {
      axpy(Math.max(0, z1[r]), w2[r], z2);
    }
    return output(z2);
  }

  /** The head's last layer: {@code b3 + relu(z2) . w3}. */
  private float output(float[] z2) {
    float out = b3;
    for (int i = 0; i < z2.length; i++) {
      out += Math.max(0, z2[i]) * w3[i];
    }
    return out;
  }

  /** Configs per block of {@link #headAll}: its buffers stay in the core's L1/L2 cache. */
  private static final int BLOCK = 128;

  /** Per-thread buffers of {@link #headAll}, transposed: one row per feature or unit, one column per config. */
  private static final class Block {
    final float[][] configs;
    final float[][] z1;
    final float[][] z2;
    final float[] acc = new float[BLOCK];

    Block(Hyper h) {
      configs = new float[h.configFeatures()][BLOCK];
      z1 = new float[h.head1()][BLOCK];
      z2 = new float[h.head2()][BLOCK];
    }
  }

  /**
   * {@link #headFrom} for many configs of one kernel, into {@code out} (NaN where {@code configs[i]} is
   * null), over blocks of configs held transposed (a row per feature or unit, a column per config):
   * {@code z1 = kernelPart + W1[config rows]^T . C}, {@code z2 = b2 + W2^T . relu(z1)},
   * {@code out = b3 + w3 . relu(z2)}. The inner loops run along a block's configs, long enough for C2 to
   * vectorise them well at the head's small widths (along a 16- or 32-wide row they were mostly loop
   * overhead), on the scalar path and the Vector API's alike. Equal to {@link #headFrom} within float
   * rounding.
   */
  public void headAll(float[] kernelPart, float[][] configs, float[] out) {
    headAll(kernelPart, configs, out, h.configFeatures(), w1, h.graphWidth());
  }

  /**
   * {@link #headAll(float[], float[][], float[])} over the configs' first {@code f} features only, the
   * config rows of the first layer being {@code w[w0...]}.
   */
  private void headAll(float[] kernelPart, float[][] configs, float[] out, int f, float[][] w, int w0) {
    if (out.length != configs.length) {
      throw new IllegalArgumentException(out.length + " outputs for " + configs.length + " configs");
    }
    Block b = blocks.get();
    for (int start = 0; start < configs.length; start += BLOCK) {
      int m = Math.min(BLOCK, configs.length - start);
      for (int j = 0; j < m; j++) {
        float[] c = configs[start + j];
        for (int r = 0; r < f; r++) {
          b.configs[r][j] = c == null ? 0 : c[r];
        }
      }
      for (int c = 0; c < b.z1.length; c++) {
        java.util.Arrays.fill(b.z1[c], 0, m, kernelPart[c]);
      }
      layerT(b.configs, w, w0, f, b.z1, m);
      for (float[] row : b.z1) {
        for (int j = 0; j < m; j++) {
          row[j] = Math.max(0, row[j]);
        }
      }
      for (int c = 0; c < b.z2.length; c++) {
        java.util.Arrays.fill(b.z2[c], 0, m, b2[c]);
      }
      layerT(b.z1, w2, 0, h.head1(), b.z2, m);
      float[] acc = b.acc;
      java.util.Arrays.fill(acc, 0, m, b3);
      for (int c = 0; c < b.z2.length; c++) {
        float wc = w3[c];
        float[] row = b.z2[c];
        for (int j = 0; j < m; j++) {
          acc[j] += wc * Math.max(0, row[j]);
        }
      }
      for (int j = 0; j < m; j++) {
        out[start + j] = configs[start + j] == null ? Float.NaN : acc[j];
      }
    }
  }

  /**
   * {@code outT[c][j] += sum_{r < k} w[w0 + r][c] * inT[r][j]} for {@code j < m}, four input rows at a time
   * (one load and store of {@code outT[c][j]} per four multiply-adds).
   */
  private static void layerT(float[][] inT, float[][] w, int w0, int k, float[][] outT, int m) {
    int r = 0;
    for (; r + 4 <= k; r += 4) {
      float[] i0 = inT[r];
      float[] i1 = inT[r + 1];
      float[] i2 = inT[r + 2];
      float[] i3 = inT[r + 3];
      float[] v0 = w[w0 + r];
      float[] v1 = w[w0 + r + 1];
      float[] v2 = w[w0 + r + 2];
      float[] v3 = w[w0 + r + 3];
      for (int c = 0; c < outT.length; c++) {
        float a0 = v0[c];
        float a1 = v1[c];
        float a2 = v2[c];
        float a3 = v3[c];
        float[] o = outT[c];
        for (int j = 0; j < m; j++) {
          o[j] += a0 * i0[j] + a1 * i1[j] + a2 * i2[j] + a3 * i3[j];
        }
      }
    }
    for (; r < k; r++) {
      float[] i0 = inT[r];
      float[] v0 = w[w0 + r];
      for (int c = 0; c < outT.length; c++) {
        float a0 = v0[c];
        float[] o = outT[c];
        for (int j = 0; j < m; j++) {
          o[j] += a0 * i0[j];
        }
      }
    }
  }

  /** {@code out[c] += a * row[from + c]} over {@code out}'s length ({@code row} is another array). */
  private static void axpyAt(float a, float[] row, int from, float[] out) {
    for (int c = 0; c < out.length; c++) {
      out[c] += a * row[from + c];
    }
  }

  /** {@code out[c] += a * row[c]} over {@code out}'s length; skips {@code a == 0} (ReLU zeros are common). */
  private static void axpy(float a, float[] row, float[] out) {
    if (a == 0) {
      return;
    }
    for (int c = 0; c < out.length; c++) {
      out[c] += a * row[c];
    }
  }
}
