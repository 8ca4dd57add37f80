package dev.tpucost.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimCalibrationTest {
  @Test
  void presetsGetTheirShippedCalibrationMatchedByHardwareNotByName() {
    SimCalibration v3 = SimCalibration.of(ChipSpec.V3);
    SimCalibration v5e = SimCalibration.of(ChipSpec.V5E);
    assertThat(v3).isNotEqualTo(SimCalibration.PRIOR);
    assertThat(v5e).isNotEqualTo(v3);
    // v2 and v4 have no measurements: v3's constants carried over.
    assertThat(SimCalibration.of(ChipSpec.V4)).isEqualTo(v3);
    assertThat(SimCalibration.of(ChipSpec.V2)).isEqualTo(v3);
    // The same hardware under another name is the same chip; another chip called "v5e" is not v5e.
    assertThat(SimCalibration.of(ChipSpec.V5E.withName("my-v5e"))).isEqualTo(v5e);
    ChipSpec fake = ChipFiles.parse("{\"base\": \"v5e\", \"hbm_gbps\": 1600}", "fake.json");
    assertThat(fake.name()).isEqualTo("v5e");
    assertThat(SimCalibration.of(fake)).isEqualTo(v3);
  }

  @Test
  void aChipCalibrationFileOverridesTheShippedConstants() {
    ChipSpec chip = ChipFiles.parse("{\"base\": \"v3\", \"simulator\": {\"step_overhead_cycles\": 1000}}", "cal.json");
    assertThat(SimCalibration.of(chip).stepOverheadCycles()).isEqualTo(1000);
    assertThat(SimCalibration.of(chip).launchCycles()).isEqualTo(SimCalibration.of(ChipSpec.V3).launchCycles());
    // The file round-trips with its section, and the simulator uses it: more per-step cost, slower.
    ChipSpec again = ChipFiles.parse(ChipFiles.toJson(chip), "again.json");
    assertThat(again).isEqualTo(chip);
    Kernel ew = Kernels4Test.elementwise(1024, 1024);
    TileConfig small = TileConfig.parse("/1,1");
    assertThat(Simulator.of(chip).simulate(ew, small).nanoseconds())
        .isGreaterThan(Simulator.of(ChipSpec.V3).simulate(ew, small).nanoseconds() * 2);
    // Chips with different sections are different chips.
    assertThat(chip).isNotEqualTo(ChipSpec.V3);
    assertThat(chip.sameHardware(ChipSpec.V3)).isTrue();
  }

  @Test
  void badSectionsNameTheChipAndTheConstant() {
    ChipSpec typo = ChipSpec.V3.withName("lab").withSimulator(Map.of("step_overhead", 100.0));
    assertThatThrownBy(() -> Simulator.of(typo))
        .hasMessageContaining("chip lab: unknown simulator constant 'step_overhead'");
    ChipSpec range = ChipSpec.V3.withName("lab").withSimulator(Map.of("dma_efficiency", 3.0));
    assertThatThrownBy(() -> Simulator.of(range)).hasMessageContaining("chip lab: simulator.dma_efficiency = 3.0 is outside");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": \"v3\", \"simulator\": {\"launch_cycles\": \"fast\"}}", "s.json"))
        .hasMessageContaining("s.json: 'simulator.launch_cycles' must be a number");
  }
}
