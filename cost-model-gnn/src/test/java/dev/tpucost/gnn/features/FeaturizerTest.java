package dev.tpucost.gnn.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Featurising into a reused buffer gives the features a fresh graph holds, whatever the buffer held before. */
class FeaturizerTest {
  private static Kernel matmulTanh() {
    return matmulTanh("f32[128,512]{1,0}");
  }

  /** x, w, dot (f32[128,512]{1,0}), then a tanh of shape {@code tanh}: nodes 0 to 3. */
  private static Kernel matmulTanh(String tanh) {
    ComputationBuilder b = ComputationBuilder.create("fused", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("bf16[128,256]{1,0}"));
    Instruction w = b.parameter(Shape.parse("bf16[256,512]{1,0}"));
    Instruction d = b.op(Opcode.DOT, Shape.parse("f32[128,512]{1,0}"), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    b.op(Opcode.TANH, Shape.parse(tanh), d);
    Computation c = b.buildFused();
    return Kernel.of("fused", FusionKind.OUTPUT, c, Map.of(), "test");
  }

  @Test
  void structureWritesTheSameFeaturesIntoAReusedBuffer() {
    Kernel k = matmulTanh();
    KernelGraph full = Featurizer.graph(k);
    float[][] rows = new float[8][Featurizer.NODE_FEATURES];
    for (float[] r : rows) {
      Arrays.fill(r, 42f); // stale contents from an earlier kernel
    }
    KernelGraph g = Featurizer.structure(k, rows);
    assertThat(g.nodes()).isEmpty();
    assertThat(g.opcodes()).containsExactly(full.opcodes());
    assertThat(g.src()).containsExactly(full.src());
    assertThat(g.dst()).containsExactly(full.dst());
    assertThat(g.kernelFeatures()).containsExactly(full.kernelFeatures());
    for (int i = 0; i < k.nodeCount(); i++) {
      assertThat(rows[i]).as("node %d", i).containsExactly(full.nodes()[i]);
    }
    assertThat(rows[k.nodeCount()][0]).isEqualTo(42f); // rows past the kernel are not touched
    assertThatThrownBy(() -> Featurizer.structure(k, new float[1][Featurizer.NODE_FEATURES]))
        .hasMessageContaining("1 feature rows for 4 nodes");
  }

  /**
   * A node whose shape equals its predecessor's takes that row's shape features (not recomputed): they must be
   * its own shape's, and a shape differing only in layout or element type must not take them.
   */
  @Test
  void aNodeGetsItsOwnShapesFeaturesWhetherOrNotItsPredecessorSharesIt() {
    float[] same = Featurizer.graph(matmulTanh("f32[128,512]{1,0}")).nodes()[3];
    float[] transposed = Featurizer.graph(matmulTanh("f32[128,512]{0,1}")).nodes()[3];
    float[] narrow = Featurizer.graph(matmulTanh("bf16[128,512]{1,0}")).nodes()[3];
    for (float[] f : List.of(same, transposed, narrow)) {
      assertThat(f[4]).isEqualTo(2f);
      assertThat(f[5]).isEqualTo((float) Math.log1p(128));
      assertThat(f[6]).isEqualTo((float) Math.log1p(512));
      assertThat(f[11]).isEqualTo((float) Math.log1p(640));
      assertThat(f[12]).isEqualTo((float) Math.log1p(65536));
    }
    assertThat(new float[] {same[13], same[14], same[19], same[28]})
        .containsExactly(1f, 0f, 1f, (float) Math.log1p(4 * 65536));
    assertThat(new float[] {transposed[13], transposed[14], transposed[19], transposed[28]})
        .containsExactly(0f, 1f, 1f, (float) Math.log1p(4 * 65536));
    assertThat(new float[] {narrow[13], narrow[14], narrow[19], narrow[28]})
        .containsExactly(1f, 0f, 0.5f, (float) Math.log1p(2 * 65536));
    assertThat(same[37]).isZero(); // 128 x 512 fills its (8, 128) tiles
  }
}
