package dev.tpucost.corpus.dataset;

import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.corpus.dataset.wire.TileSample;
import java.util.List;

/** The tile configuration a dataset sample was labelled at. */
public final class Tiles {
  private Tiles() {}

  /** The sample's kernel and output bounds as a {@link TileConfig}. */
  public static TileConfig of(TileSample s) {
    return TileConfig.of(longs(s.getKernelBoundsList()), longs(s.getOutputBoundsList()));
  }

  private static long[] longs(List<Long> v) {
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }
}
