package dev.tpucost.hlo.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.Samples;
import dev.tpucost.hlo.binary.HloProtoWriter;
import dev.tpucost.hlo.text.HloTextParser;
import dev.tpucost.hlo.tuning.wire.ConfigProfile;
import dev.tpucost.hlo.tuning.wire.HloModuleConfig;
import dev.tpucost.hlo.tuning.wire.HloOpConfig;
import dev.tpucost.hlo.tuning.wire.ModuleTuningData;
import dev.tpucost.hlo.tuning.wire.TileSizeConfig;
import dev.tpucost.hlo.tuning.wire.TuningData;
import dev.tpucost.hlo.wire.ExecutionProfile;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class TuningFilesTest {
  @Test
  void readsTheSharedMeasurements() throws Exception {
    List<TunedKernel> kernels = TuningFiles.read(Samples.measuredTuningFile());
    assertThat(kernels).hasSize(10);
    assertThat(kernels.stream().mapToInt(k -> k.runs().size()).sum()).isEqualTo(153);
    assertThat(kernels.stream().mapToInt(k -> k.measurements().size()).sum()).isEqualTo(153);
    for (TunedKernel k : kernels) {
      assertThat(k.runs().stream().filter(TuningRun::compilerDefault)).as(k.source()).hasSize(1);
      assertThat(k.kernel().name()).isEqualTo(k.module().name());
    }
    TunedKernel first = kernels.get(0);
    assertThat(first.module().name()).isEqualTo("fusion.232");
    assertThat(first.runs()).hasSize(61);
    TuningRun def = first.runs().get(0);
    assertThat(def.compilerDefault()).isTrue();
    assertThat(def.tile()).contains(TileConfig.parse("/2,26,4,2"));
    assertThat(def.measuredNanoseconds()).hasValue(57188);
    // The reshapes have nothing to tile: empty bounds.
    TunedKernel reshape = kernels.get(8);
    assertThat(reshape.module().name()).isEqualTo("reshape.37");
    assertThat(reshape.runs()).allSatisfy(r -> assertThat(r.tile()).contains(TileConfig.EMPTY));
    assertThat(reshape.runs().stream().mapToLong(r -> r.measuredNanoseconds().getAsLong()).toArray())
        .containsExactly(270591, 504700, 238068);
  }

  private static ModuleTuningData.Builder record() {
    var module = HloProtoWriter.toProto(HloTextParser.parse(
        "HloModule m\nENTRY e {\n p = f32[8,128] parameter(0)\n ROOT n = f32[8,128] negate(p)\n}\n", "t"));
    return ModuleTuningData.newBuilder().setModule(module).setFingerprint(7);
  }

  private static ConfigProfile.Builder tileRun(long ns, long... output) {
    TileSizeConfig.Builder t = TileSizeConfig.newBuilder();
    for (long o : output) {
      t.addOutputBounds(o);
    }
    return ConfigProfile.newBuilder()
        .setOpConfig(HloOpConfig.newBuilder().setTileSizeConfig(t))
        .setProfile(ExecutionProfile.newBuilder().setComputeTimeNs(ns).setComputeCycleCount(2 * ns));
  }

  @Test
  void failedAndLayoutRunsAreKeptAndMarked() {
    byte[] bytes = TuningData.newBuilder().addModules(record()
            .addRuns(tileRun(1500, 1, 1).setIsDefault(true))
            .addRuns(tileRun(0, 1, 1).setError(true))
            .addRuns(ConfigProfile.newBuilder().setModuleConfig(HloModuleConfig.getDefaultInstance())
                .setProfile(ExecutionProfile.newBuilder().setComputeTimeNs(900))))
        .build().toByteArray();
    TunedKernel k = TuningFiles.parse(bytes, "fixture.pb").get(0);
    assertThat(k.fingerprint()).isEqualTo(7);
    assertThat(k.runs()).hasSize(3);
    assertThat(k.runs().get(0).isTileMeasurement()).isTrue();
    assertThat(k.runs().get(1).failed()).isTrue();
    assertThat(k.runs().get(1).measuredNanoseconds()).isEmpty();
    assertThat(k.runs().get(2).kind()).isEqualTo(TuningRun.Kind.LAYOUT);
    assertThat(k.runs().get(2).tile()).isEmpty();
    assertThat(k.measurements()).hasSize(1);
  }

  @Test
  void aSingleModuleTuningDataIsReadToo() {
    byte[] bytes = record().addRuns(tileRun(1200, 1, 1)).build().toByteArray();
    List<TunedKernel> ks = TuningFiles.parse(bytes, "one.pb");
    assertThat(ks).hasSize(1);
    assertThat(ks.get(0).source()).isEqualTo("one.pb");
  }

  @Test
  void badRecordsNameTheFileAndFieldPath() throws Exception {
    byte[] zeroBound = TuningData.newBuilder().addModules(record().addRuns(tileRun(1000, 1, 0))).build().toByteArray();
    assertThatThrownBy(() -> TuningFiles.parse(zeroBound, "bad.pb"))
        .isInstanceOf(HloParseException.class)
        .hasMessageStartingWith("bad.pb: modules[0] > runs[0] > op_config > tile_size_config > output_bounds[1]");
    byte[] noConfig = TuningData.newBuilder().addModules(record().addRuns(ConfigProfile.newBuilder().setIsDefault(true)))
        .build().toByteArray();
    assertThatThrownBy(() -> TuningFiles.parse(noConfig, "bad.pb"))
        .hasMessage("bad.pb: modules[0] > runs[0]: the run has neither op_config nor module_config");
    byte[] whole = Files.readAllBytes(Samples.measuredTuningFile());
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
    assertThatThrownBy(() -> TuningFiles.parse(truncated, "cut.pb"))
        .isInstanceOf(HloParseException.class)
        .hasMessageStartingWith("cut.pb: not TpuGraphs tuning data");
    assertThatThrownBy(() -> TuningFiles.parse("HloModule m".getBytes(), "text.hlo"))
        .hasMessageStartingWith("text.hlo: not TpuGraphs tuning data");
  }
}
