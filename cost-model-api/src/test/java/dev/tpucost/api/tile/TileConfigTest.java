package dev.tpucost.api.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.shape.Shape;
import org.junit.jupiter.api.Test;

class TileConfigTest {
  @Test
  void parsesAndPrintsTheCommaNotation() {
    TileConfig c = TileConfig.parse("3,1,24,3/6,12,4,3");
    assertThat(c.kernelBounds()).containsExactly(3, 1, 24, 3);
    assertThat(c.outputBounds()).containsExactly(6, 12, 4, 3);
    assertThat(c.inputBounds()).isEmpty();
    assertThat(c.toString()).isEqualTo("3,1,24,3/6,12,4,3");
    assertThat(TileConfig.parse(" /4, 2 ")).isEqualTo(TileConfig.ofOutput(4, 2));
    assertThat(TileConfig.parse("/")).isEqualTo(TileConfig.EMPTY);
    assertThat(TileConfig.parse("1/2/3").toString()).isEqualTo("1/2/3");
  }

  @Test
  void namesTheFieldOfABadEntry() {
    assertThatThrownBy(() -> TileConfig.parse("3,x/1"))
        .isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("kernel_bounds[1] is 'x'");
    assertThatThrownBy(() -> TileConfig.parse("/4,0"))
        .isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("output_bounds[1] is 0");
    assertThatThrownBy(() -> TileConfig.parse("4,2"))
        .isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("KERNEL_BOUNDS/OUTPUT_BOUNDS");
    assertThatThrownBy(() -> TileConfig.parse("1/2/3/4/5")).isInstanceOf(InvalidTileException.class);
    assertThatThrownBy(() -> TileConfig.parse("1/2//0")).hasMessageContaining("iteration_bounds[0] is 0");
  }

  @Test
  void iterationBoundsAreAFourthListThatRoundTrips() {
    TileConfig c = TileConfig.parse("1,2/4,8//3,1");
    assertThat(c.iterationBounds()).containsExactly(3, 1);
    assertThat(c.inputBounds()).isEmpty();
    assertThat(c.toString()).isEqualTo("1,2/4,8//3,1");
    assertThat(TileConfig.parse(c.toString())).isEqualTo(c);
    assertThat(c).isNotEqualTo(TileConfig.parse("1,2/4,8"));
    assertThat(TileConfig.parse("/")).isEqualTo(TileConfig.EMPTY);
    assertThat(TileConfig.EMPTY.isEmpty()).isTrue();
  }

  @Test
  void encodesTpuGraphsTwentyFourFeatures() {
    float[] f = TileConfig.parse("3,1,24,3/6,12,4,3").features();
    assertThat(f).hasSize(24);
    assertThat(f[0]).isEqualTo(3f);
    assertThat(f[6]).isEqualTo(31f); // kernel sum
    assertThat(f[7]).isEqualTo(216f); // kernel product
    assertThat(f[8]).isEqualTo(6f);
    assertThat(f[14]).isEqualTo(25f);
    assertThat(f[15]).isEqualTo(864f);
    assertThat(f[16]).isZero();
    assertThat(f[23]).isZero();
    TileConfig t = TileConfig.parse("2,9,5,1,1,1,7/3,8//4");
    float[] all = t.features();
    assertThat(all[6]).isEqualTo(26f); // all seven kernel bounds summed, only six listed
    assertThat(all[7]).isEqualTo(630f);
    float[] strided = new float[2 + 3 * 23 + 1];
    java.util.Arrays.fill(strided, -1);
    t.features(strided, 2, 3); // feature-major, as for many configs
    for (int j = 0; j < strided.length; j++) {
      assertThat(strided[j]).isEqualTo(j >= 2 && (j - 2) % 3 == 0 ? all[(j - 2) / 3] : -1);
    }
    assertThatThrownBy(() -> t.features(new float[2 + 3 * 23], 2, 3)).hasMessageContaining("do not fit");
  }

