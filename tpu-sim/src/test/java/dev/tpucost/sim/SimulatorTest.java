package dev.tpucost.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatorTest {
  private static final ChipSpec ONE_MXU = ChipSpec.V2;

  /** The MXU's structural counts, at the prior constants (no fill hidden, one row per cycle). */
  private static final Simulator PRIOR_ONE_MXU = Simulator.of(ONE_MXU, SimCalibration.PRIOR);

  @Test
  void singlePassMatchesTheWeightStationaryCount() {
    // bf16 [64,128] x [128,128] on v2 (one 128x128 MXU per core): one pass, 2R + C + M - 2 cycles.
    Kernel mm = Kernels4Test.matmul("bf16[64,128]", "bf16[128,128]", "f32[64,128]");
    SimResult r = PRIOR_ONE_MXU.simulate(mm, TileConfig.parse("16,1/8,1"));
    assertThat((double) r.breakdown().mxuBusy()).isCloseTo(2 * 128 + 128 + 64 - 2, within(0.05 * 446));
    assertThat(r.steps()).isEqualTo(1);
  }

  @Test
  void severalPassesOverlapWeightLoadsButNeverBeatOneRowPerCycle() {
    for (long m : new long[] {16, 128, 512}) {
      // K = 512, N = 256: 4 x 2 = 8 passes of M rows on one MXU, in one step.
      Kernel mm = Kernels4Test.matmul("bf16[" + m + ",512]", "bf16[512,256]", "f32[" + m + ",256]");
      TileSpace space = TileSpace.of(mm, ONE_MXU);
      SimResult r = PRIOR_ONE_MXU.simulate(space, TileConfig.of(space.kernelUnits(), space.outputUnits()));
      long passes = 8;
      long noOverlap = passes * (2 * 128 + 128 + m - 2);
      assertThat(r.breakdown().mxuBusy()).as("M=%d", m).isLessThan(noOverlap).isGreaterThanOrEqualTo(passes * m);
    }
    // Four MXUs share the passes: never faster than one row per cycle per MXU.
    Kernel mm = Kernels4Test.matmul("bf16[512,512]", "bf16[512,256]", "f32[512,256]");
    TileSpace space = TileSpace.of(mm, ChipSpec.V5E);
    SimResult r = Simulator.of(ChipSpec.V5E, SimCalibration.PRIOR).simulate(space,
        TileConfig.of(space.kernelUnits(), space.outputUnits()));
    assertThat(r.breakdown().mxuBusy()).isGreaterThanOrEqualTo(8 * 512 / 4);
  }

  @Test
  void neverBeatsTheRooflineAndMoreHardwareNeverHurts() {
    Random rnd = new Random(42);
    int checked = 0;
    for (int trial = 0; trial < 120; trial++) {
      Kernel k = Kernels4Test.random(rnd);
      for (ChipSpec chip : ChipSpec.presets().values()) {
        TileSpace space = TileSpace.of(k, chip);
        List<TileConfig> tiles = space.validConfigs(200);
        if (tiles.isEmpty()) {
          continue;
        }
        TileConfig tile = tiles.get(rnd.nextInt(tiles.size()));
        SimResult r = Simulator.of(chip).simulate(space, tile);
        double flopBound = k.stats().flops() / (2.0 * chip.macsPerCycle());
        double byteBound = k.stats().bytesAccessed() / chip.hbmBytesPerCycle();
        assertThat((double) r.cycles()).as("%s %s on %s", k.name(), tile, chip.name())
            .isGreaterThanOrEqualTo(Math.max(flopBound, byteBound));
        ChipSpec moreBandwidth = new ChipSpec(chip.name(), chip.tensorCores(), chip.megacore(), chip.mxusPerCore(),
            chip.mxuRows(), chip.mxuCols(), chip.clockGhz(), chip.vpuSublanes(), chip.vpuLanes(), chip.vpuAlus(),
            chip.vmemBytes(), chip.smemBytes(), chip.hbmBytes(), chip.hbmGbps() * 2, chip.dmaEngines());
        ChipSpec moreMxus = new ChipSpec(chip.name(), chip.tensorCores(), chip.megacore(), chip.mxusPerCore() * 2,
            chip.mxuRows(), chip.mxuCols(), chip.clockGhz(), chip.vpuSublanes(), chip.vpuLanes(), chip.vpuAlus(),
            chip.vmemBytes(), chip.smemBytes(), chip.hbmBytes(), chip.hbmGbps(), chip.dmaEngines());
        ChipSpec fasterClock = new ChipSpec(chip.name(), chip.tensorCores(), chip.megacore(), chip.mxusPerCore(),
            chip.mxuRows(), chip.mxuCols(), chip.clockGhz() * 1.5, chip.vpuSublanes(), chip.vpuLanes(), chip.vpuAlus(),
            chip.vmemBytes(), chip.smemBytes(), chip.hbmBytes(), chip.hbmGbps(), chip.dmaEngines());
        for (ChipSpec better : List.of(moreBandwidth, moreMxus, fasterClock)) {
          assertThat(Simulator.simulate(k, tile, better).nanoseconds()).as("%s %s on improved %s", k.name(), tile, chip)
              .isLessThanOrEqualTo(r.nanoseconds());
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(300);
  }

  @Test
  void theSimulatorModelNamesANullArgument() {
    dev.tpucost.api.model.CostModel m = dev.tpucost.api.model.CostModels.create("sim", ChipSpec.V4);
    Kernel ew = Kernels4Test.elementwise(256, 256);
    assertThatThrownBy(() -> m.predict(ew, null)).isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("tile is null");
    assertThatThrownBy(() -> m.rank(ew, java.util.Arrays.asList(TileConfig.EMPTY, null)))
        .hasMessage("tiles[1] is null");
    assertThat(m.predict(ew).nanoseconds()).isPositive();
  }

  @Test
  void smallTilesPayPerStepOverhead() {
    Kernel mm = Kernels4Test.matmul("bf16[4096,4096]", "bf16[4096,4096]", "bf16[4096,4096]");
    Simulator sim = Simulator.of(ChipSpec.V5E);
    double small = sim.simulate(mm, TileConfig.parse("16,1/16,1")).nanoseconds(); // 128 x 128 x 128
    double large = sim.simulate(mm, TileConfig.parse("128,8/64,8")).nanoseconds(); // 512 x 1024 x 1024
    assertThat(small / large).isGreaterThan(8);
    double utilization = mm.stats().flops() / (large * 1e-9) / ChipSpec.V5E.peakFlopsPerDevice();
    assertThat(utilization).isBetween(0.6, 0.97);
  }

  @Test
  void narrowMinorDimensionTilesLoseDmaEfficiency() {
    Kernel ew = Kernels4Test.elementwise(4096, 4096);
    Simulator sim = Simulator.of(ChipSpec.V4);
    // Same elements per step (512 x 128 vs 64 x 1024) and the same number of steps.
    SimResult narrow = sim.simulate(ew, TileConfig.parse("/64,1"));
    SimResult wide = sim.simulate(ew, TileConfig.parse("/8,8"));
    assertThat(narrow.steps()).isEqualTo(wide.steps());
    assertThat(narrow.breakdown().dmaIn()).isGreaterThan((long) (wide.breakdown().dmaIn() * 1.1));
    assertThat(narrow.nanoseconds()).isGreaterThan(wide.nanoseconds());
  }

  @Test
  void smallBatchDotsAreDominatedByFillAndDrain() {
    Kernel mm = Kernels4Test.matmul("bf16[8,1024]", "bf16[1024,1024]", "f32[8,1024]");
    TileSpace space = TileSpace.of(mm, ChipSpec.V4);
    SimResult r = Simulator.of(ChipSpec.V4, SimCalibration.PRIOR).simulate(space,
        TileConfig.of(space.kernelUnits(), space.outputUnits()));
    long passesPerMxu = 8 * 8 / 4;
    long streaming = passesPerMxu * 8;
    assertThat(r.breakdown().mxuBusy()).isGreaterThan(10 * streaming);
  }

  @Test
  void simulatesTilesBeyondVmemAsSpillingAndRefusesImpossibleBounds() {
    Kernel mm = Kernels4Test.matmul("f32[8192,8192]", "f32[8192,8192]", "f32[8192,8192]");
    TileSpace space = TileSpace.of(mm, ChipSpec.V4);
    TileConfig whole = TileConfig.of(space.kernelUnits(), space.outputUnits());
    SimResult spilled = Simulator.simulate(mm, whole, ChipSpec.V4);
    assertThat(spilled.spilled()).isTrue();
    SimResult fits = Simulator.simulate(mm, space.defaultConfig(), ChipSpec.V4);
    assertThat(fits.spilled()).isFalse();
    assertThat(spilled.nanoseconds()).isGreaterThan(fits.nanoseconds());
    assertThatThrownBy(() -> Simulator.simulate(mm, TileConfig.parse("3000,1/16,1"), ChipSpec.V4))
        .isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("kernel_bounds[0]=3000 is beyond");
  }

  @Test
  void deterministicAndNoiseIsSeeded() {
    Kernel ew = Kernels4Test.elementwise(1024, 1024);
    TileConfig t = TileConfig.parse("/16,2");
    SimResult a = Simulator.simulate(ew, t, ChipSpec.V4);
    assertThat(Simulator.simulate(ew, t, ChipSpec.V4)).isEqualTo(a);
    Simulator noisy = Simulator.of(ChipSpec.V4).withNoise(0.05, 7);
    double n1 = noisy.simulate(ew, t).nanoseconds();
    assertThat(noisy.simulate(ew, t).nanoseconds()).isEqualTo(n1);
    assertThat(n1).isNotEqualTo(a.nanoseconds()).isCloseTo(a.nanoseconds(), within(a.nanoseconds() * 0.3));
    assertThat(Simulator.of(ChipSpec.V4).withNoise(0.05, 8).simulate(ew, t).nanoseconds()).isNotEqualTo(n1);
  }
}
