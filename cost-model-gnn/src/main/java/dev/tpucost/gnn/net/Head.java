package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.Normalizer;

/**
 * The network's head: from a kernel's embedding and each config's features to the (normalised) output, two
 * ReLU layers and a linear one. The first layer splits into the kernel's share ({@link #input}, once per
 * kernel with a late join) and each config's; {@link #from} runs one config, {@link #all} many over transposed
 * blocks, {@link #outputs} and {@link #outputsRaw} choose between them and add the columns every config of a
 * kernel shares once ({@code outputsRaw} also takes raw features, the normaliser folded into the first layer).
 * Per-thread buffers and one value computed on first use (the folded layer, an immutable record published
 * through a volatile field): thread-safe.
 */
public final class Head {
  private final Hyper h;
  private final float[][] w1;
  private final float[] b1;
  /** The first layer's config rows transposed, {@code [head1][configFeatures]}: {@link #all}'s left operand. */
  private final float[][] w1T;
  private final float[][] w2;
  /** {@code w2} transposed, {@code [head2][head1]}. */
  private final float[][] w2T;
  private final float[] b2;
  private final float[] w3;
  private final float b3;
  /** The quantile outputs' weights, {@code [2][head2]} (low, high), or null for a network without them. */
  private final float[][] wq;
  private final float[] bq;
  private final ThreadLocal<Units> units;
  private final ThreadLocal<Block> blocks;

  /** Per-thread buffers of one config's hidden units. */
  private static final class Units {
    final float[] z1;
    final float[] z2;

    Units(Hyper h) {
      z1 = new float[h.head1()];
      z2 = new float[h.head2()];
    }
  }

  /** The head of the network {@code h} with weights {@code w}. */
  Head(Hyper h, Weights w) {
    this.h = h;
    w1 = w.rows("w1", h.graphWidth() + h.configFeatures(), h.head1());
    b1 = w.rows("b1", 1, h.head1())[0];
    w2 = w.rows("w2", h.head1(), h.head2());
    w1T = transposed(w1, h.graphWidth(), h.configFeatures());
    w2T = transposed(w2, 0, h.head1());
    b2 = w.rows("b2", 1, h.head2())[0];
    float[][] last = w.rows("w3", h.head2(), 1);
    w3 = new float[h.head2()];
    for (int r = 0; r < w3.length; r++) {
      w3[r] = last[r][0];
    }
    b3 = w.rows("b3", 1, 1)[0][0];
    if (w.all().containsKey(QUANTILE_WEIGHTS)) {
      float[][] q = w.rows(QUANTILE_WEIGHTS, h.head2(), 2);
      wq = new float[2][h.head2()];
      for (int r = 0; r < h.head2(); r++) {
        wq[0][r] = q[r][0];
        wq[1][r] = q[r][1];
      }
      bq = w.rows(QUANTILE_BIAS, 1, 2)[0];
    } else {
      wq = null;
      bq = null;
    }
    units = ThreadLocal.withInitial(() -> new Units(h));
    blocks = ThreadLocal.withInitial(() -> new Block(h));
  }

  /**
   * Weight names of the optional quantile outputs: {@code wq} ({@code head2 x 2}) and {@code bq} ({@code 1 x 2})
   * map the last hidden layer, {@code relu(z2)}, to a low and a high quantile of the normalised target beside
   * the output ({@code b3 + relu(z2) . w3}): two more dot products per config.
   */
  public static final String QUANTILE_WEIGHTS = "wq";

  /** See {@link #QUANTILE_WEIGHTS}. */
  public static final String QUANTILE_BIAS = "bq";

  /** True if the network has quantile outputs ({@link #QUANTILE_WEIGHTS}). */
  public boolean hasQuantiles() {
    return wq != null;
  }

  /** Width of the last hidden layer, the quantile outputs' input ({@link #hidden}). */
  public int hiddenWidth() {
    return h.head2();
  }

