package dev.tpucost.api.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShapeParserTest {
  @Test
  void parsesBf16PackedTiles() {
    Shape s = Shape.parse("bf16[8,128]{1,0:T(8,128)(2,1)}");
    assertThat(s.elementType()).isEqualTo(ElementType.BF16);
    assertThat(s.dims()).containsExactly(8, 128);
    Layout l = s.layout().orElseThrow();
    assertThat(l.minorToMajor()).containsExactly(1, 0);
    assertThat(l.tiles()).containsExactly(Tile.of(8, 128), Tile.of(2, 1));
    assertThat(l.memorySpace()).isZero();
  }

  @Test
  void parsesPhysicalOrderAndMemorySpace() {
    Shape s = Shape.parse("f32[8,32,32,32]{3,0,2,1:T(8,128)S(1)}");
    Layout l = s.layout().orElseThrow();
    assertThat(l.majorToMinor()).containsExactly(1, 2, 0, 3);
    assertThat(l.memorySpace()).isEqualTo(1);
    assertThat(l.tiles()).containsExactly(Tile.of(8, 128));
  }

  @Test
  void parsesScalarLayoutsTuplesTokensAndDynamicDims() {
    assertThat(Shape.parse("f32[]{:T(128)}").layout().orElseThrow().tiles()).containsExactly(Tile.of(128));
    assertThat(Shape.parse("pred[]{:T(8,128)(4,1)}").layout().orElseThrow().tiles()).hasSize(2);
    Shape t = Shape.parse("(f32[], s32[4]{0}, (token[]))");
    assertThat(t.isTuple()).isTrue();
    assertThat(t.tupleShapes()).hasSize(3);
    assertThat(t.tupleShape(2).tupleShape(0).elementType()).isEqualTo(ElementType.TOKEN);
    assertThat(Shape.parse("()").tupleShapes()).isEmpty();
    Shape d = Shape.parse("f32[<=10,?,3]");
    assertThat(d.isDynamic(0)).isTrue();
    assertThat(d.dim(0)).isEqualTo(10);
    assertThat(d.dim(1)).isEqualTo(Shape.UNBOUNDED);
    assertThat(d.isDynamic(2)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bf16[8,128]{1,0:T(8,128)(2,1)}",
      "f32[32,12,12,384]{3,0,2,1:T(8,128)S(1)}",
      "f32[]{:T(128)}",
      "(f32[], s32[4]{0}, (token[]))",
      "f32[<=10,?,3]",
      "u8[16,128]{1,0:D(D,C+)T(8,128)(4,1)L(4)#(s32)*(s64)E(4)S(2)SC(0:2,4)P(u8[16,128]{1,0})M(8)}",
      "f32[16,256]{0,1:T(*,128)}",
      "f8e4m3fn[2,2]{1,0}",
  })
  void printsWhatItParses(String text) {
    Shape s = Shape.parse(text);
    assertThat(s.toText()).isEqualTo(text);
    assertThat(Shape.parse(s.toText())).isEqualTo(s);
  }

  @Test
  void skipsCommentsBetweenTokens() {
    Shape s = Shape.parse("(f32[2], /*index=1*/ s32[ 3 ] { 0 })");
    assertThat(s.tupleShape(1).dims()).containsExactly(3);
  }

  @Test
  void doesNotMistakeABlockForALayout() {
    ShapeParser p = new ShapeParser("f32[] {\n  ROOT x = f32[] parameter(0)\n}", 0);
    Shape s = p.shape();
    assertThat(s.layout()).isEmpty();
    assertThat(p.position()).isEqualTo(5);
  }

  @Test
  void reportsWhereAndWhatWasExpected() {
    assertThatThrownBy(() -> Shape.parse("f32[8,"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("offset 6")
        .hasMessageContaining("dimension size");
    assertThatThrownBy(() -> Shape.parse("f33[1]"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("element type")
        .hasMessageContaining("'f33'");
    assertThatThrownBy(() -> Shape.parse("f32[2,3]{1,1}"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("permutation");
    assertThatThrownBy(() -> Shape.parse("f32[2,3]{0}"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("minor_to_major list of 2 dimensions");
    assertThatThrownBy(() -> Shape.parse("f32[2]{0:Q(1)}"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("layout attribute");
    assertThatThrownBy(() -> Shape.parse("f32[2] /* open"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("'*/'");
    assertThatThrownBy(() -> Shape.parse("f32[99999999999999999999]"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("64 bits");
    assertThatThrownBy(() -> Shape.parse("token[3]"))
        .isInstanceOf(ShapeSyntaxException.class)
        .hasMessageContaining("no dimensions for token");
  }

  @Test
  void mutatedInputsFailOnlyWithTheDocumentedException() {
    String[] seeds = {
        "bf16[8,128]{1,0:T(8,128)(2,1)}", "(f32[], s32[4]{0})", "f32[<=10,?]{1,0:T(8,128)S(1)}",
        "u8[16,128]{1,0:D(D,C+)L(4)#(s32)E(4)SC(0:2,4)P(u8[16,128]{1,0})M(8)}"};
    String alphabet = "[]{}(),:<=?*/0123456789TDLSEPMCbfsu#x ";
    for (int seed = 0; seed < 3000; seed++) {
      Random r = new Random(seed);
      StringBuilder sb = new StringBuilder(seeds[seed % seeds.length]);
      int edits = 1 + r.nextInt(4);
      for (int e = 0; e < edits && sb.length() > 0; e++) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      String text = sb.toString();
      try {
        Shape s = Shape.parse(text);
        assertThat(Shape.parse(s.toText())).as(text).isEqualTo(s);
      } catch (ShapeSyntaxException expected) {
        assertThat(expected.position()).as(text).isBetween(0, text.length());
      }
    }
  }
}
