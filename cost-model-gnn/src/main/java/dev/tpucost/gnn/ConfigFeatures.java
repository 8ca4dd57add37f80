package dev.tpucost.gnn;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.gnn.features.ChipFeatures;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.net.Lanes;
import java.util.List;

/**
 * The raw per-config features the head is fed: TpuGraphs' 24-number tile encoding, the analytical
 * model's 12 closed-form tile quantities (both {@code ln(1 + x)}, {@link Featurizer#log}), and the kernel's 4
 * kernel-level features ({@value #WIDTH} in all); a chip-conditioned model's configs also carry the chip's
 * {@link ChipFeatures} ({@value #CHIP_WIDTH} in all).
 */
public final class ConfigFeatures {
  /** Feature count. */
  public static final int WIDTH = Featurizer.TILE_ENCODING + AnalyticalModel.TILE_FEATURES + Featurizer.KERNEL_FEATURES;

  /**
   * The first column that is the same for every config of a kernel: the kernel-level features and, in a
   * chip-conditioned model, the chip's (constant over a kernel's configs: the head adds their share once).
   */
  public static final int SHARED_FROM = Featurizer.TILE_ENCODING + AnalyticalModel.TILE_FEATURES;

  /** Feature count of a chip-conditioned model. */
  public static final int CHIP_WIDTH = WIDTH + ChipFeatures.WIDTH;

  /** Index of the analytical model's predicted cycles, {@code ln(1 + cycles)}. */
  public static final int ANALYTICAL_CYCLES = Featurizer.TILE_ENCODING + 10;

  private ConfigFeatures() {}

  /**
   * The raw features of every tile of one kernel, feature-major: the accepted tiles' features are the columns
   * of a {@code width x count} matrix in one flat array ({@code byFeature[f * count + c]} is feature {@code f} of
   * the {@code c}-th accepted tile), so that the head reads each feature of a block of configs as one run and
   * nothing is allocated per config.
   *
   * @param byFeature the matrix, {@code width * count} values
   * @param width features per config ({@link #WIDTH} or {@link #CHIP_WIDTH})
   * @param count accepted tiles
   * @param column per tile its column in the matrix, or -1 if the analytical model refuses it
   * @param refusals per tile why it is refused, or null
   * @param same per feature (the first {@code width} entries; shared with the buffers like the matrix) true if every
   *     accepted tile has the same value of it, bit for bit (the kernel's and the chip's features, and the tile
   *     dimensions no candidate varies), found before the logarithm: false for a row whose different raw values
   *     round to one feature, which the head then costs as varying (same outputs, a little slower); the head adds
   *     a true row's share once ({@link dev.tpucost.gnn.net.Head#outputsRaw})
   */
  public record Batch(float[] byFeature, int width, int count, int[] column, String[] refusals, boolean[] same) {
    /** True if tile {@code i} is refused. */
    public boolean refused(int i) {
      return column[i] < 0;
    }

    /** A copy of the features of the config in column {@code c}. */
    public float[] features(int c) {
      float[] out = new float[width];
      for (int f = 0; f < width; f++) {
        out[f] = byFeature[f * count + c];
      }
      return out;
    }

    /**
     * The analytical model's runtime in nanoseconds of the config in column {@code c}, recovered from its
     * feature {@code ln(1 + cycles)}.
     */
    public double analyticalNanoseconds(int c, ChipSpec chip) {
      return nanoseconds(Math.exp(byFeature[ANALYTICAL_CYCLES * count + c]), chip);
    }

    /**
     * {@link #analyticalNanoseconds(int, ChipSpec)} of every column into {@code into} (at least {@link #count}
     * long), the exponentials in one run ({@link Lanes#exp}).
     */
    public void analyticalNanoseconds(ChipSpec chip, double[] into) {
      for (int c = 0; c < count; c++) {
        into[c] = byFeature[ANALYTICAL_CYCLES * count + c];
      }
      Lanes.exp(into, 0, count);
      for (int c = 0; c < count; c++) {
        into[c] = nanoseconds(into[c], chip);
      }
    }

