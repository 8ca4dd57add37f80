package dev.tpucost.gnn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.tile.TileSpace;
import java.io.InputStream;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * A frozen chip-conditioned hybrid (format 3 with chip features, intervals, an unseen-chip correction weight
 * and widening: a copy of the {@code default-hybrid-any.zip} shipped since 2026-12-02) still loads and gives the
 * numbers it gave, on a chip it trained on (v2) and on a chip file with figures it never saw (where the
 * unseen-chip weight and widening apply).
 */
class ChipConditionedFormatTest {
  /** A single-core chip of v4's build at another clock, HBM and VMEM: figures no training chip has. */
  private static final ChipSpec UNSEEN = ChipFiles.parse("""
      {"name": "frozen-test-chip", "base": "v4", "tensor_cores": 1, "megacore": false, "clock_ghz": 1.3,
       "hbm_gbps": 1500, "vmem_bytes": 67108864}""", "test chip");

  private static ModelFile frozen() throws Exception {
    try (InputStream in = ChipConditionedFormatTest.class.getResourceAsStream("models/hybrid-any-format3.zip")) {
      return ModelFile.read(in, "hybrid-any-format3.zip");
    }
  }

  private static double[] predictions(GnnModel m, ChipSpec chip, List<Kernel> ks) {
    double[] out = new double[ks.size() * 3];
    for (int i = 0; i < ks.size(); i++) {
      Estimate e = m.predict(ks.get(i), TileSpace.of(ks.get(i), chip).defaultConfig());
      out[3 * i] = e.nanoseconds();
      out[3 * i + 1] = e.interval().orElseThrow().lowNs();
      out[3 * i + 2] = e.interval().orElseThrow().highNs();
    }
    return out;
  }

  @Test
  void theFrozenChipConditionedHybridPredictsAsItDidOnATrainingChipAndAnUnseenOne() throws Exception {
    List<Kernel> ks = ShippedModelTest.kernels(3);
    ModelFile file = frozen();
    double[] v2 = predictions(GnnModel.of(file, ChipSpec.V2), ChipSpec.V2, ks);
    double[] unseen = predictions(GnnModel.of(file, UNSEEN), UNSEEN, ks);
    System.out.println("[ChipConditionedFormatTest] v2: " + java.util.Arrays.toString(v2));
    System.out.println("[ChipConditionedFormatTest] unseen: " + java.util.Arrays.toString(unseen));
    for (int i = 0; i < v2.length; i++) {
      assertThat(v2[i]).as("v2 value %d", i).isCloseTo(RECORDED_V2[i], Percentage.withPercentage(1e-3));
      assertThat(unseen[i]).as("unseen-chip value %d", i).isCloseTo(RECORDED_UNSEEN[i], Percentage.withPercentage(1e-3));
    }
  }

  // The first kernels of program 3/0 at their default tiles: estimate, interval low, interval high (ns).
  // Recorded 2026-12-03 when the file was frozen.
  private static final double[] RECORDED_V2 = {20843.26040646253, 19389.92960063621, 22362.374608731723,
      2672.2791038206196, 2428.8468953084043, 2892.493714443802, 1849.047095979568, 1644.933850116863, 2022.9234060210401};
  private static final double[] RECORDED_UNSEEN = {5192.563526590792, 4569.828714800735, 5873.156077467462,
      1070.9147754220546, 940.9812421466562, 1211.779329573326, 914.0365088738978, 794.8488696639041, 1040.3522512519673};
}
