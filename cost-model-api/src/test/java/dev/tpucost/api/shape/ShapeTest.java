package dev.tpucost.api.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapeTest {
  @Test
  void countsElementsAndBytes() {
    assertThat(Shape.parse("bf16[8,128]").byteSize()).isEqualTo(2048);
    assertThat(Shape.parse("s4[3]").byteSize()).isEqualTo(2);
    assertThat(Shape.parse("f32[]").elementCount()).isEqualTo(1);
    assertThat(Shape.parse("(f32[2], bf16[4])").byteSize()).isEqualTo(16);
    assertThat(Shape.parse("token[]").byteSize()).isZero();
    assertThat(Shape.parse("f32[4]{0:E(8)}").byteSize()).isEqualTo(4);
  }

  @Test
  void rejectsInconsistentShapes() {
    assertThatThrownBy(() -> Shape.array(ElementType.F32, new long[] {2, 3}, Layout.of(0)))
        .hasMessageContaining("rank 1 but the shape has 2 dimensions");
    assertThatThrownBy(() -> Shape.array(ElementType.F32, -1)).hasMessageContaining("dimension 0 has size -1");
    assertThatThrownBy(() -> Layout.of(0, 0)).hasMessageContaining("not a permutation");
  }

  @Test
  void elementTypesCarryXlaNumbersAndWidths() {
    assertThat(ElementType.BF16.number()).isEqualTo(16);
    assertThat(ElementType.forNumber(20)).contains(ElementType.F8E4M3FN);
    assertThat(ElementType.forText("f8e4m3b11fnuz")).contains(ElementType.F8E4M3B11FNUZ);
    assertThat(ElementType.S4.bits()).isEqualTo(4);
    assertThat(ElementType.C128.bits()).isEqualTo(128);
    assertThat(ElementType.forNumber(99)).isEmpty();
  }
}