    /** Nanoseconds from {@code exp} of the feature {@code ln(1 + cycles)}. */
    private static double nanoseconds(double expOfFeature, ChipSpec chip) {
      return (expOfFeature - 1) / chip.clockGhz();
    }
  }

  /**
   * The raw features of every tile of one kernel, or its refusal; with {@code chip} (the kernel's
   * {@link ChipFeatures}) appended to each config for a chip-conditioned model, null otherwise.
   */
  public static Batch ofAll(AnalyticalModel analytical, Kernel kernel, KernelGraph graph, List<TileConfig> tiles,
      float[] chip) {
    return ofAll(analytical, kernel, graph, tiles, chip, null);
  }

  /**
   * Arrays {@link #ofAll(AnalyticalModel, Kernel, KernelGraph, List, float[], Buffers)} writes into instead of
   * allocating them per batch: one per thread, for a model that ranks many batches (each batch's matrix and
   * counts are some kilobytes of fresh memory, not in the core's caches). Not thread-safe.
   */
  public static final class Buffers {
    private float[] matrix = new float[0];
    private double[] counts = new double[0];
    private double[] row = new double[0];
    private boolean[] same = new boolean[0];

    /** The matrix, at least {@code size} long. */
    private float[] matrix(int size) {
      if (matrix.length < size) {
        matrix = new float[size];
      }
      return matrix;
    }

    /** The analytical counts' array, at least {@code size} long. */
    private double[] counts(int size) {
      if (counts.length < size) {
        counts = new double[size];
      }
      return counts;
    }

    /** Per feature whether it is constant, at least {@code size} long. */
    private boolean[] same(int size) {
      if (same.length < size) {
        same = new boolean[size];
      }
      return same;
    }

    /** One feature row, at least {@code size} long. */
    private double[] row(int size) {
      if (row.length < size) {
        row = new double[size];
      }
      return row;
    }
  }

  /**
   * {@link #ofAll(AnalyticalModel, Kernel, KernelGraph, List, float[])} in {@code buffers} (grown as needed):
   * the batch shares its matrix with them, so it is valid until their next use.
   */
  public static Batch ofAll(AnalyticalModel analytical, Kernel kernel, KernelGraph graph, List<TileConfig> tiles,
      float[] chip, Buffers buffers) {
    Buffers b = buffers != null ? buffers : new Buffers(); // without: arrays of this batch's size only
    AnalyticalModel.TileCounts counts = analytical.tileFeaturesAll(kernel, tiles,
        b.counts(tiles.size() * AnalyticalModel.TILE_FEATURES));
    TileSpace space = analytical.tileSpace(kernel);
    int[] column = new int[tiles.size()];
    int n = 0;
    for (int i = 0; i < column.length; i++) {
      column[i] = counts.accepted(i) ? n++ : -1;
    }
    int width = chip == null ? WIDTH : CHIP_WIDTH;
    float[] m = b.matrix(width * n);
    boolean[] same = b.same(width);
    for (int i = 0; i < column.length; i++) {
      int c = column[i];
      if (c >= 0) {
        // The tile encoding is of the blocking costed: an empty configuration is encoded as the default.
        space.effective(tiles.get(i)).features(m, c, n);
      }
    }
    if (n >= ROWS_FROM) {
      logsPerRow(counts.counts(), column, m, n, b.row(n), same);
    } else {
      logsInOneRun(counts.counts(), column, m, n);
      for (int f = 0; f < SHARED_FROM; f++) {
        same[f] = constant(m, f * n, n);
      }
    }
    java.util.Arrays.fill(same, SHARED_FROM, width, true);
    float[] shared = graph.kernelFeatures();
    for (int f = 0; f < Featurizer.KERNEL_FEATURES; f++) {
      java.util.Arrays.fill(m, (SHARED_FROM + f) * n, (SHARED_FROM + f + 1) * n, shared[f]);
    }
    for (int f = 0; chip != null && f < ChipFeatures.WIDTH; f++) {
      java.util.Arrays.fill(m, (WIDTH + f) * n, (WIDTH + f + 1) * n, chip[f]);
    }
    return new Batch(m, width, n, column, counts.refusals(), same);
  }

