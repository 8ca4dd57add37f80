package dev.tpucost.corpus.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.binary.HloProtoWriter;
import dev.tpucost.hlo.text.HloTextParser;
import dev.tpucost.hlo.text.HloTextPrinter;
import dev.tpucost.sim.Simulator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ZooTest {
  @Test
  void everyFamilyGeneratesValidModulesThatRoundTripAndSimulate() {
    Set<String> families = new HashSet<>();
    int kernels = 0;
    int simulated = 0;
    for (int i = 0; i < 80; i++) {
      Zoo.ProgramSpec p = Zoo.program(1, i);
      families.add(p.family());
      HloModule m = p.module();
      assertThat(HloTextParser.parse(HloTextPrinter.print(m), p.id())).as(p.id()).isEqualTo(m);
      assertThat(HloProtoReader.read(HloProtoWriter.write(m), p.id()).module()).as(p.id()).isEqualTo(m);
      for (Kernel k : Kernels.of(m)) {
        kernels++;
        TileSpace space = TileSpace.of(k, ChipSpec.V4);
        assertThat(space.isValid(space.defaultConfig())).as("%s %s", p.id(), k.name()).isTrue();
        assertThat(Simulator.simulate(k, space.defaultConfig(), ChipSpec.V4).nanoseconds()).isPositive();
        simulated++;
      }
    }
    assertThat(families).containsExactlyInAnyOrder(
        "mlp", "resnet", "mobilenet", "transformer", "lstm", "embedding", "rnn_loop", "adam", "conv3d", "reductions");
    assertThat(kernels).isGreaterThan(1000);
    assertThat(simulated).isEqualTo(kernels);
  }

  @Test
  void theSameSeedGivesTheSameProgram() {
    for (int i = 0; i < 16; i++) {
      assertThat(Zoo.program(7, i).module()).isEqualTo(Zoo.program(7, i).module());
    }
    assertThat(Zoo.program(7, 3).module()).isNotEqualTo(Zoo.program(8, 3).module());
  }
}
