package dev.tpucost.gnn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.gnn.features.ChipFeatures;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ConfigFeatures#ofAll} over many tiles gives every tile the features it gets alone: a large batch takes one
 * logarithm for a feature row every tile shares and one run for the others, a single tile one run for all, and
 * neither may change a value; and it notes exactly which features every tile shares.
 */
class ConfigFeaturesTest {
  @Test
  void aBatchGivesEachTileItsOwnFeaturesBitForBit() {
    AnalyticalModel analytical = AnalyticalModel.create(ChipSpec.V4);
    ConfigFeatures.Buffers buffers = new ConfigFeatures.Buffers();
    int constantRows = 0;
    int varyingRows = 0;
    int perRow = 0;
    for (Kernel k : ShippedModelTest.kernels(12)) {
      KernelGraph graph = Featurizer.structure(k, new float[k.nodeCount()][Featurizer.NODE_FEATURES]);
      float[] chip = ChipFeatures.of(ChipSpec.V4, k);
      List<TileConfig> tiles = new ArrayList<>(TileSpace.of(k, ChipSpec.V4).validConfigs(64));
      tiles.add(TileConfig.of(new long[] {1 << 20}, new long[0])); // refused: left out of the matrix
      ConfigFeatures.Batch all = ConfigFeatures.ofAll(analytical, k, graph, tiles, chip, buffers);
      assertThat(all.count()).isLessThan(tiles.size());
      perRow += all.count() >= ConfigFeatures.ROWS_FROM ? 1 : 0;
      for (int i = 0; i < tiles.size(); i++) {
        ConfigFeatures.Batch one = ConfigFeatures.ofAll(analytical, k, graph, List.of(tiles.get(i)), chip);
        assertThat(all.refused(i)).as("tile %s of %s", tiles.get(i), k.name()).isEqualTo(one.refused(0));
        if (!one.refused(0)) {
          assertThat(all.features(all.column()[i])).as("tile %s of %s", tiles.get(i), k.name())
              .containsExactly(one.features(0));
        }
      }
      for (int f = 0; f < all.width(); f++) {
        boolean same = true;
        for (int c = 1; c < all.count(); c++) {
          same &= Float.floatToRawIntBits(all.byFeature()[f * all.count() + c])
              == Float.floatToRawIntBits(all.byFeature()[f * all.count()]);
        }
        // the batch's own note of which rows hold one value, which the head trusts: never true for a row that
        // varies (it may be false for one whose different raw values round to one feature; not so in these kernels)
        assertThat(all.same()[f]).as("feature %d of %s's %d tiles", f, k.name(), all.count()).isEqualTo(same);
        if (f < ConfigFeatures.SHARED_FROM && all.count() > 1) {
          constantRows += same ? 1 : 0;
          varyingRows += same ? 0 : 1;
        }
      }
    }
    // Both kinds of row were exercised, and batches large enough to take their logarithms row by row.
    assertThat(perRow).isPositive();
    assertThat(constantRows).isPositive();
    assertThat(varyingRows).isPositive();
  }
}
