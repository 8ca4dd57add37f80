package dev.tpucost.accuracy.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.ModuleEstimate;
import dev.tpucost.hlo.HloFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of every real module in {@code shared/hlo-samples} gets an estimate: from {@code analytical}
 * on every chip preset and from {@code gnn} and {@code hybrid} on the chip they ship for. A module total
 * never skips a kernel, and counts a loop body's kernels once per trip.
 */
class RealModulesTest {
  private static void everyKernelEstimated(CostModel m) throws Exception {
    int kernels = 0;
    int warnings = 0;
    int inLoops = 0;
    for (Path f : SharedData.samples()) {
      HloModule module = HloFiles.load(f).module();
      ModuleEstimate e = m.estimate(module);
      HloModule costed = FusionPass.needed(module) ? FusionPass.run(module) : module;
      assertThat(e.kernels()).as("%s by %s on %s", f, m.name(), m.chip().name()).hasSameSizeAs(Kernels.of(costed));
      double sum = 0;
      for (ModuleEstimate.KernelEstimate k : e.kernels()) {
        assertThat(k.estimate().nanoseconds()).as("%s %s", f, k.kernel().name()).isPositive().isFinite();
        sum += k.estimate().nanoseconds() * k.runs();
        warnings += k.estimate().warnings().size();
        inLoops += k.runs() > 1 ? 1 : 0;
      }
      assertThat(e.totalNanoseconds()).isEqualTo(sum);
      // every while loop of the samples is counted: XLA's known_trip_count, or JAX's counted-loop pattern
      assertThat(e.uncountedLoops()).as("%s", f).isEmpty();
      kernels += e.kernels().size();
    }
    System.out.printf("[RealModulesTest] %s on %s: %d kernels of %d modules estimated, %d warnings%n", m.name(),
        m.chip().name(), kernels, SharedData.samples().size(), warnings);
    assertThat(kernels).isGreaterThan(1000);
    assertThat(inLoops).as("kernels in loop bodies, counted once per trip").isGreaterThan(100);
  }

  @Test
  void analyticalEstimatesEveryKernelOnEveryPreset() throws Exception {
    for (ChipSpec chip : ChipSpec.presets().values()) {
      everyKernelEstimated(CostModels.create("analytical", chip));
    }
  }

  @Test
  void learnedModelsEstimateEveryKernelOnTheirChip() throws Exception {
    for (String model : List.of("gnn", "hybrid")) {
      everyKernelEstimated(CostModels.create(model, ChipSpec.V4));
    }
  }
}
