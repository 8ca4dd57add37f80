package dev.tpucost.api.chip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Interpolation of per-chip constants by the chips' figures. */
class ChipSpecTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void anInterpolatedConstantStaysInsideItsInputsRangeToTheLastBit() {
    // The figures of `chips --variants 8 --seed 22 --around v2,v3,v4`'s last chip: the weighted sum of three
    // equal constants at the analytical overlap's lower bound (0.01, stored as 0.010000000000000002) came out
    // 0.009999999999999998, and the chip file was refused.
    ChipSpec c = new ChipSpec("variant-22-7", 2, false, 4, 128, 128, 0.95, 8, 128, 2, 32 * MIB, ChipSpec.V4.smemBytes(),
        ChipSpec.V4.hbmBytes(), 1108, 4);
    List<ChipSpec> presets = List.of(ChipSpec.V2, ChipSpec.V3, ChipSpec.V4);
    double atBound = 0.010000000000000002;
    assertThat(c.interpolate(presets, p -> new double[] {atBound})[0]).isEqualTo(atBound);
    // Differing constants: inside [min, max], and a preset's own figures give about its own value.
    double[] v = c.interpolate(presets, p -> new double[] {p.clockGhz()});
    assertThat(v[0]).isBetween(0.70, 1.05);
    assertThat(ChipSpec.V3.interpolate(presets, p -> new double[] {p.clockGhz()})[0]).isCloseTo(0.94,
        org.assertj.core.data.Offset.offset(0.01 * (1.05 - 0.70)));
  }
}
