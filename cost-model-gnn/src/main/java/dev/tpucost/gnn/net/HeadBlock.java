package dev.tpucost.gnn.net;

/**
 * One block of a kernel's configs through the {@link Head}'s layers, held transposed: one row per feature or
 * unit, one column per config, so that the products' rows run along the block's configs (long enough for C2's
 * loops and the Vector API's register blocks alike at the head's small widths; along a 16- or 32-wide row they
 * were mostly loop overhead). A unit that the first layer's ReLU turns off for every config of the block is
 * left out of the second product, and one of the second layer off for every config out of the outputs: the
 * shipped v4 gnn's blocks of a 1000-config ranking have 18 of 32 and 10 of 16 such units (measured), which
 * add exact zeros. Which units a block leaves out depends on its configs, so a config's outputs may differ
 * between blocks within float rounding (the sums group differently). Per-thread buffers ({@link #of}); not
 * thread-safe.
 */
final class HeadBlock {
  /**
   * Configs per block. Its rows are what C2's vector loops (the scalar path) run along, and each row pass pays a
   * scalar pre-loop (aligning the stores) and post-loop (the rest past the unrolled vector body) of up to some
   * dozens of iterations: at 128 configs they were about as long as the vector body (the first product ran at
   * 15 G MAC/s, 21 at 512). A 1000-config ranking in blocks of 512 rather than 128: 476 -> ~430 us scalar, ~410
   * -> ~400 vector (in-process, min of batches, December 2026). Its buffers (~200 KB) stay in the core's L2.
   */
  static final int BLOCK = 512;

  /**
   * The widths of the blocks, in configs: a block of {@code m} configs takes the narrowest that holds them, as
   * the products compute every column of a block's rows (a ranking of 10 configs computed 128 columns: ~8x the
   * head's work). Multiples of 16, one 512-bit vector of floats.
   */
  static final int[] WIDTHS = {16, 32, 64, BLOCK};

  final float[][] configs;
  private final float[][] z1;
  private final float[][] z2;
  private final float[] acc;
  /** The rows of {@code z1} not all zero (the first {@code live} entries; then left-over references). */
  private final float[][] liveZ1;
  /** {@code W2^T}'s columns of those rows ({@code [head2][head1]}, the first {@code live} of each row used). */
  private final float[][] w2Live;
  /** Per row of {@code z2}, true if it is all zero over the block's configs. */
  private final boolean[] zeroZ2;

  private HeadBlock(Hyper h, int width) {
    configs = new float[h.configFeatures()][width];
    z1 = new float[h.head1()][width];
    z2 = new float[h.head2()][width];
    acc = new float[width];
    liveZ1 = new float[h.head1()][];
    w2Live = new float[h.head2()][h.head1()];
    zeroZ2 = new boolean[h.head2()];
  }

  /** The block among {@code mine} (one per width of {@link #WIDTHS}, made here on first use) that holds {@code m}. */
  static HeadBlock of(HeadBlock[] mine, Hyper h, int m) {
    int w = 0;
    while (WIDTHS[w] < m) {
      w++;
    }
    if (mine[w] == null) {
      mine[w] = new HeadBlock(h, WIDTHS[w]);
    }
    return mine[w];
  }

  /**
   * The hidden layers of the block's first {@code m} configs, from its {@link #configs}' first {@code f} rows:
   * {@code z1 = kernelPart + wT . configs}, {@code z2 = relu(b2 + w2T . relu(z1))} (the ReLU applied once here,
   * not by each output that reads it; columns past {@code m} are left-over values, computed and never read).
   */
  void hidden(float[] kernelPart, int f, float[][] wT, float[][] w2T, float[] b2, int m) {
    for (int c = 0; c < z1.length; c++) {
      java.util.Arrays.fill(z1[c], 0, m, kernelPart[c]);
    }
    if (f > 0) {
      Gemm.accumulate(wT, wT.length, configs, 0, f, z1);
    }
    int live = 0;
    for (int u = 0; u < z1.length; u++) {
      float[] row = z1[u];
      for (int j = 0; j < m; j++) {
        row[j] = Math.max(0, row[j]);
      }
      if (!zero(row, m)) {
        liveZ1[live] = row;
        for (int c = 0; c < w2T.length; c++) {
          w2Live[c][live] = w2T[c][u];
        }
        live++;
      }
    }
    for (int c = 0; c < z2.length; c++) {
      java.util.Arrays.fill(z2[c], 0, m, b2[c]);
    }
    if (live == z1.length) {
      Gemm.accumulate(w2T, w2T.length, z1, 0, live, z2);
    } else if (live > 0) {
      Gemm.accumulate(w2Live, w2T.length, liveZ1, 0, live, z2);
    }
    for (int c = 0; c < z2.length; c++) {
      float[] row = z2[c];
      for (int j = 0; j < m; j++) {
        row[j] = Math.max(0, row[j]);
      }
      zeroZ2[c] = zero(row, m);
    }
  }

  /**
   * True if the first {@code m} entries of {@code row} (after a ReLU: none negative, and {@code max(0, -0.0)} is
   * {@code +0.0}) are all zero: an OR of their bits, which C2 vectorises (an early exit at the first non-zero
   * kept the loop scalar, and a block's live rows are read to their end anyway).
   */
  private static boolean zero(float[] row, int m) {
    int bits = 0;
    for (int j = 0; j < m; j++) {
      bits |= Float.floatToRawIntBits(row[j]);
    }
    return bits == 0;
  }

  /**
   * A last-layer output, {@code bias + relu(z2) . w}, of the block's first {@code m} configs as {@link #hidden}
   * left them, into {@code out[start...]} (NaN for a null config; {@code all} null: none is null).
   */
  void last(float bias, float[] w, float[] out, float[][] all, int start, int m) {
    java.util.Arrays.fill(acc, 0, m, bias);
    for (int c = 0; c < z2.length; c++) {
      if (zeroZ2[c]) {
        continue;
      }
      float wc = w[c];
      float[] row = z2[c];
      for (int j = 0; j < m; j++) {
        acc[j] += wc * row[j];
      }
    }
    for (int j = 0; j < m; j++) {
      out[start + j] = all != null && all[start + j] == null ? Float.NaN : acc[j];
    }
  }
}