  /**
   * Configs from which {@link #ofAll} takes the logarithms row by row ({@link #logsPerRow}); below, in one run
   * ({@link #logsInOneRun}): a cold {@code predict()} has one config, and 36 runs of one value each cost it ~1.7 us
   * more than one run on the Vector API (JMH, December 2026); 36 runs pay for themselves once the ~18 shared rows'
   * saved logarithms (~2.5 ns each) outweigh the runs' own cost (some tens of ns each), at a few dozen configs.
   * Either way the same values (a value does not depend on where in a run it lies, {@link Lanes}).
   */
  static final int ROWS_FROM = 32;

  /**
   * The logarithms of a part's analytical counts ({@code raw}, tile-major, as {@link
   * AnalyticalModel#tileFeaturesAll} gives them; overwritten) and of its raw tile encodings (in {@code m}), each in
   * one run, the counts then copied into {@code m}'s rows.
   */
  private static void logsInOneRun(double[] raw, int[] column, float[] m, int n) {
    // (a refused tile's slots hold whatever was there: their logs are not read)
    Lanes.log1p(raw, 0, column.length * AnalyticalModel.TILE_FEATURES);
    for (int i = 0; i < column.length; i++) {
      int c = column[i];
      for (int k = 0; c >= 0 && k < AnalyticalModel.TILE_FEATURES; k++) {
        m[(Featurizer.TILE_ENCODING + k) * n + c] = (float) raw[i * AnalyticalModel.TILE_FEATURES + k];
      }
    }
    Lanes.log1p(m, 0, Featurizer.TILE_ENCODING * n);
  }

  /**
   * {@link #logsInOneRun} row by row, feature-major: one logarithm for a row every config shares (the kernel's
   * tile dimensions no candidate varies: about half the rows of a ranking's part), one run for the others;
   * {@code row} (at least {@code n} long) holds one count row at a time; {@code same[f]} is set to whether row
   * {@code f} is constant.
   */
  private static void logsPerRow(double[] raw, int[] column, float[] m, int n, double[] row, boolean[] same) {
    for (int k = 0; k < AnalyticalModel.TILE_FEATURES; k++) {
      long first = 0;
      long differs = 0; // (a row's gather notes whether it holds one value by its bits: a NaN row is constant too)
      boolean any = false;
      for (int i = 0; i < column.length; i++) {
        if (column[i] >= 0) {
          double v = raw[i * AnalyticalModel.TILE_FEATURES + k];
          long bits = Double.doubleToRawLongBits(v);
          first = any ? first : bits;
          any = true;
          differs |= bits ^ first;
          row[column[i]] = v;
        }
      }
      int at = (Featurizer.TILE_ENCODING + k) * n;
      same[Featurizer.TILE_ENCODING + k] = differs == 0;
      if (differs == 0) {
        Lanes.log1p(row, 0, 1);
        java.util.Arrays.fill(m, at, at + n, (float) row[0]);
        continue;
      }
      Lanes.log1p(row, 0, n);
      for (int c = 0; c < n; c++) {
        m[at + c] = (float) row[c];
      }
    }
    for (int f = 0; f < Featurizer.TILE_ENCODING; f++) {
      int at = f * n;
      same[f] = constant(m, at, n);
      if (same[f]) {
        Lanes.log1p(m, at, at + 1);
        java.util.Arrays.fill(m, at + 1, at + n, m[at]);
      } else {
        Lanes.log1p(m, at, at + n);
      }
    }
  }

  /** True if {@code a[at, at + n)} holds one value (by its bits). */
  private static boolean constant(float[] a, int at, int n) {
    for (int j = at + 1; j < at + n; j++) {
      if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(a[at])) {
        return false;
      }
    }
    return true;
  }
}
