package dev.tpucost.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CostModelsTest {
  private static HloModule matmulModule() {
    ComputationBuilder b = ComputationBuilder.create("main", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("bf16[4096,4096]"));
    Instruction w = b.parameter(Shape.parse("bf16[4096,4096]"));
    Instruction d = b.op(Opcode.DOT, Shape.parse("bf16[4096,4096]"), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    b.op(Opcode.TANH, Shape.parse("bf16[4096,4096]"), d);
    Computation c = b.build();
    return HloModule.of("mm", c);
  }

  @Test
  void findsProvidersThroughServiceLoader() {
    assertThat(CostModels.providers()).containsKey("roofline-test");
    CostModel m = CostModels.create("roofline-test", ChipSpec.V4);
    assertThat(m.name()).isEqualTo("roofline-test");
    assertThat(m.chip()).isEqualTo(ChipSpec.V4);
  }

  @Test
  void anUnknownNameListsTheAvailableModels() {
    assertThatThrownBy(() -> CostModels.create("nope", ChipSpec.V4))
        .isInstanceOf(UnknownCostModelException.class)
        .hasMessageContaining("no cost model named 'nope'; available: ")
        .hasMessageContaining("roofline-test");
  }

  @Test
  void rankReportsInvalidCandidatesAndOrdersTheRest() {
    CostModel m = CostModels.create("roofline-test", ChipSpec.V4);
    Kernel dot = Kernels.of(matmulModule()).get(0);
    List<TileConfig> candidates = List.of(
        TileConfig.parse("16,1/16,1"), // tiny tiles: many steps
        TileConfig.parse("600,1/16,1"), // beyond the 512 units of K
        TileConfig.parse("64,4/64,4"),
        TileConfig.parse("512,32/512,32")); // whole arrays: beyond VMEM, costed (as spilling), not refused
    Ranking r = m.rank(dot, candidates);
    assertThat(r.entries()).extracting(Ranking.Entry::index).containsExactly(0, 1, 2, 3);
    assertThat(r.entries().get(1).error()).contains("kernel_bounds[0]=600 is beyond");
    assertThat(r.entries().get(1).rank()).isZero();
    assertThat(r.entries().get(3).isValid()).isTrue();
    // This test model has no spill cost: the whole arrays in one step win, the tiniest tiles lose.
    assertThat(r.best().orElseThrow().index()).isEqualTo(3);
    assertThat(r.entries().get(2).rank()).isEqualTo(2);
    assertThat(r.entries().get(0).rank()).isEqualTo(3);
    double[] all = m.predictAll(dot, candidates);
    assertThat(all[1]).isNaN();
    assertThat(all[2]).isEqualTo(r.entries().get(2).predictedNs());
    assertThatThrownBy(() -> m.predict(dot, candidates.get(1))).isInstanceOf(InvalidTileException.class);
  }

  @Test
  void estimateSumsEveryKernelAtItsDefaultTile() {
    CostModel m = CostModels.create("roofline-test", ChipSpec.V4);
    HloModule module = matmulModule();
    ModuleEstimate e = m.estimate(module);
    assertThat(e.kernels()).hasSize(2);
    double sum = 0;
    for (Kernel k : Kernels.of(module)) {
      sum += m.predict(k).nanoseconds();
    }
    assertThat(e.totalNanoseconds()).isEqualTo(sum).isPositive();
  }
}