  @Test
  void convertsToTileUnitsAsInTheWorkedExample() {
    // tile-config.md: f32[32,12,12,384]{3,0,2,1} is physical [12,12,32,384] = [12,12,4,3] units.
    Shape out = Shape.parse("f32[32,12,12,384]{3,0,2,1}");
    assertThat(NativeTiling.physicalOrder(out)).containsExactly(1, 2, 0, 3);
    assertThat(NativeTiling.sizeInUnits(out)).containsExactly(12, 12, 4, 3);
    // The weight f32[3,3,192,384]{3,2,1,0} is [3,3,24,3] units.
    assertThat(NativeTiling.sizeInUnits(Shape.parse("f32[3,3,192,384]{3,2,1,0}"))).containsExactly(3, 3, 24, 3);
  }

  @Test
  void convertsColumnMajorAndRaggedShapes() {
    // bf16[1000,200]{0,1}: physical [200,1000]; 200 rows -> 25 units of 8, 1000 lanes -> 8 units of 128.
    assertThat(NativeTiling.sizeInUnits(Shape.parse("bf16[1000,200]{0,1}"))).containsExactly(25, 8);
    assertThat(NativeTiling.sizeInUnits(Shape.parse("f32[7]"))).containsExactly(1);
    assertThat(NativeTiling.sizeInUnits(Shape.parse("f32[2,3,5]"))).containsExactly(2, 1, 1);
    assertThat(NativeTiling.sizeInUnits(Shape.parse("f32[]"))).isEmpty();
  }

  @Test
  void padsToTheLayoutsTilesOrXlaTpuDefaults() {
    // Default tiles: 128 lanes; 8 rows, or the next power of two of a short second-minor dimension, at least
    // the packing of a narrow type (T(4,128) for 3 rows of f32, bf16 and s8 alike).
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[3,100]"))).isEqualTo(4 * 128 * 4);
    assertThat(NativeTiling.paddedBytes(Shape.parse("bf16[3,100]"))).isEqualTo(4 * 128 * 2);
    assertThat(NativeTiling.paddedBytes(Shape.parse("s8[3,100]"))).isEqualTo(4 * 128);
    assertThat(NativeTiling.paddedBytes(Shape.parse("bf16[1,5,100]"))).isEqualTo(8 * 128 * 2);
    assertThat(NativeTiling.paddedBytes(Shape.parse("bf16[2,1,100]"))).isEqualTo(2 * 128 * 2);
    // A spelled tiling pads by its first tile only: (2,1) regroups rows inside an (8,128) tile.
    assertThat(NativeTiling.paddedBytes(Shape.parse("bf16[3,100]{1,0:T(8,128)(2,1)}"))).isEqualTo(8 * 128 * 2);
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[3,100]{1,0:T(2,128)}"))).isEqualTo(4 * 128 * 4);
    // Rank 1: 128, 256, 512 or 1024 elements; a block of a longer array in 128-lane rows.
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[300]"))).isEqualTo(512 * 4);
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[4000]"))).isEqualTo(4096 * 4);
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[4000]"), new long[] {200})).isEqualTo(256 * 4);
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[4,8,128]"))).isEqualTo(4 * 8 * 128 * 4);
  }

  @Test
  void degenerateDimensionsNeverTakeALaneOrSublane() {
    // Without a layout, size-1 dimensions go major: f32[1,12,128,1] is [1,1,12,128], 16 x 128 words
    // (8 KiB), not 12 x 128 rows of 128 lanes (768 KiB).
    Shape s = Shape.parse("f32[1,12,128,1]");
    assertThat(NativeTiling.physicalOrder(s)).containsExactly(0, 3, 1, 2);
    assertThat(NativeTiling.paddedBytes(s)).isEqualTo(16 * 128 * 4);
    assertThat(NativeTiling.sizeInUnits(s)).containsExactly(1, 1, 2, 1);
    // A layout is followed as written.
    assertThat(NativeTiling.physicalOrder(Shape.parse("f32[1,12,128,1]{3,2,1,0}"))).containsExactly(0, 1, 2, 3);
    assertThat(NativeTiling.onChip(Shape.parse("f32[8,128]{1,0:T(8,128)S(1)}"))).isTrue();
    assertThat(NativeTiling.onChip(Shape.parse("f32[8,128]{1,0:T(8,128)}"))).isFalse();
  }
}
