package dev.tpucost.corpus.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.hlo.binary.HloProtoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {
  @TempDir Path tmp;

  private static final DatasetOptions SMALL = new DatasetOptions(10, 12, 2, 5, ChipSpec.V4, 2, 4, "lstm");

  @Test
  void oneSeedGivesByteIdenticalShardsWhateverTheThreads() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    DatasetBuilder.Summary sa = DatasetBuilder.generate(SMALL, a, Progress.NONE);
    DatasetBuilder.Summary sb = DatasetBuilder.generate(SMALL.withThreads(1), b, Progress.NONE);
    assertThat(sa.kernels()).isEqualTo(sb.kernels()).isPositive();
    assertThat(sa.shards()).isEqualTo(3);
    for (Path shard : DatasetReader.open(a).shards()) {
      Path other = b.resolve("shards").resolve(shard.getFileName());
      assertThat(Files.readAllBytes(shard)).as(shard.toString()).isEqualTo(Files.readAllBytes(other));
    }
    assertThat(Files.readString(a.resolve("manifest.json"))).isEqualTo(Files.readString(b.resolve("manifest.json")));
  }

  @Test
  void recordsHoldTheKernelTheDefaultFirstAndRejectedConfigs() throws Exception {
    DatasetBuilder.generate(SMALL, tmp, Progress.NONE);
    DatasetReader reader = DatasetReader.open(tmp);
    List<KernelRecord> records = reader.records();
    assertThat(records).hasSize(reader.manifest().path("kernels").asInt());
    Set<String> fingerprints = new HashSet<>();
    long samples = 0;
    for (KernelRecord r : records) {
      assertThat(fingerprints.add(r.getFingerprint())).as("duplicate kernel %s", r.getKernelName()).isTrue();
      assertThat(r.getSamplesCount()).isBetween(1, 12);
      TileSample first = r.getSamples(0);
      assertThat(first.getIsDefault()).isTrue();
      assertThat(r.getDefaultRuntimeNs()).isEqualTo(first.getRuntimeNs());
      for (TileSample s : r.getSamplesList()) {
        assertThat(s.getError().isEmpty()).isEqualTo(s.getRuntimeNs() > 0);
      }
      Kernel k = KernelModules.fromModule(HloProtoReader.read(r.getKernel().toByteArray(), "record").module(), "record");
      assertThat(Fingerprint.of(k)).isEqualTo(r.getFingerprint());
      assertThat(k.nodeCount()).isEqualTo(r.getNodeCount());
      samples += r.getSamplesCount();
    }
    assertThat(samples).isEqualTo(reader.manifest().path("samples").asLong());
    assertThat(reader.manifest().path("rejected_samples").asLong()).isLessThan(samples);
  }

  @Test
  void splitsAreByProgramAndTheFamilySplitHoldsOutOneFamily() throws Exception {
    DatasetBuilder.generate(SMALL.withPrograms(24), tmp, Progress.NONE);
    JsonNode splits = DatasetReader.open(tmp).manifest().path("splits");
    for (String split : List.of("random", "family")) {
      Set<String> all = new HashSet<>();
      int total = 0;
      for (String part : List.of("train", "val", "test")) {
        for (JsonNode id : splits.path(split).path(part).path("program_ids")) {
          assertThat(all.add(id.asText())).as("%s appears twice in %s", id, split).isTrue();
          total++;
        }
      }
      assertThat(total).isEqualTo(24);
    }
    JsonNode familyTest = splits.path("family").path("test").path("program_ids");
    assertThat(familyTest).isNotEmpty().allSatisfy(id -> assertThat(id.asText()).startsWith("lstm_"));
    splits.path("family").path("train").path("program_ids")
        .forEach(id -> assertThat(id.asText()).doesNotStartWith("lstm_"));
  }

  @Test
  void aRerunResumesAndEndsEqualToAnUninterruptedRun() throws Exception {
    Path whole = tmp.resolve("whole");
    DatasetBuilder.generate(SMALL, whole, Progress.NONE);
    Path resumed = tmp.resolve("resumed");
    DatasetBuilder.generate(SMALL, resumed, Progress.NONE);
    // Simulate a crash: one shard lost its sidecar, another is a leftover temporary file, a third is cut short.
    List<Path> shards = DatasetReader.open(resumed).shards();
    Files.delete(shards.get(0).resolveSibling(shards.get(0).getFileName() + ".json"));
    Files.writeString(shards.get(1).resolveSibling(shards.get(1).getFileName() + ".tmp"), "partial");
    byte[] third = Files.readAllBytes(shards.get(2));
    Files.write(shards.get(2), java.util.Arrays.copyOf(third, third.length / 2));
    Files.delete(resumed.resolve("manifest.json"));
    DatasetBuilder.Summary s = DatasetBuilder.generate(SMALL, resumed, Progress.NONE);
    assertThat(s.shardsReused()).isEqualTo(1); // shard 1 was intact; its leftover .tmp is removed
    assertThat(shards.get(1).resolveSibling(shards.get(1).getFileName() + ".tmp")).doesNotExist();
    for (Path shard : DatasetReader.open(whole).shards()) {
      assertThat(Files.readAllBytes(resumed.resolve("shards").resolve(shard.getFileName())))
          .isEqualTo(Files.readAllBytes(shard));
    }
    assertThat(DatasetBuilder.generate(SMALL, resumed, Progress.NONE).shardsReused()).isEqualTo(3);
    // A sidecar cut short (not valid JSON) only costs its shard being made again, to the same bytes.
    Path sidecar = shards.get(0).resolveSibling(shards.get(0).getFileName() + ".json");
    Files.writeString(sidecar, Files.readString(sidecar).substring(0, 10));
    assertThat(DatasetBuilder.generate(SMALL, resumed, Progress.NONE).shardsReused()).isEqualTo(2);
    assertThat(Files.readAllBytes(shards.get(0)))
        .isEqualTo(Files.readAllBytes(whole.resolve("shards").resolve(shards.get(0).getFileName())));
  }

  @Test
  void aDamagedManifestIsOneLineNamingIt() throws Exception {
    DatasetBuilder.generate(SMALL, tmp, Progress.NONE);
    Path manifest = tmp.resolve("manifest.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.substring(0, json.length() / 2));
    assertThatThrownBy(() -> DatasetReader.open(tmp))
        .hasMessageStartingWith(manifest + ": not valid JSON: ")
        .hasMessageContaining(" at line ")
        .hasMessageNotContaining("Source:")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    Files.writeString(manifest, "[1, 2]");
    assertThatThrownBy(() -> DatasetReader.open(tmp)).hasMessage(manifest + ": not a dataset manifest (a JSON object)");
  }

  @Test
  void refusesToMixOptionsAndDetectsAlteredShards() throws Exception {
    DatasetBuilder.generate(SMALL, tmp, Progress.NONE);
    assertThatThrownBy(() -> DatasetBuilder.generate(SMALL.withPrograms(11), tmp, Progress.NONE))
        .hasMessageContaining("holds a dataset built with other options");
    Path shard = DatasetReader.open(tmp).shards().get(1);
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length / 2] ^= 1;
    Files.write(shard, bytes);
    assertThatThrownBy(() -> DatasetReader.open(tmp).records())
        .hasMessageContaining(shard + ": SHA-256")
        .hasMessageContaining("truncated or altered shard");
  }
}
