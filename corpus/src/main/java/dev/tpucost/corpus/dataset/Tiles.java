package dev.tpucost.corpus.dataset;

import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.corpus.dataset.wire.TileSample;
import java.util.List;

/** The tile configuration a dataset sample was labelled at. */
public final class Tiles {
  private Tiles() {}

  /** The sample's bounds as a {@link TileConfig} (input and iteration bounds when it has them). */
  public static TileConfig of(TileSample s) {
    if (s.getInputBoundsCount() == 0 && s.getIterationBoundsCount() == 0) {
      return TileConfig.of(longs(s.getKernelBoundsList()), longs(s.getOutputBoundsList()));
    }
    return TileConfig.of(longs(s.getKernelBoundsList()), longs(s.getOutputBoundsList()), longs(s.getInputBoundsList()),
        longs(s.getIterationBoundsList()));
  }

  /** Sets {@code tile}'s bounds on {@code b}. */
  public static TileSample.Builder set(TileSample.Builder b, TileConfig tile) {
    for (long x : tile.kernelBounds()) {
      b.addKernelBounds(x);
    }
    for (long x : tile.outputBounds()) {
      b.addOutputBounds(x);
    }
    for (long x : tile.inputBounds()) {
      b.addInputBounds(x);
    }
    for (long x : tile.iterationBounds()) {
      b.addIterationBounds(x);
    }
    return b;
  }

  /** True if the sample's label was measured on hardware (not simulated). */
  public static boolean measured(TileSample s) {
    return s.getLabelSource() == dev.tpucost.corpus.dataset.wire.LabelSource.MEASURED;
  }

  private static long[] longs(List<Long> v) {
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }
}
