package dev.tpucost.sim.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.sim.Kernels4Test;
import dev.tpucost.sim.SimCalibration;
import dev.tpucost.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimFitterTest {
  /** Runtimes simulated with known constants (plus an offset), to be found again from the priors. */
  private static List<SimFitter.Sample> synthetic(SimCalibration truth, double offsetNs) {
    Simulator sim = Simulator.of(ChipSpec.V3, truth);
    List<SimFitter.Sample> out = new ArrayList<>();
    List<Kernel> kernels = List.of(Kernels4Test.elementwise(2048, 1024), Kernels4Test.elementwise(64, 256),
        Kernels4Test.matmul("bf16[1024,1024]", "bf16[1024,1024]", "f32[1024,1024]"),
        Kernels4Test.matmul("bf16[256,2048]", "bf16[2048,512]", "bf16[256,512]"));
    for (Kernel k : kernels) {
      TileSpace space = TileSpace.of(k, ChipSpec.V3);
      List<TileConfig> tiles = space.validConfigs(400);
      for (int i = 0; i < tiles.size(); i += Math.max(1, tiles.size() / 12)) {
        out.add(new SimFitter.Sample(k.name(), "bench", k, tiles.get(i), sim.simulate(space, tiles.get(i)).nanoseconds() + offsetNs));
      }
    }
    return out;
  }

  @Test
  void findsTheConstantsThatProducedTheRuntimes() {
    SimCalibration truth = new SimCalibration(800, 150, 500, 1, 1024, 1, 0.6, 1, 0.15);
    SimFitter.Result r = SimFitter.of(ChipSpec.V3, synthetic(truth, 0))
        .fit(SimCalibration.PRIOR, Set.of("launch_cycles", "step_overhead_cycles", "mxu_scale"), false);
    assertThat(r.calibration().stepOverheadCycles()).isCloseTo(150, within(15.0));
    assertThat(r.calibration().mxuScale()).isCloseTo(0.6, within(0.06));
    assertThat(r.calibration().launchCycles()).isCloseTo(800, within(160.0));
    assertThat(r.meanGroupMape()).isLessThan(0.02);
    // Constants not freed stay where they were.
    assertThat(r.calibration().hbmLatencyCycles()).isEqualTo(SimCalibration.PRIOR.hbmLatencyCycles());
  }

  @Test
  void fitsAnOffsetPerSourceAndKeepsItOutOfTheConstants() {
    SimCalibration truth = new SimCalibration(2000, 250, 500, 1, 1024, 1, 1, 1, 0.15);
    SimFitter.Result r = SimFitter.of(ChipSpec.V3, synthetic(truth, 100_000))
        .fit(SimCalibration.PRIOR, Set.of("step_overhead_cycles", "mxu_scale"), true);
    assertThat(r.offsetsNs()).containsOnlyKeys("bench");
    assertThat(r.offsetsNs().get("bench")).isCloseTo(100_000, within(10_000.0));
    assertThat(r.calibration().stepOverheadCycles()).isCloseTo(250, within(25.0));
    assertThat(r.calibration().toMap()).doesNotContainKey("offset");
  }

  @Test
  void thePublishedV5eMatmulsAreMetWithinTwentyPercentOnTheHeldOutSize() {
    List<PublishedMatmuls.Row> rows = PublishedMatmuls.v5e();
    assertThat(rows).hasSize(9);
    assertThat(rows.stream().filter(PublishedMatmuls.Row::train)).hasSize(6);
    // Before calibration the simulator charged small blocks about twice the published per-step cost.
    Kernel n4096 = PublishedMatmuls.matmul(4096);
    double prior = Simulator.of(ChipSpec.V5E, SimCalibration.PRIOR).simulate(n4096, TileConfig.parse("16,1/16,1")).nanoseconds();
    assertThat(prior / 11.77e6).isGreaterThan(1.7);
    // The shipped v5e constants are what the fit on n = 1024, 4096 gives from v3's (as the CLI does it).
    SimFitter.Result r = SimFitter.of(ChipSpec.V5E, PublishedMatmuls.samples(rows, true))
        .fit(SimCalibration.shipped(ChipSpec.V3), Set.of("step_overhead_cycles", "mxu_fill_share", "mxu_scale"), true);
    assertThat(r.calibration()).isEqualTo(SimCalibration.of(ChipSpec.V5E));
    double dispatch = r.offsetsNs().get(PublishedMatmuls.SOURCE);
    Simulator v5e = Simulator.of(ChipSpec.V5E);
    for (SimFitter.Sample test : PublishedMatmuls.samples(rows, false)) {
      double predicted = v5e.simulate(test.kernel(), test.tile()).nanoseconds() + dispatch;
      assertThat(predicted / test.measuredNs()).as("n=8192 %s", test.tile()).isBetween(0.8, 1.2);
    }
    assertThat(Map.of("dispatch_us", dispatch / 1e3).get("dispatch_us")).isBetween(50.0, 150.0);
  }
}
