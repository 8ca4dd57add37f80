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
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Featurising into a reused buffer gives the features a fresh graph holds, whatever the buffer held before. */
class FeaturizerTest {
  private static Kernel matmulTanh() {
    ComputationBuilder b = ComputationBuilder.create("fused", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("bf16[128,256]{1,0}"));
    Instruction w = b.parameter(Shape.parse("bf16[256,512]{1,0}"));
    Instruction d = b.op(Opcode.DOT, Shape.parse("f32[128,512]{1,0}"), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    b.op(Opcode.TANH, Shape.parse("f32[128,512]{1,0}"), d);
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
}