  /**
   * The last hidden layer, {@code relu(z2)}, for one config from {@link #input} ({@code kernelPart}) and its
   * normalised features: what the output and the quantile outputs are linear in (for fitting the latter).
   */
  public float[] hidden(float[] kernelPart, float[] config) {
    from(kernelPart, config, config.length, w1, h.graphWidth());
    float[] z = units.get().z2.clone();
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.max(0, z[i]);
    }
    return z;
  }

  /** Multiply-adds of the whole head for one config: {@link #input} and {@link #from}. */
  public long macs() {
    return (long) (h.graphWidth() + h.configFeatures()) * h.head1() + (long) h.head1() * h.head2() + h.head2();
  }

  /** Configs from which {@link #outputs} and {@link #outputsRaw} run {@link #all}'s blocks. */
  static final int BLOCKED_FROM = 8;

  /**
   * A late-join network's outputs for {@code configs} (normalised; a null entry gives NaN) of a kernel whose
   * {@link #input} is {@code late}; many configs run in {@link #all}'s blocks, a few one at a time (same
   * results). Columns from {@code sharedFrom} on must be the same for every config (the kernel's and the
   * chip's): their share of the first layer is added to the kernel's once, and each config pays only for its
   * own columns.
   */
  public void outputs(float[] late, float[][] configs, float[] out, int sharedFrom) {
    outputs(late, configs, out, null, null, sharedFrom);
  }

  /**
   * {@link #outputs(float[], float[][], float[], int)}, and with quantile outputs ({@link #hasQuantiles}) the
   * low and high quantiles into {@code low} and {@code high} (both null: not computed).
   */
  public void outputs(float[] late, float[][] configs, float[] out, float[] low, float[] high, int sharedFrom) {
    checkShared(sharedFrom);
    int own = h.configFeatures();
    float[] start = late;
    float[] first = first(configs);
    if (first != null && sharedFrom < own) {
      start = late.clone();
      for (int r = sharedFrom; r < own; r++) {
        Gemm.axpy(first[r], w1[h.graphWidth() + r], start);
      }
      own = sharedFrom;
    }
    run(start, configs, out, low, high, own, w1, h.graphWidth(), w1T);
  }

  /**
   * A late-join network's outputs for <em>raw</em> config features ({@code configs} only read; a null entry
   * gives NaN), the normaliser folded into the head's first layer ({@link FoldedHead}): no per-config
   * normalisation. Columns from {@code sharedFrom} on must be the same for every config, as in
   * {@link #outputs}; equal to it on normalised configs within float rounding.
   */
  public void outputsRaw(float[] late, float[][] configs, float[] out, int sharedFrom, Normalizer norm) {
    outputsRaw(late, configs, out, null, null, sharedFrom, norm);
  }

  /**
   * {@link #outputsRaw(float[], float[][], float[], int, Normalizer)}, and with quantile outputs the low and
   * high quantiles into {@code low} and {@code high} (both null: not computed).
   */
  public void outputsRaw(float[] late, float[][] configs, float[] out, float[] low, float[] high, int sharedFrom,
      Normalizer norm) {
    checkShared(sharedFrom);
    FoldedHead fh = foldedHead(norm);
    float[] start = late.clone();
    for (int c = 0; c < start.length; c++) {
      start[c] += fh.shift()[c];
    }
    float[] first = first(configs);
    int own = first == null ? h.configFeatures() : sharedFrom;
    for (int r = own; r < h.configFeatures(); r++) {
      Gemm.axpy(first[r], fh.rows()[r], start);
    }
    run(start, configs, out, low, high, own, fh.rows(), 0, fh.rowsT());
  }

  /** The configs through the head from {@code start}, over their first {@code own} columns ({@code w[w0...]}). */
  private void run(float[] start, float[][] configs, float[] out, float[] low, float[] high, int own, float[][] w,
      int w0, float[][] wT) {
    boolean quantiles = low != null || high != null;
    if (quantiles && (wq == null || low == null || high == null || low.length != out.length || high.length != out.length)) {
      throw new IllegalArgumentException(wq == null ? "the network has no quantile outputs" : "low and high must both be"
          + " given, as long as the outputs");
    }
    if (configs.length >= BLOCKED_FROM) {
      all(start, configs, out, low, high, own, wT);
      return;
    }
    for (int j = 0; j < configs.length; j++) {
      if (configs[j] == null) {
        out[j] = Float.NaN;
        if (quantiles) {
          low[j] = Float.NaN;
          high[j] = Float.NaN;
        }
        continue;
      }
      out[j] = from(start, configs[j], own, w, w0);
      if (quantiles) {
        float[] z2 = units.get().z2;
        low[j] = dotRelu(bq[0], wq[0], z2);
        high[j] = dotRelu(bq[1], wq[1], z2);
      }
    }
  }

  /** Quantile output {@code k} (0 low, 1 high) of a last hidden layer as {@link #hidden} gives it. */
  public float quantileOf(int k, float[] hidden) {
    if (wq == null) {
      throw new IllegalStateException("the network has no quantile outputs");
    }
    return dotRelu(bq[k], wq[k], hidden);
  }

  /** A last-layer output: {@code bias + relu(z2) . w} (the point output with b3, w3; a quantile with bq, wq). */
  private static float dotRelu(float bias, float[] w, float[] z2) {
    float out = bias;
    for (int i = 0; i < z2.length; i++) {
      out += Math.max(0, z2[i]) * w[i];
    }
    return out;
  }

  private void checkShared(int sharedFrom) {
    if (sharedFrom < 0 || sharedFrom > h.configFeatures()) {
      throw new IllegalArgumentException("shared columns from " + sharedFrom + " of " + h.configFeatures());
    }
  }

  /** The first non-null config, or null. */
  private static float[] first(float[][] configs) {
    for (float[] c : configs) {
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /**
   * The head's config rows folded with a config normaliser: {@code rows[r] = W1[config row r] / std[r]} and
   * {@code shift = - sum_r (mean[r] / std[r]) W1[config row r]} (summed in double), so that {@code raw .
   * rows + shift} equals {@code ((raw - mean) / std) . W1[config rows]}; {@code rowsT} is {@code rows}
   * transposed (for {@link #all}).
   */
  private record FoldedHead(Normalizer norm, float[][] rows, float[][] rowsT, float[] shift) {}

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
    double[] shift = new double[h.head1()];
    float[][] rows = norm.fold(w1, g, shift);
    float[] s = new float[h.head1()];
    for (int c = 0; c < s.length; c++) {
      s[c] = (float) shift[c];
    }
    f = new FoldedHead(norm, rows, transposed(rows, 0, n), s);
    foldedHead = f;
    return f;
  }

  /**
   * The kernel's share of the head's first layer ({@code b1 + graph . W1[graph rows]}, {@link Hyper#head1()}
   * values): with a late join it is the same for every config, so {@link #from} can start from it and
   * pay only for the config's rows.
   */
  public float[] input(float[] graph) {
    float[] z = b1.clone();
    for (int r = 0; r < graph.length; r++) {
      Gemm.axpy(graph[r], w1[r], z);
    }
    return z;
  }

  /** The head's output from {@link #input} (only read) and the normalised config features. */
  public float from(float[] kernelPart, float[] config) {
    return from(kernelPart, config, config.length, w1, h.graphWidth());
  }

  /**
   * {@link #from(float[], float[])} over the config's first {@code columns} features only, the config
   * rows of the first layer being {@code w[w0...]}.
   */
  private float from(float[] kernelPart, float[] config, int columns, float[][] w, int w0) {
    Units s = units.get();
    float[] z1 = s.z1;
    System.arraycopy(kernelPart, 0, z1, 0, z1.length);
    for (int r = 0; r < columns; r++) {
      Gemm.axpy(config[r], w[w0 + r], z1);
    }
    float[] z2 = s.z2;
    System.arraycopy(b2, 0, z2, 0, z2.length);
    for (int r = 0; r < z1.length; r++) {
      Gemm.axpy(Math.max(0, z1[r]), w2[r], z2);
    }
    return dotRelu(b3, w3, z2);
  }

  /** Configs per block of {@link #all}: its buffers stay in the core's L1/L2 cache. */
  private static final int BLOCK = 128;

  /** Per-thread buffers of {@link #all}, transposed: one row per feature or unit, one column per config. */
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
   * {@link #from} for many configs of one kernel, into {@code out} (NaN where {@code configs[i]} is
   * null), over blocks of configs held transposed (a row per feature or unit, a column per config):
   * {@code z1 = kernelPart + W1[config rows]^T . C}, {@code z2 = b2 + W2^T . relu(z1)},
   * {@code out = b3 + w3 . relu(z2)}, the two products by {@link Gemm} with the weights transposed as its left
   * operand: its rows then run along a block's 128 configs, long enough for C2's loops and the Vector API's
   * register blocks alike at the head's small widths (along a 16- or 32-wide row they were mostly loop
   * overhead). Equal to {@link #from} within float rounding.
   */
  public void all(float[] kernelPart, float[][] configs, float[] out) {
    all(kernelPart, configs, out, null, null, h.configFeatures(), w1T);
  }

  /**
   * {@link #all(float[], float[][], float[])} over the configs' first {@code f} features only, the
   * first layer's config rows transposed being {@code wT} (a row per unit).
   */
  private void all(float[] kernelPart, float[][] configs, float[] out, float[] low, float[] high, int f,
      float[][] wT) {
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
      // z1 += W1[config rows]^T . C over whole blocks (columns past m are left-over values, never read)
      Gemm.accumulate(wT, wT.length, b.configs, 0, f, b.z1);
      for (float[] row : b.z1) {
        for (int j = 0; j < m; j++) {
          row[j] = Math.max(0, row[j]);
        }
      }
      for (int c = 0; c < b.z2.length; c++) {
        java.util.Arrays.fill(b.z2[c], 0, m, b2[c]);
      }
      Gemm.accumulate(w2T, w2T.length, b.z1, 0, h.head1(), b.z2);
      lastT(b, b3, w3, out, configs, start, m);
      if (low != null) {
        lastT(b, bq[0], wq[0], low, configs, start, m);
        lastT(b, bq[1], wq[1], high, configs, start, m);
      }
    }
  }

  /**
   * A last-layer output ({@link #dotRelu}) of a block's configs, {@code b.z2} as {@link #all} left it, into
   * {@code out[start...]} (NaN for a null config).
   */
  private static void lastT(Block b, float bias, float[] w, float[] out, float[][] configs, int start, int m) {
    float[] acc = b.acc;
    java.util.Arrays.fill(acc, 0, m, bias);
    for (int c = 0; c < b.z2.length; c++) {
      float wc = w[c];
      float[] row = b.z2[c];
      for (int j = 0; j < m; j++) {
        acc[j] += wc * Math.max(0, row[j]);
      }
    }
    for (int j = 0; j < m; j++) {
      out[start + j] = configs[start + j] == null ? Float.NaN : acc[j];
    }
  }

  /** Rows {@code from ... from + rows} of {@code w} transposed: {@code out[c][r] = w[from + r][c]}. */
  private static float[][] transposed(float[][] w, int from, int rows) {
    float[][] out = new float[w[from].length][rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < out.length; c++) {
        out[c][r] = w[from + r][c];
      }
    }
    return out;
  }
}
