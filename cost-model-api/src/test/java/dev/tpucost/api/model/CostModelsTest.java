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
  void theDefaultsNameANullArgument() {
    CostModel m = CostModels.create("roofline-test", ChipSpec.V4);
    Kernel dot = Kernels.of(matmulModule()).get(0);
    TileConfig t = TileConfig.parse("16,1/16,1");
    assertThatThrownBy(() -> m.rank(dot, java.util.Arrays.asList(t, null))).isInstanceOf(NullPointerException.class)
        .hasMessage("tiles[1] is null");
    assertThatThrownBy(() -> m.rank(dot, null)).hasMessage("tiles is null");
    assertThatThrownBy(() -> m.predictAll(null, List.of(t))).hasMessage("kernel is null");
    assertThatThrownBy(() -> m.predict((Kernel) null)).hasMessage("kernel is null");
    assertThatThrownBy(() -> m.estimate(null)).hasMessage("module is null");
    assertThat(m.rank(dot, List.of(t)).entries()).hasSize(1);
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
    assertThat(r.entries().get(1).error()).hasValueSatisfying(e -> assertThat(e).contains("kernel_bounds[0]=600 is beyond"));
    assertThat(r.entries().get(1).rank()).isZero();
    assertThat(r.entries().get(3).isValid()).isTrue();
    // This test model has no spill cost: the whole arrays in one step win, the tiniest tiles lose.
    assertThat(r.best().orElseThrow().index()).isEqualTo(3);
    assertThat(r.entries().get(2).rank()).isEqualTo(2);
    assertThat(r.entries().get(0).rank()).isEqualTo(3);
    List<TilePrediction> all = m.predictAll(dot, candidates);
    assertThat(all.get(1).isRefused()).isTrue();
    assertThat(all.get(1).refusal()).hasValueSatisfying(reason -> assertThat(reason).contains("kernel_bounds[0]=600"));
    assertThatThrownBy(() -> all.get(1).nanoseconds()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("600,1/16,1 was refused");
    assertThat(all.get(2).nanoseconds()).isEqualTo(r.entries().get(2).predictedNs());
    assertThat(all).extracting(TilePrediction::tile).containsExactlyElementsOf(candidates);
    assertThatThrownBy(() -> m.predict(dot, candidates.get(1))).isInstanceOf(InvalidTileException.class);
  }

  @Test
  void estimateFusesAModuleWithoutFusionsFirstUnlessToldNot() {
    CostModel m = CostModels.create("roofline-test", ChipSpec.V4);
    HloModule module = matmulModule();
    // dot + tanh: fused into one kOutput kernel.
    ModuleEstimate e = m.estimate(module);
    assertThat(e.fused()).isTrue();
    assertThat(e.kernels()).hasSize(1);
    assertThat(e.kernels().get(0).kernel().fusionKind()).contains(dev.tpucost.api.hlo.FusionKind.OUTPUT);
    assertThat(e.kernels().get(0).source()).isEqualTo(TileSource.DEFAULT);
    // Op by op: both kernels, each at its default tile, summed.
    ModuleEstimate ops = m.estimate(module, false);
    assertThat(ops.fused()).isFalse();
    assertThat(ops.kernels()).hasSize(2);
    double sum = 0;
    for (Kernel k : Kernels.of(module)) {
      sum += m.predict(k).nanoseconds();
    }
    assertThat(ops.totalNanoseconds()).isEqualTo(sum).isPositive();
  }

  @Test
  void theCompilersWindowConfigIsTheTileWhenItFits() {
    CostModel m = CostModels.create("roofline-test", ChipSpec.V4);
    HloModule fused = dev.tpucost.api.fusion.FusionPass.run(matmulModule());
    Kernel k = Kernels.of(fused).get(0);
    String config = "{\"flag_configs\":[],\"window_config\":{\"kernel_window_bounds\":[\"64\",\"4\"],"
        + "\"output_window_bounds\":[\"64\",\"4\"],\"input_window_bounds\":[],\"estimated_cycles\":\"123456\","
        + "\"iteration_bounds\":[],\"buffering_level\":2}}";
    Kernel withConfig = Kernel.of(k.name(), k.fusionKind().orElseThrow(), k.body(), k.calledComputations(), k.origin(), config);
    TileChoice c = TileChoice.of(dev.tpucost.api.tile.TileSpace.of(withConfig, ChipSpec.V4));
    assertThat(c.source()).isEqualTo(TileSource.COMPILER);
    assertThat(c.tile()).isEqualTo(TileConfig.parse("64,4/64,4"));
    assertThat(c.window().orElseThrow().estimatedCycles()).hasValue(123456);
    assertThat(m.predict(withConfig).nanoseconds()).isEqualTo(m.predict(withConfig, TileConfig.parse("64,4/64,4")).nanoseconds());
    // The estimate says where its tile came from.
    assertThat(m.predict(withConfig).tileSource()).isEqualTo(TileSource.COMPILER);
    assertThat(m.predict(k).tileSource()).isEqualTo(TileSource.DEFAULT);
    assertThat(m.predict(withConfig, TileConfig.parse("64,4/64,4")).tileSource()).isEqualTo(TileSource.GIVEN);
    // A window config of the wrong rank for tpucost's reading: the default, with a warning; never dropped.
    Kernel odd = Kernel.of(k.name(), k.fusionKind().orElseThrow(), k.body(), k.calledComputations(), k.origin(),
        config.replace("[\"64\",\"4\"],\"input", "[\"64\"],\"input"));
    TileChoice d = TileChoice.of(dev.tpucost.api.tile.TileSpace.of(odd, ChipSpec.V4));
    assertThat(d.source()).isEqualTo(TileSource.DEFAULT);
    assertThat(d.warnings()).singleElement().asString().contains("the compiler's window_config does not fit")
        .contains("output_bounds has 1 entries");
    assertThat(m.predict(odd).warnings()).hasSize(1);
    assertThat(m.predict(odd).tileSource()).isEqualTo(TileSource.DEFAULT);
    // A malformed one is named.
    Kernel bad = Kernel.of(k.name(), k.fusionKind().orElseThrow(), k.body(), k.calledComputations(), k.origin(),
        config.replace("\"64\",\"4\"],\"input", "\"64\",\"x\"],\"input"));
    assertThat(TileChoice.of(dev.tpucost.api.tile.TileSpace.of(bad, ChipSpec.V4)).warnings()).singleElement()
        .asString().contains("window_config.output_window_bounds[1] is \"x\", not a whole number");
  }
}
