package dev.tpucost.corpus.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.LabelSource;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.hlo.binary.HloProtoWriter;
import dev.tpucost.hlo.text.HloTextParser;
import dev.tpucost.hlo.tuning.TunedKernel;
import dev.tpucost.hlo.tuning.TuningFiles;
import dev.tpucost.hlo.tuning.wire.ConfigProfile;
import dev.tpucost.hlo.tuning.wire.HloModuleConfig;
import dev.tpucost.hlo.tuning.wire.HloOpConfig;
import dev.tpucost.hlo.tuning.wire.ModuleTuningData;
import dev.tpucost.hlo.tuning.wire.TileSizeConfig;
import dev.tpucost.hlo.tuning.wire.TuningData;
import dev.tpucost.hlo.wire.ExecutionProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets labelled with measured runtimes ({@code tpucost dataset --from-tuning}), from generated tuning data. */
class MeasuredDatasetTest {
  @TempDir Path tmp;

  private static final DatasetOptions OPTIONS = new DatasetOptions(1, 128, 0, 1, ChipSpec.V3, 2, 2, "lstm");

  /** Tuning data of {@code kernels} small kernels: tile runs (the first the default), a failed run, a layout run. */
  static byte[] tuningData(int kernels) {
    TuningData.Builder data = TuningData.newBuilder();
    for (int i = 0; i < kernels; i++) {
      long rows = 8L * (i + 1);
      var module = HloProtoWriter.toProto(HloTextParser.parse("HloModule k" + i + "\nENTRY e {\n p = f32[" + rows
          + ",256] parameter(0)\n ROOT n = f32[" + rows + ",256] negate(p)\n}\n", "k" + i));
      data.addModules(ModuleTuningData.newBuilder().setModule(module).setFingerprint(100 + i)
          .addRuns(run(1000 + i, 1, 2).setIsDefault(true))
          .addRuns(run(1500 + i, 1, 1))
          .addRuns(run(1500 + i, 1, 1))
          .addRuns(run(0, 1, 1).setError(true))
          .addRuns(ConfigProfile.newBuilder().setModuleConfig(HloModuleConfig.getDefaultInstance())
              .setProfile(ExecutionProfile.newBuilder().setComputeTimeNs(900))));
    }
    return data.build().toByteArray();
  }

  private static ConfigProfile.Builder run(long ns, long... output) {
    TileSizeConfig.Builder t = TileSizeConfig.newBuilder();
    for (long o : output) {
      t.addOutputBounds(o);
    }
    return ConfigProfile.newBuilder().setOpConfig(HloOpConfig.newBuilder().setTileSizeConfig(t))
        .setProfile(ExecutionProfile.newBuilder().setComputeTimeNs(ns).setComputeCycleCount(2 * ns));
  }

  private static DatasetBuilder.Summary build(byte[] bytes, Path out) throws Exception {
    List<TunedKernel> tuned = TuningFiles.parse(bytes, "fixture.pb");
    List<DatasetBuilder.Source> sources = new ArrayList<>();
    for (int i = 0; i < tuned.size(); i++) {
      sources.add(DatasetBuilder.Source.measured(String.format("fixture/%03d-%s", i, tuned.get(i).kernel().name()),
          "measured", tuned.get(i)));
    }
    ObjectNode inputs = new ObjectMapper().createObjectNode().put("file", "fixture.pb");
    return DatasetBuilder.measured(sources, OPTIONS, inputs, out, Progress.NONE);
  }

  @Test
  void everyTileRunIsASampleLabelledMeasuredAndLayoutRunsAreCounted() throws Exception {
    DatasetBuilder.Summary s = build(tuningData(3), tmp);
    assertThat(s.kernels()).isEqualTo(3);
    assertThat(s.samples()).isEqualTo(12);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.layoutRunsSkipped()).isEqualTo(3);
    DatasetReader reader = DatasetReader.open(tmp);
    assertThat(reader.manifest().path("label_source").asText()).isEqualTo("measured");
    assertThat(reader.manifest().path("layout_runs_skipped").asLong()).isEqualTo(3);
    assertThat(reader.manifest().has("simulator")).isFalse();
    List<KernelRecord> records = reader.records();
    assertThat(records).hasSize(3);
    KernelRecord r = records.get(1);
    assertThat(r.getProgramId()).isEqualTo("fixture/001-n");
    assertThat(r.getChip()).isEqualTo("v3");
    assertThat(r.getDefaultRuntimeNs()).isEqualTo(1001);
    List<TileSample> samples = r.getSamplesList();
    assertThat(samples).extracting(TileSample::getLabelSource).containsOnly(LabelSource.MEASURED);
    assertThat(samples).extracting(TileSample::getLabelChip).containsOnly("v3");
    assertThat(samples).extracting(TileSample::getIsDefault).containsExactly(true, false, false, false);
    // The same bounds measured twice stay two samples; a failed run is kept as rejected.
    assertThat(samples.get(1).getRuntimeNs()).isEqualTo(1501);
    assertThat(samples.get(2).getRuntimeNs()).isEqualTo(1501);
    assertThat(samples.get(3).getError()).isEqualTo("failed on hardware");
    assertThat(samples.get(3).getRuntimeNs()).isZero();
    assertThat(Tiles.of(samples.get(0)).toString()).isEqualTo("/1,2");
  }

  @Test
  void sameInputGivesByteIdenticalShardsAndARerunResumes() throws Exception {
    byte[] bytes = tuningData(5);
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    build(bytes, a);
    build(bytes, b);
    DatasetReader ra = DatasetReader.open(a);
    assertThat(ra.shards()).hasSize(3);
    for (Path shard : ra.shards()) {
      assertThat(Files.readAllBytes(shard)).isEqualTo(Files.readAllBytes(b.resolve("shards").resolve(shard.getFileName())));
    }
    assertThat(Files.readString(a.resolve("manifest.json"))).isEqualTo(Files.readString(b.resolve("manifest.json")));
    // A killed build: one shard gone, a temporary left behind. The rerun rebuilds only that shard.
    Path first = ra.shards().get(0);
    byte[] before = Files.readAllBytes(first);
    Files.delete(first);
    Files.writeString(a.resolve("shards").resolve("shard-00001.pb.gz.tmp"), "partial");
    DatasetBuilder.Summary again = build(bytes, a);
    assertThat(again.shardsReused()).isEqualTo(2);
    assertThat(Files.readAllBytes(first)).isEqualTo(before);
    assertThat(Files.exists(a.resolve("shards").resolve("shard-00001.pb.gz.tmp"))).isFalse();
  }
}
