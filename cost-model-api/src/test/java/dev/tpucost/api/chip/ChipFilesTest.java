package dev.tpucost.api.chip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChipFilesTest {
  @TempDir Path dir;

  @Test
  void presetsRoundTripThroughFiles() throws Exception {
    for (ChipSpec chip : ChipSpec.presets().values()) {
      Path f = dir.resolve(chip.name() + ".json");
      ChipFiles.save(chip, f);
      assertThat(ChipFiles.load(f)).isEqualTo(chip);
      assertThat(ChipFiles.resolve(f.toString())).isEqualTo(chip);
      assertThat(Files.readString(f)).contains("\"tensor_cores\"", "\"mxus_per_core\"", "\"hbm_gbps\"");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).allSatisfy(p -> assertThat(p.toString()).endsWith(".json"));
    }
  }

  @Test
  void presetPeaksMatchPublishedFigures() {
    assertThat(ChipSpec.V2.peakFlopsPerChip() / 1e12).isCloseTo(46, within(1.0));
    assertThat(ChipSpec.V3.peakFlopsPerChip() / 1e12).isCloseTo(123, within(2.0));
    assertThat(ChipSpec.V4.peakFlopsPerChip() / 1e12).isCloseTo(275, within(2.0));
    assertThat(ChipSpec.V5E.peakFlopsPerChip() / 1e12).isCloseTo(197, within(1.0));
    assertThat(ChipSpec.V4.coresPerDevice()).isEqualTo(2);
    assertThat(ChipSpec.V3.hbmBytesPerSecondPerDevice()).isEqualTo(450e9);
  }

  @Test
  void aFileMayOverrideAPreset() {
    ChipSpec c = ChipFiles.parse("{\"base\": \"v4\", \"name\": \"v4-big\", \"vmem_bytes\": 33554432}", "big.json");
    assertThat(c.name()).isEqualTo("v4-big");
    assertThat(c.vmemBytes()).isEqualTo(32L << 20);
    assertThat(c.mxusPerCore()).isEqualTo(4);
    assertThat(c.hbmGbps()).isEqualTo(1200);
  }

  @Test
  void errorsNameTheFileAndTheKey() {
    assertThatThrownBy(() -> ChipFiles.parse("{\"name\": \"x\"}", "x.json"))
        .isInstanceOf(ChipFileException.class)
        .hasMessageContaining("x.json: missing key 'tensor_cores'");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": \"v4\", \"mxu_rowz\": 3}", "t.json"))
        .hasMessageContaining("t.json: unknown key 'mxu_rowz'");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": \"v4\", \"clock_ghz\": \"fast\"}", "t.json"))
        .hasMessageContaining("t.json: 'clock_ghz' must be a number");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": \"v4\", \"tensor_cores\": 0}", "t.json"))
        .hasMessageContaining("t.json: tensor_cores must be >= 1, got 0");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": \"v9\"}", "t.json"))
        .hasMessageContaining("'base' is 'v9', not a preset");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": ", "t.json")).hasMessageContaining("t.json: not valid JSON");
    assertThatThrownBy(() -> ChipFiles.parse("[1]", "t.json")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> ChipFiles.resolve("v7x"))
        .hasMessageContaining("'v7x' is neither a chip preset [v2, v3, v4, v5e] nor an existing chip file");
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ChipFiles.load(missing)).hasMessageContaining(missing + ": no such chip file");
  }
}
