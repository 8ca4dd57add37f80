package dev.tpucost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TpuCostTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TpuCost.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void chipVariantsCarryAnalyticalConstantsInterpolatedFromTheirPresetsOnly() throws Exception {
    Path out = dir.resolve("variants");
    Result r = run("chips", "--variants", "3", "--seed", "5", "--around", "v2,v3", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    for (int k = 0; k < 3; k++) {
      ChipSpec c = ChipFiles.load(out.resolve("variant-5-" + k + ".json"));
      assertThat(c.analytical()).isNotEmpty();
      double[] expected = dev.tpucost.analytical.Constants.interpolated(c, List.of(ChipSpec.V2, ChipSpec.V3)).values();
      double[] used = dev.tpucost.analytical.AnalyticalModel.constantsFor(c).values();
      for (int i = 0; i < expected.length; i++) {
        assertThat(used[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-9 * Math.abs(expected[i])));
      }
      // Not v5e's or v4's: interpolated with every preset they would differ.
      assertThat(used).isNotEqualTo(dev.tpucost.analytical.Constants.interpolated(c, ChipSpec.presets().values()).values());
    }
  }

  @Test
  void aPresetSeenByNoCalibrationKeepsItsFiguresAndSimulatorAndInterpolatesItsAnalyticalConstants() throws Exception {
    Path file = dir.resolve("unseen/v4-unseen.json");
    Result r = run("chips", "v4", "--constants-from", "v2,v3,v5e", "--out", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("v4-unseen", "2 (megacore)");
    ChipSpec c = ChipFiles.load(file);
    assertThat(c.name()).isEqualTo("v4-unseen");
    assertThat(c.sameHardware(ChipSpec.V4)).isTrue();
    assertThat(dev.tpucost.sim.SimCalibration.of(c)).isEqualTo(dev.tpucost.sim.SimCalibration.of(ChipSpec.V4));
    double[] expected = dev.tpucost.analytical.Constants.interpolated(ChipSpec.V4,
        List.of(ChipSpec.V2, ChipSpec.V3, ChipSpec.V5E)).values();
    double[] used = dev.tpucost.analytical.AnalyticalModel.constantsFor(c).values();
    double[] features = dev.tpucost.analytical.AnalyticalModel.featureConstantsFor(c).values();
    for (int i = 0; i < expected.length; i++) {
      assertThat(used[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-9 * Math.abs(expected[i])));
      assertThat(features[i]).isEqualTo(used[i]);
    }
    assertThat(used).isNotEqualTo(dev.tpucost.analytical.AnalyticalModel.constantsFor(ChipSpec.V4).values());

    Result leaks = run("chips", "v4", "--constants-from", "v3,v4", "--out", file.toString());
    assertThat(leaks.code()).isEqualTo(2);
    assertThat(leaks.err()).contains("--constants-from must leave v4 out: v4 has its figures").doesNotContain("Exception");
    Result two = run("chips", "v4", "v3", "--constants-from", "v2", "--out", file.toString());
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("--constants-from takes one CHIP and --out FILE");
    Result unknown = run("chips", "v4", "--constants-from", "v9", "--out", file.toString());
    assertThat(unknown.err()).contains("--constants-from takes preset names (v2, v3, v4, v5e), not 'v9'");
  }

  @Test
  void chipVariantsTakeASpreadAndRefuseOneOutOfRangeInOneLine() throws Exception {
    Path out = dir.resolve("far-variants");
    Result r = run("chips", "--variants", "2", "--seed", "5", "--spread", "2", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    ChipSpec written = ChipFiles.load(out.resolve("variant-5-1.json"));
    assertThat(written).isEqualTo(dev.tpucost.corpus.dataset.ChipVariants.around(
        List.copyOf(ChipSpec.presets().values()), 2, 5, 2).get(1).withAnalytical(written.analytical()));
    Path dealt = dir.resolve("dealt-variants");
    assertThat(run("chips", "--variants", "3", "--seed", "8", "--stratified", "--out", dealt.toString()).code()).isZero();
    for (int k = 0; k < 3; k++) {
      ChipSpec d = ChipFiles.load(dealt.resolve("variant-8-" + k + ".json"));
      assertThat(d).isEqualTo(dev.tpucost.corpus.dataset.ChipVariants.around(
          List.copyOf(ChipSpec.presets().values()), 3, 8, 1, true).get(k).withAnalytical(d.analytical()));
    }
    Result bad = run("chips", "--variants", "2", "--spread", "0.5", "--out", out.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--spread takes a number from 1 to 4, not 0.5").doesNotContain("Exception");
  }

  @Test
  void chipVariantsTakeAHiddenSpreadOnTheSameFigures() throws Exception {
    Path plain = dir.resolve("plain-variants");
    Path hidden = dir.resolve("hidden-variants");
    assertThat(run("chips", "--variants", "3", "--seed", "6", "--out", plain.toString()).code()).isZero();
    Result r = run("chips", "--variants", "3", "--seed", "6", "--hidden-spread", "2", "--out", hidden.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<ChipSpec> plainChips = new java.util.ArrayList<>();
    for (int k = 0; k < 3; k++) {
      plainChips.add(ChipFiles.load(plain.resolve("variant-6-" + k + ".json")));
    }
    // The plain draw's figures and analytical constants (interpolated from the figures), the hidden constants
    // redrawn from their own stream (seed + 1).
    List<ChipSpec> expected = dev.tpucost.corpus.dataset.ChipVariants.withHiddenSpread(plainChips, 2, 7);
    for (int k = 0; k < 3; k++) {
      ChipSpec h = ChipFiles.load(hidden.resolve("variant-6-" + k + ".json"));
      assertThat(h).isEqualTo(expected.get(k)).isNotEqualTo(plainChips.get(k));
      assertThat(h.withSimulator(plainChips.get(k).simulator())).isEqualTo(plainChips.get(k));
    }
    Result bad = run("chips", "--variants", "2", "--hidden-spread", "5", "--out", hidden.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--hidden-spread takes a number from 1 to 4, not 5.0").doesNotContain("Exception");
  }

  @Test
  void theShippedHybridCalibratesForAChipFileFromAFewOfItsProgramsWithoutItsTrainingData() throws Exception {
    Path chip = dir.resolve("lab-chip.json");
    java.nio.file.Files.writeString(chip, "{\"name\": \"lab\", \"base\": \"v4\", \"tensor_cores\": 1, \"megacore\": false,"
        + " \"mxus_per_core\": 8, \"clock_ghz\": 1.9, \"hbm_gbps\": 2800}");
    Path few = dir.resolve("lab-few");
    Result gen = run("dataset", "--out", few.toString(), "--chip", chip.toString(), "--programs", "3",
        "--configs-per-kernel", "8", "--seed", "5");
    assertThat(gen.code()).as(gen.err()).isZero();
    Path shipped = dir.resolve("any.zip");
    try (java.io.InputStream in = dev.tpucost.gnn.GnnModel.class.getResourceAsStream("default-hybrid-any.zip")) {
      java.nio.file.Files.copy(in, shipped);
    }
    Path out = dir.resolve("lab-hybrid.zip");
    Result cal = run("train", "--interval-for", shipped.toString(), "--calibration-data", few.toString(), "--level-apart",
        "--out", out.toString());
    assertThat(cal.code()).as(cal.err()).isZero();
    assertThat(cal.out() + cal.err()).contains("its level (at each kernel's default tile) weighted by");
    ChipSpec lab = ChipFiles.load(chip);
    dev.tpucost.gnn.IntervalCalibration before = dev.tpucost.gnn.IntervalCalibration.of(
        dev.tpucost.gnn.ModelFile.load(shipped).info()).orElseThrow();
    dev.tpucost.gnn.IntervalCalibration after = dev.tpucost.gnn.IntervalCalibration.of(
        dev.tpucost.gnn.ModelFile.load(out).info()).orElseThrow();
    assertThat(after.isUnseen(lab)).isTrue();
    assertThat(after.widening()).as("the training chips' widening is kept").isEqualTo(before.widening());
    assertThat(after.trainingChips()).isEqualTo(before.trainingChips());
    assertThat(after.unseenChipSamples()).isNotEqualTo(before.unseenChipSamples()).isPositive();
    assertThat(after.levelWeightFor(lab)).isBetween(0.0, 1.0);
    Result predict = run("predict", "--model-file", out.toString(), "--chip", chip.toString(), matmulModule().toString());
    assertThat(predict.code()).as(predict.err()).isZero();
    // Without --data anything but this is a usage error naming the option.
    Result missing = run("train", "--out", dir.resolve("x.zip").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--data").doesNotContain("Exception");
    Result apartAlone = run("train", "--level-apart", "--data", few.toString(), "--out", dir.resolve("y.zip").toString());
    assertThat(apartAlone.code()).isEqualTo(2);
    assertThat(apartAlone.err()).contains("--level-apart").contains("--calibration-data");
  }

  @Test
  void demoRunsTheThreeModelsOnTheBundledProgram() {
    Result demo = run("demo", "--configs", "64");
    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("24 kernels of HloModule transformer_00183", "Tile configs of the heaviest kernel",
        "analytical", "gnn", "hybrid", "Next:");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(analytical|gnn|hybrid) +(-?[01]\\.\\d{3}) ").matcher(demo.out());
    int models = 0;
    while (m.find()) {
      assertThat(Double.parseDouble(m.group(2))).as(m.group(1)).isBetween(0.3, 1.0); // all rank far better than chance
      models++;
    }
    assertThat(models).isEqualTo(3);
    assertThat(run("demo", "--configs", "1").code()).isEqualTo(2);
  }

  /** The shared TPU v3 measurements, or a skipped test without them. */
  private static Path measured() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path f = d.resolve("shared/measured/tpugraphs_op_tuning_subset.pb");
      if (Files.exists(f)) {
        return f;
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(false, "shared/measured not found");
    return null;
  }

  @Test
  void measuredDatasetCalibrationAndLeaveOneKernelOut() throws Exception {
    Path data = dir.resolve("measured");
    Result ds = run("dataset", "--from-tuning", measured().toString(), "--out", data.toString());
    assertThat(ds.code()).as(ds.err()).isZero();
    assertThat(ds.out()).contains("10 distinct kernels, 153 labelled samples", "labels: measured on v3",
        "0 layout (module_config) runs skipped");
    assertThat(run("dataset-info", data.toString()).out()).contains("labels: measured on v3");
    // The simulator's calibration file: a chip file that --chip takes, and the shipped v3 one reproduced.
    Path cal = dir.resolve("v3-cal.json");
    Result c = run("calibrate", "--target", "sim", "--data", data.toString(), "--out", cal.toString());
    assertThat(c.code()).as(c.err()).isZero();
    ChipSpec fitted = ChipFiles.load(cal);
    assertThat(fitted.sameHardware(ChipSpec.V3)).isTrue();
    assertThat(dev.tpucost.sim.SimCalibration.of(fitted)).isEqualTo(dev.tpucost.sim.SimCalibration.of(ChipSpec.V3));
    Result pub = run("calibrate", "--target", "sim", "--published", "--out", dir.resolve("v5e-cal.json").toString());
    assertThat(pub.code()).as(pub.err()).isZero();
    assertThat(pub.out()).contains("8192", "test", "dispatch offset");
    assertThat(run("calibrate", "--target", "sim", "--out", cal.toString()).code()).isEqualTo(2);
    // Leave-one-kernel-out, as JSON: ten kernels per model, the ground truth named.
    Result ev = run("evaluate", "--data", data.toString(), "--split", "kernel", "--models", "sim,analytical",
        "--format", "json");
    assertThat(ev.code()).as(ev.err()).isZero();
    JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ev.out());
    assertThat(j.path("ground_truth").asText()).isEqualTo("measured on TPU v3");
    assertThat(j.path("models").path("sim").path("per_kernel")).hasSize(10);
    assertThat(j.path("models").path("sim").path("runtime").path("mape").asDouble()).isBetween(0.05, 0.25);
    // A constants file under the name of a model that every fold refits would be ignored: the command says so.
    Path v3Constants = dir.resolve("constants-v3.json");
    try (var in = dev.tpucost.analytical.AnalyticalModel.class.getResourceAsStream("constants-v3.json")) {
      Files.copy(in, v3Constants);
    }
    Result ignored = run("evaluate", "--data", data.toString(), "--split", "kernel", "--models", "analytical",
        "--model-file", "analytical=" + v3Constants, "--max-kernels", "2");
    assertThat(ignored.code()).as(ignored.err()).isZero();
    assertThat(ignored.err()).contains("note: analytical is fitted on each fold's training kernels from its priors, so "
        + v3Constants + " is not used");
    // Fine-tuning the v3 hybrid on the measurements: its interval is calibrated on the held-out kernels' errors and
    // predictions carry it. (The v3 hybrid as trained, with its simulator interval: the shipped one is this file
    // calibrated on the measurements, checked below.)
    Path init = dir.resolve("hybrid-v3.zip");
    try (var in = TpuCostTest.class.getResourceAsStream("hybrid-v3-simulator-interval.zip")) {
      Files.copy(in, init);
    }
    Path tuned = dir.resolve("tuned.zip");
    Result ft = run("train", "--init", init.toString(), "--data", data.toString(), "--epochs", "2", "--out",
        tuned.toString());
    assertThat(ft.code()).as(ft.err()).isZero();
    assertThat(ft.out()).contains("80% interval: estimate / ", "of 153 held-out residuals");
    Path hlo = dir.resolve("one.hlo");
    Files.writeString(hlo, "HloModule m\nENTRY e {\n a = f32[512,512] parameter(0)\n b = f32[512,512] parameter(1)\n"
        + " ROOT d = f32[512,512] dot(a, b), lhs_contracting_dims={1}, rhs_contracting_dims={0}\n}\n");
    Result p = run("predict", "--model-file", "t=" + tuned, "--chip", "v3", "--format", "json", hlo.toString());
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode k0 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.out()).findValue("kernels").get(0);
    assertThat(k0.path("interval").path("low_ns").asDouble()).as(p.out()).isPositive()
        .isLessThan(k0.path("predicted_ns").asDouble());
    // --epochs 0: the estimates as shipped, only the interval calibrated on the measurements (wider than shipped).
    Path calibrated = dir.resolve("calibrated.zip");
    Result c0 = run("train", "--init", init.toString(), "--data", data.toString(), "--epochs", "0", "--out",
        calibrated.toString());
    assertThat(c0.code()).as(c0.err()).isZero();
    JsonNode shipped = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run("predict", "--model-file", "s="
        + init, "--chip", "v3", "--format", "json", hlo.toString()).out()).findValue("kernels").get(0);
    JsonNode k1 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run("predict", "--model-file", "c="
        + calibrated, "--chip", "v3", "--format", "json", hlo.toString()).out()).findValue("kernels").get(0);
    assertThat(k1.path("predicted_ns").asDouble()).isEqualTo(shipped.path("predicted_ns").asDouble());
    double ratio = k1.path("interval").path("high_ns").asDouble() / k1.path("interval").path("low_ns").asDouble();
    assertThat(ratio).isGreaterThan(shipped.path("interval").path("high_ns").asDouble()
        / shipped.path("interval").path("low_ns").asDouble());
    // models FILE says what a model file holds: how its interval was calibrated, and its fine-tuning.
    Result described = run("models", calibrated.toString(), init.toString());
    assertThat(described.code()).as(described.err()).isZero();
    assertThat(described.out()).contains(calibrated + ": hybrid model for chip v3",
        "interval: 80%, symmetric, split-conformal on leave-one-kernel-out residuals of the measurements, on 153 samples",
        "interval calibrated on 10 measured kernels of v3 (153 samples); estimates as trained (0 epochs of fine-tuning)",
        init + ": hybrid model for chip v3", "interval: 80%, conformalised quantile regression");
    // The shipped v3 hybrid is the v3 hybrid as trained fine-tuned on these measurements by the README's command
    // (deterministic: the same estimate and interval), and keeps the model it was fine-tuned from.
    Path reproduced = dir.resolve("reproduced.zip");
    Result rep = run("train", "--init", init.toString(), "--data", data.toString(), "--out", reproduced.toString());
    assertThat(rep.code()).as(rep.err()).isZero();
    JsonNode mine = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run("predict", "--model-file", "r="
        + reproduced, "--chip", "v3", "--format", "json", hlo.toString()).out()).findValue("kernels").get(0);
    JsonNode def = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run("predict", "--model", "hybrid",
        "--chip", "v3", "--format", "json", hlo.toString()).out()).findValue("kernels").get(0);
    for (String field : List.of("predicted_ns", "interval/low_ns", "interval/high_ns")) {
      assertThat(def.at("/" + field).asDouble()).as(field)
          .isCloseTo(mine.at("/" + field).asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-3))
          .isNotEqualTo(shipped.at("/" + field).asDouble());
    }
    // Scoring a model on the kernels it was fine-tuned on, or calibrated on, is said: a warning, or a note.
    Result onItsOwn = run("evaluate", "--data", data.toString(), "--split", "all", "--models", "analytical",
        "--model-file", "t=" + tuned, "--model-file", "c=" + calibrated);
    assertThat(onItsOwn.code()).as(onItsOwn.err()).isZero();
    assertThat(onItsOwn.err()).contains("tpucost: warning: t was fine-tuned on 10 of this dataset's 10 kernels: --split"
        + " all scores it on kernels it was fitted to", "note: c's interval was calibrated on 10 of this dataset's 10"
        + " kernels, so how often it holds here is in sample").doesNotContain("warning: c ", "note: t");
    // A fine-tuned model keeps the model it was fine-tuned from, and the kernel split's folds start from that one.
    dev.tpucost.gnn.ModelFile from = dev.tpucost.gnn.ModelFile.load(tuned).fineTunedFrom().orElseThrow();
    assertThat(from.weights().get("w3").data()).containsExactly(dev.tpucost.gnn.ModelFile.load(init).weights().get("w3")
        .data());
    assertThat(dev.tpucost.gnn.ModelFile.load(calibrated).fineTunedFrom().orElseThrow().weights().get("w3").data())
        .as("0 epochs: kept too").containsExactly(dev.tpucost.gnn.ModelFile.load(init).weights().get("w3").data());
    // The interval of the fine-tuned model calibrated again (0 epochs): its weights still saw the kernels.
    Path recalibrated = dir.resolve("recalibrated.zip");
    assertThat(run("train", "--init", tuned.toString(), "--data", data.toString(), "--epochs", "0", "--out",
        recalibrated.toString()).code()).isZero();
    Result folds = run("evaluate", "--data", data.toString(), "--split", "kernel", "--models", "t,c,r", "--model-file",
        "t=" + tuned, "--model-file", "c=" + calibrated, "--model-file", "r=" + recalibrated, "--max-kernels", "1",
        "--fine-tune-epochs", "1");
    assertThat(folds.code()).as(folds.err()).isZero();
    assertThat(folds.err()).contains("note: t was fine-tuned on 10 of these 10 kernels: each fold fine-tunes the model it"
        + " was fine-tuned from (kept in its file)", "note: r was fine-tuned on 10 of these 10 kernels")
        .doesNotContain("warning", "c's interval", "note: c ");
    assertThat(run("evaluate", "--data", data.toString(), "--split", "all", "--models", "r", "--model-file", "r="
        + recalibrated).err()).contains("tpucost: warning: r was fine-tuned on 10 of this dataset's 10 kernels");
    // Without it (a file fine-tuned before it was kept), a warning.
    Path bare = dir.resolve("bare.zip");
    dev.tpucost.gnn.ModelFile t = dev.tpucost.gnn.ModelFile.load(tuned);
    new dev.tpucost.gnn.ModelFile(t.kind(), t.hyper(), t.vocabulary(), t.nodeNorm(), t.configNorm(), t.targetMean(),
        t.targetStd(), t.chip(), t.info(), t.weights(), java.util.Map.of()).save(bare);
    Result leaky = run("evaluate", "--data", data.toString(), "--split", "kernel", "--models", "b", "--model-file",
        "b=" + bare, "--max-kernels", "1", "--fine-tune-epochs", "1");
    assertThat(leaky.code()).as(leaky.err()).isZero();
    assertThat(leaky.err()).contains("tpucost: warning: b was fine-tuned on 10 of these 10 kernels and its file does not"
        + " keep the model it was fine-tuned from");
    JsonNode dj = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run("models", "--format", "json",
        calibrated.toString()).out()).path("files").get(0);
    assertThat(dj.path("info").path("interval").path("half_width_ln").asDouble()).isPositive();
    // Bad tuning files: one line naming the file, exit 1, no stack trace.
    Path truncated = dir.resolve("truncated.pb");
    byte[] all = Files.readAllBytes(measured());
    Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 7));
    for (String bad : List.of(truncated.toString(), dir.resolve("missing.pb").toString(), dir.toString())) {
      Result r = run("dataset", "--from-tuning", bad, "--out", dir.resolve("bad-out").toString());
      assertThat(r.code()).as(bad).isEqualTo(1);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err()).startsWith("tpucost: " + bad).doesNotContain("\tat ").doesNotContain("internal error");
    }
    assertThat(run("dataset", "--from-tuning", dir.resolve("missing.pb").toString(), "--out", dir.resolve("b").toString()).err())
        .contains("missing.pb: no such file");
    // The same for HLO: a malformed module names file, line and column; a directory names itself.
    Path badHlo = dir.resolve("bad.hlo");
    Files.writeString(badHlo, "HloModule m\nENTRY e {\n a = f32[8 parameter(0)\n}\n");
    for (String[] cmd : List.of(new String[] {"predict", badHlo.toString()}, new String[] {"simulate", badHlo.toString()},
        new String[] {"simulate", dir.toString()})) {
      Result r = run(cmd);
      assertThat(r.code()).as(String.join(" ", cmd)).isEqualTo(1);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.err()).startsWith("tpucost: " + cmd[1]).doesNotContain("\tat ");
    }
    // Every sample, as shipped (in-sample for sim: its v3 constants were fitted to these runs), with the report.
    Result sim = run("evaluate", "--data", data.toString(), "--split", "all", "--models", "sim", "--report",
        dir.resolve("r.html").toString());
    assertThat(sim.code()).as(sim.err()).isZero();
    assertThat(Files.readString(dir.resolve("r.html"))).contains("Ground truth: measured on TPU v3", "Predicted against measured");
  }

  @Test
  void helpAndVersion() {
    Result help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: tpucost", "chips", "models");
    Result version = run("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("tpucost ").doesNotContain("unknown").doesNotContain("${");
  }

  @Test
  void everyCommandsHelpRendersWithoutWarnings() {
    // picocli reports a description it cannot format (a bare "80%") on System.err, outside our writers
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      java.util.Set<String> commands = new picocli.CommandLine(new TpuCost()).getSubcommands().keySet();
      assertThat(commands).contains("train", "predict", "rank", "evaluate");
      for (String command : commands) {
        Result help = run(command, "--help");
        assertThat(help.code()).as(command).isZero();
        assertThat(help.out()).as(command).contains("Usage: tpucost " + command).doesNotContain("%n");
      }
    } finally {
      System.setErr(saved);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void chipsAsTableAndJson() throws Exception {
    Result table = run("chips");
    assertThat(table.code()).isZero();
    assertThat(table.out()).contains("v2", "v3", "v4", "v5e", "275.3");
    Path file = dir.resolve("mine.json");
    Files.writeString(file, "{\"base\": \"v5e\", \"name\": \"v5e-2x\", \"hbm_gbps\": 1638}");
    Result json = run("chips", "v4", file.toString(), "--format", "json");
    assertThat(json.code()).isZero();
    JsonNode chips = Json.MAPPER.readTree(json.out()).get("chips");
    assertThat(chips).hasSize(2);
    JsonNode v4 = chips.get(0);
    assertThat(v4.get("mxus_per_core").asInt()).isEqualTo(4);
    JsonNode mine = chips.get(1);
    assertThat(mine.get("name").asText()).isEqualTo("v5e-2x");
    assertThat(mine.get("hbm_gbps").asDouble()).isEqualTo(1638);
    // The JSON a chip prints is itself a chip file describing the same chip.
    assertThat(ChipFiles.parse(Json.line(((com.fasterxml.jackson.databind.node.ObjectNode) mine).without(
        "peak_bf16_tflops_per_chip")), "out"))
        .isEqualTo(ChipFiles.load(file))
        .isNotEqualTo(ChipSpec.V5E);
  }

  @Test
  void badInputsExitOneAndUsageErrorsExitTwo() {
    Result bad = run("chips", "v9");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("tpucost: 'v9' is neither a chip preset");
    Result usage = run("chips", "--format", "xml");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("--format");
    assertThat(run("no-such-command").code()).isEqualTo(2);
  }

  @Test
  void modelsListsWhatIsRegistered() {
    Result r = run("models");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isNotBlank();
  }

  @Test
  void inspectListsKernelsAsJsonAndNamesFilesThatFail() throws Exception {
    Path good = dir.resolve("mm.hlo");
    Files.writeString(good, """
        HloModule mm

        fused {
          a = bf16[128,256]{1,0} parameter(0)
          b = bf16[256,512]{1,0} parameter(1)
          d = f32[128,512]{1,0} dot(a, b), lhs_contracting_dims={1}, rhs_contracting_dims={0}
          ROOT r = f32[128,512]{1,0} tanh(d)
        }

        ENTRY main {
          x = bf16[128,256]{1,0} parameter(0)
          w = bf16[256,512]{1,0} parameter(1)
          t = (bf16[128,256]{1,0}, bf16[256,512]{1,0}) tuple(x, w)
          ROOT f = f32[128,512]{1,0} fusion(x, w), kind=kOutput, calls=fused
        }
        """);
    Result r = run("inspect", "--format", "json", good.toString());
    assertThat(r.code()).isZero();
    JsonNode n = Json.MAPPER.readTree(r.out()).get("modules").get(0);
    assertThat(n.get("module").asText()).isEqualTo("mm");
    assertThat(n.get("format").asText()).isEqualTo("text");
    assertThat(n.get("computations").asInt()).isEqualTo(2);
    assertThat(n.get("instructions").asInt()).isEqualTo(8);
    assertThat(n.get("kernels")).hasSize(1);
    JsonNode k = n.get("kernels").get(0);
    assertThat(k.get("name").asText()).isEqualTo("f");
    assertThat(k.get("kind").asText()).isEqualTo("fusion");
    assertThat(k.get("fusion_kind").asText()).isEqualTo("kOutput");
    assertThat(k.get("nodes").asInt()).isEqualTo(4);
    assertThat(k.get("edges").asInt()).isEqualTo(3);
    assertThat(k.get("output_shape").asText()).isEqualTo("f32[128,512]{1,0}");
    assertThat(k.get("flops").asDouble()).isEqualTo(2.0 * 128 * 512 * 256);
    assertThat(k.get("bytes_accessed").asDouble()).isEqualTo(128 * 256 * 2 + 256 * 512 * 2 + 128 * 512 * 4);

    Path bad = dir.resolve("bad.pb");
    Files.write(bad, new byte[] {0x0a, 0x7f, 0x01, 0x02});
    Result mixed = run("inspect", "--format", "json", good.toString(), bad.toString());
    assertThat(mixed.code()).isEqualTo(1);
    assertThat(Json.MAPPER.readTree(mixed.out()).get("modules")).hasSize(1);
    assertThat(mixed.err()).contains("tpucost: " + bad + ": not an HloModuleProto");
    Result table = run("inspect", good.toString());
    assertThat(table.code()).isZero();
    assertThat(table.out()).contains("module mm (text)", "kOutput");
    assertThat(run("inspect").code()).isEqualTo(2);
    assertThat(run("inspect", dir.resolve("missing.hlo").toString()).code()).isEqualTo(1);
    assertThat(n.get("fused_by_tpucost").asBoolean()).isFalse();

    // A module without fusions: inspect lists the kernels predict costs (the fusion pass's), --no-fusion its ops.
    Path unfused = matmulModule();
    JsonNode listed = Json.MAPPER.readTree(run("inspect", "--format", "json", unfused.toString()).out()).get("modules")
        .get(0);
    assertThat(listed.get("fused_by_tpucost").asBoolean()).isTrue();
    JsonNode costed = Json.MAPPER.readTree(run("predict", unfused.toString(), "--model", "analytical", "--format",
        "json").out()).get("modules").get(0).get("kernels");
    List<String> listedNames = new java.util.ArrayList<>();
    listed.get("kernels").forEach(x -> listedNames.add(x.get("name").asText()));
    List<String> costedNames = new java.util.ArrayList<>();
    costed.forEach(x -> costedNames.add(x.get("kernel").asText()));
    assertThat(listedNames).isEqualTo(costedNames).hasSize(1);
    JsonNode ops = Json.MAPPER.readTree(run("inspect", "--no-fusion", "--format", "json", unfused.toString()).out())
        .get("modules").get(0);
    assertThat(ops.get("fused_by_tpucost").asBoolean()).isFalse();
    assertThat(ops.get("kernels")).hasSize(2);
    assertThat(run("inspect", unfused.toString()).out()).contains("1 kernels (no fusions in the file");
  }

  private Path matmulModule() throws Exception {
    Path f = dir.resolve("sim.hlo");
    Files.writeString(f, """
        HloModule sim

        ENTRY main {
          x = bf16[1024,1024]{1,0} parameter(0)
          w = bf16[1024,1024]{1,0} parameter(1)
          d = f32[1024,1024]{1,0} dot(x, w), lhs_contracting_dims={1}, rhs_contracting_dims={0}
          ROOT t = f32[1024,1024]{1,0} tanh(d)
        }
        """);
    return f;
  }

  @Test
  void simulateEveryKernelAsJsonWithTheModuleTotal() throws Exception {
    Path f = matmulModule();
    Result r = run("simulate", f.toString(), "--no-fusion", "--chip", "v5e", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertThat(doc.get("kernels")).hasSize(2);
    JsonNode dot = doc.get("kernels").get(0);
    assertThat(dot.get("kernel").asText()).isEqualTo("d");
    assertThat(dot.get("tile").get("output_bounds")).hasSize(2);
    assertThat(dot.get("cycles").asLong()).isPositive();
    assertThat(dot.get("tile").get("notation").asText()).contains("/");
    assertThat(dot.get("breakdown_cycles").get("mxu_busy").asLong()).isPositive();
    for (String key : List.of("mxu_busy", "vpu_busy", "xlu_busy", "dma_in", "dma_out", "step_overhead", "stall")) {
      assertThat(dot.get("breakdown_cycles").has(key)).as(key).isTrue();
    }
    double total = doc.get("total_ns").asDouble();
    assertThat(total).isCloseTo(dot.get("simulated_ns").asDouble() + doc.get("kernels").get(1).get("simulated_ns").asDouble(),
        org.assertj.core.api.Assertions.within(1e-6));
    assertThat(dot.get("tile_source").asText()).isEqualTo("default");
    // Without --no-fusion the module (no fusions) is fused first: dot + tanh become one kOutput kernel.
    Result fused = run("simulate", f.toString(), "--chip", "v5e", "--format", "json");
    assertThat(fused.code()).as(fused.err()).isZero();
    assertThat(Json.MAPPER.readTree(fused.out()).get("kernels")).hasSize(1);
    assertThat(fused.err()).contains("has no fusions (a pre-optimization module): ran the XLA-style fusion pass first");
  }

  @Test
  void tilesListsValidConfigsThatSimulateAccepts() throws Exception {
    Path f = matmulModule();
    Result tiles = run("tiles", f.toString(), "--no-fusion", "--kernel", "d", "--chip", "v4");
    assertThat(tiles.code()).isZero();
    String[] configs = tiles.out().strip().split("\\n");
    assertThat(configs.length).isGreaterThan(10);
    Result one = run("simulate", f.toString(), "--no-fusion", "--kernel", "d", "--tile", configs[configs.length - 1], "--format", "json");
    assertThat(one.code()).as(one.err()).isZero();
    Result bad = run("simulate", f.toString(), "--no-fusion", "--kernel", "d", "--tile", "300,1/16,1");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("kernel_bounds[0]=300 is beyond");
    assertThat(bad.out()).contains("module total: 0.00 us on v4 (0 of 1 kernels, each times its runs; 1 failed, see"
        + " above)");
    // what tiles lists, rank --tiles takes: every line ranked, none refused
    Path listed = dir.resolve("listed-tiles.txt");
    Files.writeString(listed, tiles.out());
    Result ranked = run("rank", f.toString(), "--no-fusion", "--kernel", "d", "--tiles", listed.toString(), "--format",
        "json", "--model", "analytical");
    assertThat(ranked.code()).as(ranked.err()).isZero();
    JsonNode rankedConfigs = Json.MAPPER.readTree(ranked.out()).get("configs");
    assertThat(rankedConfigs).hasSize(configs.length);
    rankedConfigs.forEach(c -> assertThat(c.has("error")).as(c.toString()).isFalse());
    Result ragged = run("simulate", f.toString(), "--no-fusion", "--kernel", "d", "--tile", "3,1/16,1");
    assertThat(ragged.code()).as(ragged.err()).isZero();
    assertThat(run("simulate", f.toString(), "--no-fusion", "--tile", "/1,1").code()).isEqualTo(2);
    Result missing = run("tiles", f.toString(), "--no-fusion", "--kernel", "nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no kernel named 'nope'; kernels: d, t");
  }

  @Test
  void datasetGeneratesLabelsRealFilesAndDescribesItself() throws Exception {
    Path ds = dir.resolve("ds");
    Result gen = run("dataset", "--out", ds.toString(), "--programs", "8", "--configs-per-kernel", "8",
        "--fusion-variants", "1", "--seed", "3", "--threads", "2");
    assertThat(gen.code()).as(gen.err()).isZero();
    assertThat(gen.out()).contains("8 programs", "distinct kernels", "labelled samples");
    Result info = run("dataset-info", ds.toString(), "--format", "json");
    assertThat(info.code()).isZero();
    JsonNode m = Json.MAPPER.readTree(info.out());
    assertThat(m.path("seed").asLong()).isEqualTo(3);
    assertThat(m.path("families")).hasSize(8); // 8 programs: one of each of the first eight families
    assertThat(m.path("kernels").asLong()).isPositive();
    assertThat(run("dataset-info", ds.toString()).out()).contains("family", "fusion kind", "lstm held out");

    Path html = dir.resolve("eval.html");
    Result eval = run("evaluate", "--data", ds.toString(), "--split", "all", "--format", "json", "--report", html.toString());
    assertThat(eval.code()).as(eval.err()).isZero();
    JsonNode e = Json.MAPPER.readTree(eval.out());
    assertThat(e.path("split").asText()).isEqualTo("all");
    assertThat(e.path("models").fieldNames()).toIterable().containsExactly("analytical", "gnn", "hybrid");
    assertThat(e.path("models").path("hybrid").path("tile").path("tile_ape").isNumber()).isTrue();
    assertThat(e.path("models").path("gnn").path("fusion").path("mape").asDouble()).isBetween(0.0, 1.0);
    assertThat(Files.readString(html)).contains("<table id=\"overall\">", "data:image/png;base64,");
    Result table = run("evaluate", "--data", ds.toString(), "--split", "family", "--models", "analytical");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("family split, test part", "tile APE", "analytical");
    // eight programs leave the random split's test part empty: said in one line, not a table of dashes
    assertThat(run("evaluate", "--data", ds.toString(), "--models", "analytical").err())
        .contains("the random split's test part has no samples to evaluate");
    assertThat(run("evaluate", "--data", ds.toString(), "--split", "nope").err()).contains("no split 'nope'");

    Path real = dir.resolve("real");
    Result labelled = run("dataset", "--out", real.toString(), "--from", matmulModule().toString(),
        "--configs-per-kernel", "4");
    assertThat(labelled.code()).as(labelled.err()).isZero();
    assertThat(Json.MAPPER.readTree(run("dataset-info", real.toString(), "--format", "json").out())
        .path("families").has("real")).isTrue();
    assertThat(run("dataset-info", dir.resolve("none").toString()).code()).isEqualTo(1);
    // One program cannot be split: its test part is empty, which is said, not shown as a table of dashes.
    Result empty = run("evaluate", "--data", real.toString(), "--models", "analytical");
    assertThat(empty.code()).isEqualTo(1);
    assertThat(empty.err()).contains(real + ": the random split's test part has no samples to evaluate", "--split all");
    assertThat(empty.out()).isEmpty();
    assertThat(run("evaluate", "--data", real.toString(), "--models", "analytical", "--split", "all").code()).isZero();
  }

  @Test
  void aLoopBodysKernelsCountOncePerTripInTheTotal() throws Exception {
    Path f = dir.resolve("loop.hlo");
    Files.writeString(f, """
        HloModule loop

        body {
          p = (s32[], f32[512,512]{1,0}) parameter(0)
          i = s32[] get-tuple-element(p), index=0
          x = f32[512,512]{1,0} get-tuple-element(p), index=1
          one = s32[] constant(1)
          j = s32[] add(i, one)
          y = f32[512,512]{1,0} tanh(x)
          ROOT t = (s32[], f32[512,512]{1,0}) tuple(j, y)
        }

        cond {
          p = (s32[], f32[512,512]{1,0}) parameter(0)
          i = s32[] get-tuple-element(p), index=0
          n = s32[] constant(12)
          ROOT lt = pred[] compare(i, n), direction=LT
        }

        ENTRY main {
          a = f32[512,512]{1,0} parameter(0)
          zero = s32[] constant(0)
          s = (s32[], f32[512,512]{1,0}) tuple(zero, a)
          w = (s32[], f32[512,512]{1,0}) while(s), condition=cond, body=body
          ROOT r = f32[512,512]{1,0} get-tuple-element(w), index=1
        }
        """);
    for (String[] command : List.of(new String[] {"predict", f.toString(), "--model", "analytical", "--no-fusion"},
        new String[] {"predict", f.toString(), "--model", "analytical"},
        new String[] {"simulate", f.toString(), "--no-fusion"})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--format", "json"));
      Result r = run(args.toArray(new String[0]));
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode doc = Json.MAPPER.readTree(r.out());
      JsonNode module = command[0].equals("predict") ? doc.get("modules").get(0) : doc;
      double sum = 0;
      java.util.Map<String, Long> runs = new java.util.HashMap<>();
      for (JsonNode k : module.get("kernels")) {
        runs.put(k.get("kernel").asText(), k.get("runs").asLong());
        assertThat(k.get("runs_exact").asBoolean()).isTrue();
        String ns = command[0].equals("predict") ? "predicted_ns" : "simulated_ns";
        sum += k.get(ns).asDouble() * k.get("runs").asLong();
      }
      // 12 trips: the body's kernels 12 times, the condition's 13 (fused or not, the pass keeps the loop's count)
      assertThat(runs.values()).as(String.join(" ", command)).contains(12L, 13L).doesNotContain(1L);
      assertThat(module.get("total_ns").asDouble()).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-6 * sum));
    }
    // the text table shows the runs
    assertThat(run("predict", f.toString(), "--model", "analytical", "--no-fusion").out())
        .contains("runs", "each times its runs");
  }

  @Test
  void predictAndRankWithInvalidCandidateLines() throws Exception {
    Path f = matmulModule();
    Result p = run("predict", f.toString(), "--no-fusion", "--model", "analytical", "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode pd = Json.MAPPER.readTree(p.out());
    assertThat(pd.get("model").asText()).isEqualTo("analytical");
    JsonNode kernels = pd.get("modules").get(0).get("kernels");
    assertThat(kernels).hasSize(2);
    assertThat(kernels.get(0).get("predicted_ns").asDouble()).isPositive();
    assertThat(pd.get("total_ns").asDouble()).isPositive();

    Path tsv = dir.resolve("tiles.tsv");
    Files.writeString(tsv, String.join("\n",
        "# kernel_bounds<TAB>output_bounds",
        "16,1\t16,1",
        "300,1\t16,1",
        "banana",
        "128,8\t128,8",
        "\t32,2",
        "1,x\t1,1",
        "16,1/16,1", // the notation the command prints
        "16,1/16,1/9,9,9") + "\n"); // input bounds, which only the notation can give (kept as stated)
    Result r = run("rank", f.toString(), "--no-fusion", "--kernel", "d", "--tiles", tsv.toString(), "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode configs = Json.MAPPER.readTree(r.out()).get("configs");
    assertThat(configs).hasSize(8);
    java.util.Map<Integer, JsonNode> byIndex = new java.util.HashMap<>();
    configs.forEach(c -> byIndex.put(c.get("index").asInt(), c));
    assertThat(byIndex.get(0).get("rank").asInt()).isBetween(1, 3);
    assertThat(byIndex.get(1).get("error").asText()).contains("kernel_bounds[0]=300 is beyond");
    assertThat(byIndex.get(2).get("error").asText())
        .contains(tsv + ":4:", "expected KERNEL/OUTPUT[/INPUT[/ITERATION]] or kernel_bounds<TAB>output_bounds");
    assertThat(byIndex.get(4).get("tile").get("output_bounds")).hasSize(2);
    assertThat(byIndex.get(4).has("rank")).isTrue();
    assertThat(byIndex.get(5).get("error").asText()).contains(tsv + ":7:", "kernel_bounds[1] is 'x'");
    // the notation line is the same tile as the tab-separated 16,1<TAB>16,1: the same prediction
    assertThat(byIndex.get(6).get("predicted_ns").asDouble()).isEqualTo(byIndex.get(0).get("predicted_ns").asDouble());
    assertThat(byIndex.get(6).get("tile").get("notation").asText())
        .isEqualTo(byIndex.get(0).get("tile").get("notation").asText());
    assertThat(byIndex.get(7).has("rank")).as(byIndex.get(7).toString()).isTrue();
    assertThat(byIndex.get(7).get("tile").get("input_bounds").toString()).isEqualTo("[9,9,9]");
    java.util.Set<Integer> ranks = new java.util.HashSet<>();
    configs.forEach(c -> {
      if (c.has("rank")) {
        ranks.add(c.get("rank").asInt());
      }
    });
    assertThat(ranks).containsExactlyInAnyOrder(1, 2, 3, 4, 5); // five valid lines, ranks without gaps
    Result all = run("rank", f.toString(), "--no-fusion", "--kernel", "d", "--top", "3");
    assertThat(all.code()).isZero();
    assertThat(all.out().strip().split("\\n")).hasSize(4);
  }
}
