package dev.tpucost.gnn;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.gnn.features.ChipFeatures;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
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
   * chip-conditioned model, the chip's (the head adds their share once per kernel).
   */
  public static final int SHARED_FROM = Featurizer.TILE_ENCODING + AnalyticalModel.TILE_FEATURES;

  /** Feature count of a chip-conditioned model. */
  public static final int CHIP_WIDTH = WIDTH + ChipFeatures.WIDTH;

  /** Index of the analytical model's predicted cycles, {@code ln(1 + cycles)}. */
  public static final int ANALYTICAL_CYCLES = Featurizer.TILE_ENCODING + 10;

  private ConfigFeatures() {}

  /** The analytical model's runtime in nanoseconds, recovered from raw features ({@code ln(1 + cycles)}). */
  public static double analyticalNanoseconds(float[] raw, ChipSpec chip) {
    return (Math.exp(raw[ANALYTICAL_CYCLES]) - 1) / chip.clockGhz();
  }

  /**
   * The raw features of every tile of one kernel (the kernel analysed once).
   *
   * @param rows per tile its features, or null if the analytical model refuses the tile
   * @param refusals per tile why it is refused, or null
   */
  public record Batch(float[][] rows, String[] refusals) {
    /** True if tile {@code i} is refused. */
    public boolean refused(int i) {
      return rows[i] == null;
    }
  }

  /** The raw features of every tile of one kernel, or its refusal. */
  public static Batch ofAll(AnalyticalModel analytical, Kernel kernel, KernelGraph graph, List<TileConfig> tiles) {
    return ofAll(analytical, kernel, graph, tiles, null);
  }

  /**
   * The raw features of every tile of one kernel, or its refusal; with {@code chip} (the kernel's
   * {@link ChipFeatures}) appended to each row for a chip-conditioned model, null otherwise.
   */
  public static Batch ofAll(AnalyticalModel analytical, Kernel kernel, KernelGraph graph, List<TileConfig> tiles,
      float[] chip) {
    AnalyticalModel.TileCounts counts = analytical.tileFeaturesAll(kernel, tiles);
    TileSpace space = analytical.tileSpace(kernel);
    float[][] out = new float[tiles.size()][];
    for (int i = 0; i < out.length; i++) {
      // The tile encoding is of the blocking costed: an empty configuration is encoded as the default.
      out[i] = counts.accepted(i) ? assemble(space.effective(tiles.get(i)), counts, i, graph, chip) : null;
    }
    return new Batch(out, counts.refusals());
  }

  private static float[] assemble(TileConfig tile, AnalyticalModel.TileCounts counts, int i, KernelGraph graph,
      float[] chip) {
    float[] out = new float[chip == null ? WIDTH : CHIP_WIDTH];
    Featurizer.tileEncoding(tile, out);
    for (int k = 0; k < AnalyticalModel.TILE_FEATURES; k++) {
      out[Featurizer.TILE_ENCODING + k] = Featurizer.log(counts.count(i, k));
    }
    System.arraycopy(graph.kernelFeatures(), 0, out, SHARED_FROM, Featurizer.KERNEL_FEATURES);
    if (chip != null) {
      System.arraycopy(chip, 0, out, WIDTH, ChipFeatures.WIDTH);
    }
    return out;
  }
}
