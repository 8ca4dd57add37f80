package dev.tpucost.api.tile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PaddedBytesTest {
  @Test
  void wholeArrayEqualsTheBlockRuleOverTheWholeArray() {
    Random r = new Random(21);
    ElementType[] types = {ElementType.F32, ElementType.BF16, ElementType.S8, ElementType.PRED, ElementType.F64};
    String[] tilings = {"", ":T(8,128)", ":T(8,128)(2,1)", ":T(2,128)(2,1)", ":T(4,128)(4,1)", ":T(1024)", ":T(256)"};
    for (int i = 0; i < 20_000; i++) {
      int rank = r.nextInt(6);
      long[] dims = new long[rank];
      for (int d = 0; d < rank; d++) {
        dims[d] = switch (r.nextInt(4)) {
          case 0 -> 1;
          case 1 -> r.nextInt(9);
          case 2 -> r.nextInt(300);
          default -> 1L << r.nextInt(13);
        };
      }
      StringBuilder text = new StringBuilder(types[r.nextInt(types.length)].text()).append('[');
      for (int d = 0; d < rank; d++) {
        text.append(d == 0 ? "" : ",").append(dims[d]);
      }
      text.append(']');
      if (rank > 0 && r.nextBoolean()) {
        // a random minor-to-major permutation, sometimes with a tiling
        int[] perm = new int[rank];
        for (int d = 0; d < rank; d++) {
          perm[d] = d;
        }
        for (int d = rank - 1; d > 0; d--) {
          int j = r.nextInt(d + 1);
          int t = perm[d];
          perm[d] = perm[j];
          perm[j] = t;
        }
        text.append('{');
        for (int d = 0; d < rank; d++) {
          text.append(d == 0 ? "" : ",").append(perm[d]);
        }
        String tiling = tilings[r.nextInt(tilings.length)];
        text.append(rank >= 2 || !tiling.contains(",") ? tiling : "").append('}');
      }
      Shape s = Shape.parse(text.toString());
      assertThat(NativeTiling.paddedBytes(s)).as(text.toString()).isEqualTo(NativeTiling.paddedBytes(s, s.dims()));
    }
  }

  @Test
  void nonArraysAndScalars() {
    assertThat(NativeTiling.paddedBytes(Shape.parse("f32[]"))).isEqualTo(4);
    assertThat(NativeTiling.paddedBytes(Shape.parse("(f32[3,100], s8[5])"))).isEqualTo(3 * 100 * 4 + 5);
  }
}
