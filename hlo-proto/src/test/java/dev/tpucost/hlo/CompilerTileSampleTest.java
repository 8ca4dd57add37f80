package dev.tpucost.hlo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.TileChoice;
import dev.tpucost.api.model.TileSource;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileFootprint;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.api.tile.WindowConfig;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.binary.HloProtoWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The compiler's chosen tile, read from the window_config of a real XLA:TPU dump, text and protobuf. */
class CompilerTileSampleTest {
  private static Kernel fusion(HloModule m) {
    return Kernels.of(m).stream().filter(k -> k.name().equals("multiply_reduce_fusion.94")).findFirst().orElseThrow();
  }

  @Test
  void theDumpsWindowConfigIsTheTileInTextAndProtobuf() throws Exception {
    Path f = Samples.dir().resolve("text/hlo_isolation_multiply_reduce_fusion.94.hlo");
    HloModule text = HloFiles.load(f).module();
    HloModule proto = HloProtoReader.read(HloProtoWriter.write(text), "pb").module();
    for (HloModule m : new HloModule[] {text, proto}) {
      Kernel k = fusion(m);
      WindowConfig w = WindowConfig.of(k).orElseThrow();
      assertThat(w.tile()).isEqualTo(TileConfig.parse("1,1,2,1/4,100,2,1"));
      assertThat(w.bufferingLevel()).isEqualTo(2);
      assertThat(w.estimatedCycles()).isEmpty(); // "estimated_cycles":"0": none given
      assertThat(w.costModelType()).isEqualTo("COST_MODEL_TYPE_INVALID");
      TileSpace space = TileSpace.of(k, ChipSpec.V3);
      TileChoice c = TileChoice.of(space);
      assertThat(c.source()).isEqualTo(TileSource.COMPILER);
      assertThat(c.warnings()).isEmpty();
      // The space is the bf16[14,40,100,128]{3,0,2,1} output: physical [40,100,14,128] = [40,100,2,1] units.
      assertThat(space.outputUnits()).containsExactly(40, 100, 2, 1);
      // The weight f32[1,1,128,16]{2,3,1,0} is physical [1,1,16,128] = [1,1,2,1] units, all of it per step.
      assertThat(space.kernelUnits()).containsExactly(1, 1, 2, 1);
      TileFootprint fp = space.footprint(c.tile());
      // 40 / 4 = 10 output blocks of 4 x 100 x 14 x 128; no reduction steps.
      assertThat(fp.outputTiles()).isEqualTo(10);
      assertThat(fp.reductionSteps()).isEqualTo(1);
      // 15 of its 21 operands are in S(1) (already in VMEM): they move nothing.
      int onChip = 0;
      for (boolean b : fp.parameterOnChip()) {
        onChip += b ? 1 : 0;
      }
      assertThat(onChip).isEqualTo(15);
      assertThat(fp.fitsIn(ChipSpec.V3.vmemBytes())).isTrue();
    }
    // Every other kernel (the copies around the fusion) has none: tpucost's default.
    for (Kernel k : Kernels.of(text)) {
      if (!k.name().equals("multiply_reduce_fusion.94")) {
        assertThat(TileChoice.of(TileSpace.of(k, ChipSpec.V3)).source()).as(k.name()).isEqualTo(TileSource.DEFAULT);
      }
    }
  }
}
