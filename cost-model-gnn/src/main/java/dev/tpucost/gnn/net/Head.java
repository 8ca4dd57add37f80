package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.Normalizer;

/**
 * The network's head: from a kernel's embedding and each config's features to the (normalised) output, two
 * ReLU layers and a linear one. The first layer splits into the kernel's share ({@link #input}, once per
 * kernel with a late join) and each config's; {@link #from} runs one config, {@link #all} many over transposed
 * blocks ({@link HeadBlock}), {@link #outputs} chooses between them; {@link #outputsRaw} takes a batch's raw features, feature-major,
 * the normaliser folded into the first layer and each feature every config shares added once.
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
  /** Per-thread blocks, one per width of {@link HeadBlock#WIDTHS} (made on first use). */
  private final ThreadLocal<HeadBlock[]> blocks;
  private final ThreadLocal<Varying> varying;

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
    blocks = ThreadLocal.withInitial(() -> new HeadBlock[HeadBlock.WIDTHS.length]);
    varying = ThreadLocal.withInitial(() -> new Varying(h));
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
    from(kernelPart, config);
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

  /**
   * Configs per block of {@link #outputsRaw} ({@code HeadBlock}): a caller batching many configs (a ranking's
   * parts) does best with batches of this size.
   */
  public static final int BLOCK_CONFIGS = HeadBlock.BLOCK;

  /** Configs from which {@link #outputs} and {@link #outputsRaw} run {@link #all}'s blocks. */
  static final int BLOCKED_FROM = 8;

  /**
   * A late-join network's outputs for {@code configs} (normalised, one row each; a null entry gives NaN) of a
   * kernel whose {@link #input} is {@code late}, and with quantile outputs ({@link #hasQuantiles}) the low and
   * high quantiles into {@code low} and {@code high} (both null: not computed); many configs run in
   * {@link #all}'s blocks, a few one at a time (same results). For training and tests: a model ranking configs
   * takes {@link #outputsRaw}.
   */
  public void outputs(float[] late, float[][] configs, float[] out, float[] low, float[] high) {
    boolean quantiles = low != null || high != null;
    checkQuantiles(low, high, out.length);
    if (configs.length >= BLOCKED_FROM) {
      all(late, configs, out, low, high);
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
      out[j] = from(late, configs[j]);
      if (quantiles) {
        float[] z2 = units.get().z2;
        low[j] = dotRelu(bq[0], wq[0], z2);
        high[j] = dotRelu(bq[1], wq[1], z2);
      }
    }
  }

  /**
   * A late-join network's outputs for {@code count} configs given by their <em>raw</em> features, feature-major
   * ({@code byFeature[f * count + j]} is feature {@code f} of config {@code j}; only read), into {@code out}
   * and, with quantile outputs ({@link #hasQuantiles}), the low and high quantiles into {@code low} and
   * {@code high} (both null: not computed). The normaliser is folded into the first layer ({@link FoldedHead}),
   * and a feature with the same value in every config (the kernel's and the chip's, and the tile dimensions
   * no candidate varies) has its share of the first layer added once: each config pays only for the features
   * that tell it apart. Equal to {@link #outputs} on the normalised configs within float rounding.
   */
  public void outputsRaw(float[] late, float[] byFeature, int count, float[] out, float[] low, float[] high,
      Normalizer norm) {
    outputsRaw(late, byFeature, count, null, out, low, high, norm);
  }

  /**
   * {@link #outputsRaw(float[], float[], int, float[], float[], float[], Normalizer)} told which features have
   * the same value in every config: {@code same[r]} true if row {@code r} of {@code byFeature} holds one value
   * (null: each row is checked here). A batch's features know it as they are computed
   * ({@code ConfigFeatures.Batch#same}), which saves comparing the constant rows again (about half of a ranking's
   * rows, every value of them).
   */
  public void outputsRaw(float[] late, float[] byFeature, int count, boolean[] same, float[] out, float[] low,
      float[] high, Normalizer norm) {
    int f = h.configFeatures();
    if (count < 0 || byFeature.length < (long) f * count || out.length < count || (same != null && same.length < f)) {
      throw new IllegalArgumentException(count + " configs of " + f + " features in " + byFeature.length
          + " values, into " + out.length + " outputs" + (same == null ? "" : ", " + same.length + " constancy flags"));
    }
    checkQuantiles(low, high, count);
    FoldedHead fh = foldedHead(norm);
    float[] start = late.clone();
    for (int c = 0; c < start.length; c++) {
      start[c] += fh.shift()[c];
    }
    Varying v = varying.get();
    int nv = 0;
    for (int r = 0; r < f && count > 0; r++) {
      int at = r * count;
      if (same != null ? same[r] : constant(byFeature, at, count)) {
        Gemm.axpy(byFeature[at], fh.rows()[r], start);
      } else {
        for (int c = 0; c < v.wT.length; c++) {
          v.wT[c][nv] = fh.rowsT()[c][r];
        }
        v.features[nv++] = r;
      }
    }
    if (count < BLOCKED_FROM) {
      Units u = units.get();
      for (int j = 0; j < count; j++) {
        System.arraycopy(start, 0, u.z1, 0, u.z1.length);
        for (int k = 0; k < nv; k++) {
          int r = v.features[k];
          Gemm.axpy(byFeature[r * count + j], fh.rows()[r], u.z1);
        }
        out[j] = fromFirstLayer(u);
        if (low != null) {
          low[j] = dotRelu(bq[0], wq[0], u.z2);
          high[j] = dotRelu(bq[1], wq[1], u.z2);
        }
      }
      return;
    }
    for (int s = 0; s < count; s += HeadBlock.BLOCK) {
      int m = Math.min(HeadBlock.BLOCK, count - s);
      HeadBlock b = HeadBlock.of(blocks.get(), h, m);
      for (int k = 0; k < nv; k++) {
        System.arraycopy(byFeature, v.features[k] * count + s, b.configs[k], 0, m);
      }
      b.hidden(start, nv, v.wT, w2T, b2, m);
      b.last(b3, w3, out, null, s, m);
      if (low != null) {
        b.last(bq[0], wq[0], low, null, s, m);
        b.last(bq[1], wq[1], high, null, s, m);
      }
    }
  }

  /** True if {@code a[at, at + n)} holds one value. */
  private static boolean constant(float[] a, int at, int n) {
    float x = a[at];
    for (int j = at + 1; j < at + n; j++) {
      if (a[j] != x) {
        return false;
      }
    }
    return true;
  }

  /** Per-thread buffers of {@link #outputsRaw}: the features that vary and their first-layer rows, transposed. */
  private static final class Varying {
    final int[] features;
    final float[][] wT;

    Varying(Hyper h) {
      features = new int[h.configFeatures()];
      wT = new float[h.head1()][h.configFeatures()];
    }
  }

  private void checkQuantiles(float[] low, float[] high, int count) {
    if ((low != null || high != null) && (wq == null || low == null || high == null || low.length < count
        || high.length < count)) {
      throw new IllegalArgumentException(wq == null ? "the network has no quantile outputs" : "low and high must both be"
          + " given, as long as the outputs");
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

  /**
   * The head's config rows folded with a config normaliser: {@code rows[r] = W1[config row r] / std[r]} and
   * {@code shift = - sum_r (mean[r] / std[r]) W1[config row r]} (summed in double), so that {@code raw .
   * rows + shift} equals {@code ((raw - mean) / std) . W1[config rows]}; {@code rowsT} is {@code rows}
   * transposed (the left operand of {@link #outputsRaw}'s blocks).
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
    Units u = units.get();
    System.arraycopy(kernelPart, 0, u.z1, 0, u.z1.length);
    for (int r = 0; r < config.length; r++) {
      Gemm.axpy(config[r], w1[h.graphWidth() + r], u.z1);
    }
    return fromFirstLayer(u);
  }

  /**
   * The output from one config's first layer before its ReLU, {@code u.z1}; the last hidden layer is left in
   * {@code u.z2}.
   */
  private float fromFirstLayer(Units u) {
    float[] z1 = u.z1;
    float[] z2 = u.z2;
    System.arraycopy(b2, 0, z2, 0, z2.length);
    for (int r = 0; r < z1.length; r++) {
      Gemm.axpy(Math.max(0, z1[r]), w2[r], z2);
    }
    return dotRelu(b3, w3, z2);
  }

  /**
   * {@link #from} for many configs of one kernel, into {@code out} (NaN where {@code configs[i]} is
   * null), over blocks of configs held transposed ({@link HeadBlock}):
   * {@code z1 = kernelPart + W1[config rows]^T . C}, {@code z2 = b2 + W2^T . relu(z1)},
   * {@code out = b3 + w3 . relu(z2)}, the two products by {@link Gemm} with the weights transposed as its left
   * operand. Equal to {@link #from} within float rounding.
   */
  public void all(float[] kernelPart, float[][] configs, float[] out) {
    all(kernelPart, configs, out, null, null);
  }

  /** {@link #all(float[], float[][], float[])}, and the quantile outputs into {@code low} and {@code high} if given. */
  private void all(float[] kernelPart, float[][] configs, float[] out, float[] low, float[] high) {
    int f = h.configFeatures();
    if (out.length != configs.length) {
      throw new IllegalArgumentException(out.length + " outputs for " + configs.length + " configs");
    }
    for (int start = 0; start < configs.length; start += HeadBlock.BLOCK) {
      int m = Math.min(HeadBlock.BLOCK, configs.length - start);
      HeadBlock b = HeadBlock.of(blocks.get(), h, m);
      for (int j = 0; j < m; j++) {
        float[] c = configs[start + j];
        for (int r = 0; r < f; r++) {
          b.configs[r][j] = c == null ? 0 : c[r];
        }
      }
      b.hidden(kernelPart, f, w1T, w2T, b2, m);
      b.last(b3, w3, out, configs, start, m);
      if (low != null) {
        b.last(bq[0], wq[0], low, configs, start, m);
        b.last(bq[1], wq[1], high, configs, start, m);
      }
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
