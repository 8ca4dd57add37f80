package dev.tpucost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.analytical.Constants;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's conventions, checked on every command: one JSON document per {@code --format json}
 * invocation with tiles in one shape; bad input in one line without a stack frame (exit 1, usage errors 2,
 * a stack trace only with {@code --debug}); model files wherever a model is chosen; XLA dump folders; small
 * datasets that warn and still train.
 */
class ConventionsTest {
  @TempDir static Path dir;
  static Path module;
  static Path data;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TpuCost.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void setUp() throws Exception {
    module = dir.resolve("mm.hlo");
    Files.writeString(module, """
        HloModule mm

        fused {
          a = f32[256,512]{1,0} parameter(0)
          b = f32[512,1024]{1,0} parameter(1)
          d = f32[256,1024]{1,0} dot(a, b), lhs_contracting_dims={1}, rhs_contracting_dims={0}
          ROOT r = f32[256,1024]{1,0} tanh(d)
        }

        ENTRY main {
          x = f32[256,512]{1,0} parameter(0)
          w = f32[512,1024]{1,0} parameter(1)
          ROOT f = f32[256,1024]{1,0} fusion(x, w), kind=kOutput, calls=fused
        }
        """);
    data = dir.resolve("small");
    Result d = run("dataset", "--programs", "4", "--configs-per-kernel", "4", "--out", data.toString());
    assertThat(d.code()).as(d.err()).isZero();
    // Four programs cannot fill 80/10/10: the command says so, and what follows.
    assertThat(d.err()).contains("tpucost: warning: split 'random' has no programs in part 'val'",
        "train will validate on every tenth training kernel instead");
  }

  /** The tile shape every command writes. */
  private static void assertTile(JsonNode tile) {
    assertThat(tile.get("notation").asText()).contains("/");
    for (String key : List.of("kernel_bounds", "output_bounds", "input_bounds", "iteration_bounds")) {
      assertThat(tile.get(key).isArray()).as(key).isTrue();
    }
  }

  @Test
  void everyCommandsHelpFitsItsWidthWithoutRaggedLines() {
    picocli.CommandLine root = new picocli.CommandLine(new TpuCost());
    assertThat(root.getSubcommands()).hasSizeGreaterThan(10);
    for (var e : root.getSubcommands().entrySet()) {
      // An option's description is one paragraph, which picocli wraps to its column: lines written for the
      // command's width break again there, a few words to a line.
      for (picocli.CommandLine.Model.ArgSpec arg : e.getValue().getCommandSpec().args()) {
        assertThat(arg.description()).as("%s %s", e.getKey(), arg.paramLabel()).hasSizeLessThanOrEqualTo(1);
      }
      Result help = run(e.getKey(), "--help");
      assertThat(help.code()).as(e.getKey()).isZero();
      for (String line : help.out().split("\\R")) {
        assertThat(line.length()).as("%s --help: %s", e.getKey(), line).isLessThanOrEqualTo(120);
        // every value is labelled (N, SEED, CHIP, ...), not with the Java field's name
        assertThat(line).as("%s --help", e.getKey()).doesNotContainPattern("=<[a-zA-Z]+>");
      }
    }
  }

  @Test
  void everyCommandPrintsOneJsonDocument() throws Exception {
    String m = module.toString();
    List<String[]> commands = List.of(
        new String[] {"predict", m, "--model", "analytical"},
        new String[] {"predict", m, dir.resolve("mm.hlo").toString()},
        new String[] {"simulate", m},
        new String[] {"rank", m, "--kernel", "f", "--top", "3"},
        new String[] {"inspect", m},
        new String[] {"chips"},
        new String[] {"models"},
        new String[] {"dataset-info", data.toString()},
        new String[] {"evaluate", "--data", data.toString(), "--split", "all", "--models", "analytical"});
    for (String[] c : commands) {
      List<String> args = new ArrayList<>(List.of(c));
      args.add("--format");
      args.add("json");
      Result r = run(args.toArray(new String[0]));
      assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isZero();
      // One document: the whole output parses as one JSON object (json.load would fail on JSON Lines).
      JsonNode doc = Json.MAPPER.readTree(r.out());
      assertThat(doc.isObject()).as(String.join(" ", c)).isTrue();
      assertThat(Json.MAPPER.readTree(r.out().strip()).equals(doc)).isTrue();
      assertThat(r.out().strip().lines()).as(String.join(" ", c)).hasSize(1);
    }
    JsonNode predicted = Json.MAPPER.readTree(run("predict", m, "--model", "analytical", "--format", "json").out());
    assertTile(predicted.get("modules").get(0).get("kernels").get(0).get("tile"));
    assertThat(predicted.get("modules").get(0).get("kernels").get(0).get("predicted_ns").asDouble()).isPositive();
    JsonNode simulated = Json.MAPPER.readTree(run("simulate", m, "--format", "json").out());
    assertTile(simulated.get("kernels").get(0).get("tile"));
    JsonNode ranked = Json.MAPPER.readTree(run("rank", m, "--kernel", "f", "--top", "3", "--format", "json").out());
    assertTile(ranked.get("configs").get(0).get("tile"));
    JsonNode analytical = Json.MAPPER.readTree(run("rank", m, "--kernel", "f", "--model", "analytical", "--format", "json")
        .out());
    assertThat(analytical.get("configs").get(0).has("interval")).as("analytical gives no interval").isFalse();
    // A learned model's 80% interval per config, in JSON and in the table.
    JsonNode gnn = Json.MAPPER.readTree(run("rank", m, "--kernel", "f", "--model", "gnn", "--format", "json").out());
    for (JsonNode c : gnn.get("configs")) {
      if (c.has("predicted_ns")) {
        JsonNode iv = c.get("interval");
        assertThat(iv.get("coverage").asDouble()).isEqualTo(0.8);
        assertThat(iv.get("low_ns").asDouble()).isLessThanOrEqualTo(c.get("predicted_ns").asDouble());
        assertThat(iv.get("high_ns").asDouble()).isGreaterThanOrEqualTo(c.get("predicted_ns").asDouble());
      }
    }
    assertThat(run("rank", m, "--kernel", "f", "--model", "gnn").out()).contains("interval us");
  }

  @Test
  void badInputIsOneLineWithoutAStackFrame() throws Exception {
    Path missing = dir.resolve("missing.hlo");
    Path folder = Files.createDirectories(dir.resolve("empty-folder"));
    Path badText = dir.resolve("bad.hlo");
    Files.writeString(badText, "HloModule m\nENTRY e {\n  p = f32[4 parameter(0)\n}\n");
    Path badProto = dir.resolve("bad.pb");
    Files.write(badProto, new byte[] {0x0a, 0x7f, 0x01, 0x02, 0x12});
    for (Path input : List.of(missing, folder, badText, badProto)) {
      String f = input.toString();
      List<String[]> commands = List.of(new String[] {"predict", f}, new String[] {"inspect", f},
          new String[] {"simulate", f}, new String[] {"rank", f, "--kernel", "k"}, new String[] {"tiles", f, "--kernel", "k"},
          new String[] {"dataset", "--from", f, "--out", dir.resolve("out-" + input.getFileName()).toString()},
          new String[] {"dataset", "--from-tuning", f, "--out", dir.resolve("tuned-" + input.getFileName()).toString()},
          new String[] {"dataset-info", f}, new String[] {"evaluate", "--data", f}, new String[] {"train", "--data", f,
              "--out", dir.resolve("m.zip").toString()}, new String[] {"calibrate", "--data", f, "--out",
              dir.resolve("c.json").toString()}, new String[] {"chips", f},
          new String[] {"predict", module.toString(), "--model-file", f});
      for (String[] c : commands) {
        Result r = run(c);
        String what = String.join(" ", c);
        assertThat(r.code()).as(what + ": " + r.err()).isEqualTo(1);
        assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("internal error");
        assertThat(r.err().strip().lines().filter(l -> !l.contains("warning")).count()).as(what + ": " + r.err())
            .isEqualTo(1);
        assertThat(r.err()).as(what).contains(input.getFileName().toString());
      }
    }
    // A module that cannot be read among good ones: the others are costed, the sum says what it covers.
    Result mixed = run("predict", module.toString(), badText.toString(), "--model", "analytical");
    assertThat(mixed.code()).isEqualTo(1);
    assertThat(mixed.out()).contains("all 1 of 2 modules: ", "; 1 could not be read, see above");
    assertThat(mixed.err()).contains(badText.getFileName().toString());
    JsonNode mixedJson = Json.MAPPER.readTree(run("predict", module.toString(), badText.toString(), "--model",
        "analytical", "--format", "json").out());
    assertThat(mixedJson.get("failed_modules").asInt()).isEqualTo(1);
    assertThat(mixedJson.get("failed").asInt()).isEqualTo(1);
    assertThat(mixedJson.get("modules")).hasSize(1);
    // An option out of its range is named with its value.
    Result epochs = run("train", "--data", data.toString(), "--epochs", "0", "--out", dir.resolve("e0.zip").toString());
    assertThat(epochs.code()).isEqualTo(1);
    assertThat(epochs.err().strip()).isEqualTo("tpucost: --epochs must be >= 1, got 0");
    Result top = run("rank", module.toString(), "--kernel", "f", "--top", "-1");
    assertThat(top.code()).isEqualTo(2);
    assertThat(top.err()).startsWith("--top must be >= 0 (0: all), got -1");
    // Usage errors exit 2; --debug adds the stack trace.
    assertThat(run("predict").code()).isEqualTo(2);
    assertThat(run("rank", module.toString()).code()).isEqualTo(2);
    Result debug = run("simulate", badText.toString(), "--debug");
    assertThat(debug.code()).isEqualTo(1);
    assertThat(debug.err()).contains("\tat ");
  }

  @Test
  void modelFilesWhereverAModelIsChosen() throws Exception {
    Path constants = dir.resolve("v4-constants.json");
    Constants.shipped("v4").orElseThrow().save(constants);
    Path trained = dir.resolve("shipped-gnn-v4.zip");
    try (InputStream in = dev.tpucost.gnn.GnnModel.class.getResourceAsStream("default-gnn-v4.zip")) {
      Files.write(trained, in.readAllBytes());
    }
    JsonNode byName = Json.MAPPER.readTree(run("predict", module.toString(), "--model", "gnn", "--format", "json").out());
    Result p = run("predict", module.toString(), "--model-file", "mine=" + trained, "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode byFile = Json.MAPPER.readTree(p.out());
    assertThat(byFile.get("model").asText()).isEqualTo("mine");
    assertThat(byFile.get("total_ns").asDouble()).isEqualTo(byName.get("total_ns").asDouble());
    Result a = run("rank", module.toString(), "--kernel", "f", "--model-file", constants.toString(), "--top", "1");
    assertThat(a.code()).as(a.err()).isZero();
    Result demo = run("demo", "--configs", "8", "--model-file", "mine=" + trained);
    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("mine");
    Result both = run("predict", module.toString(), "--model", "gnn", "--model-file", trained.toString());
    assertThat(both.code()).isEqualTo(1);
    assertThat(both.err()).contains("give --model or --model-file, not both");
    // The default model is the learned one where it is shipped, the analytical one elsewhere.
    assertThat(Json.MAPPER.readTree(run("predict", module.toString(), "--format", "json").out()).get("model").asText())
        .isEqualTo("gnn");
    assertThat(Json.MAPPER.readTree(run("predict", module.toString(), "--chip", "v5e", "--format", "json").out())
        .get("model").asText()).isEqualTo("analytical");
  }

  @Test
  void anXlaDumpFolderGivesOneModuleEachItsOptimizedDump() throws Exception {
    Path dump = Files.createDirectories(dir.resolve("xla-dump"));
    String text = Files.readString(module);
    Files.writeString(dump.resolve("module_0001.jit_f.before_optimizations.txt"), text.replace("kind=kOutput", "kind=kLoop"));
    Files.writeString(dump.resolve("module_0001.jit_f.after_optimizations.txt"), text);
    Files.writeString(dump.resolve("module_0001.jit_f.after_optimizations-buffer-assignment.txt"), "not HLO");
    Files.writeString(dump.resolve("module_0001.jit_f.after_optimizations-memory-usage-report.txt"), "not HLO");
    Files.writeString(dump.resolve("module_0002.jit_g.0003.some-pass.after_other.txt"), text);
    Files.writeString(dump.resolve("module_0002.jit_g.0007.later-pass.after_other.txt"), text);
    Files.writeString(dump.resolve("notes.md"), "ignored");
    assertThat(HloInputs.fromDump(dump)).extracting(p -> p.getFileName().toString())
        .containsExactly("module_0001.jit_f.after_optimizations.txt", "module_0002.jit_g.0007.later-pass.after_other.txt");
    Result r = run("predict", dump.toString(), "--model", "analytical", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode modules = Json.MAPPER.readTree(r.out()).get("modules");
    assertThat(modules).hasSize(2);
    Result inspect = run("inspect", dump.toString(), module.toString(), "--format", "json");
    assertThat(Json.MAPPER.readTree(inspect.out()).get("modules")).hasSize(3);
  }

  @Test
  void aSmallDatasetTrainsWithTheDocumentedFallback() {
    Result t = run("train", "--data", data.toString(), "--out", dir.resolve("small.zip").toString(), "--epochs", "1");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out() + t.err()).contains("validating on every tenth training kernel");
    Result e = run("evaluate", "--data", data.toString(), "--split", "all", "--models", "analytical", "--model-file",
        "small=" + dir.resolve("small.zip"));
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.err()).contains("small was trained on this dataset's 'random' train part");
  }

  @Test
  void analyticalConstantsFromAFileKeepTheirNameAndNamesMustDiffer() throws Exception {
    // Constants from a file were all named "analytical": beside the shipped model, evaluate pooled both into one row.
    Path constants = dir.resolve("mine.json");
    try (var in = dev.tpucost.analytical.AnalyticalModel.class.getResourceAsStream("constants-v4.json")) {
      Files.copy(in, constants, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Result e = run("evaluate", "--data", data.toString(), "--split", "all", "--models", "analytical", "--model-file",
        "mine=" + constants, "--format", "json");
    assertThat(e.code()).as(e.err()).isZero();
    JsonNode models = Json.MAPPER.readTree(e.out()).get("models");
    assertThat(models.has("analytical") && models.has("mine")).as(e.out()).isTrue();
    assertThat(models.get("mine").path("tile").path("kendall_tau").asDouble())
        .isEqualTo(models.get("analytical").path("tile").path("kendall_tau").asDouble());
    Result p = run("predict", module.toString(), "--model-file", "mine=" + constants, "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(Json.MAPPER.readTree(p.out()).get("model").asText()).isEqualTo("mine");
    Result described = run("models", constants.toString());
    assertThat(described.out()).startsWith(constants + ": analytical constants for chip v4").contains("launch_cost");
    Result missing = run("models", dir.resolve("missing.zip").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("tpucost: " + dir.resolve("missing.zip") + ": no such file");
    Result twice = run("evaluate", "--data", data.toString(), "--split", "all", "--models", "analytical,analytical");
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err().strip()).isEqualTo("tpucost: two models are named 'analytical'; name them apart"
        + " (--model-file NAME=FILE)");
  }

  @Test
  void evaluateTakesTheChipFileADatasetWasMadeFor() throws Exception {
    Path chip = dir.resolve("slow-hbm.json");
    Files.writeString(chip, "{\"base\": \"v4\", \"name\": \"v4-slow-hbm\", \"hbm_gbps\": 600}");
    Path slow = dir.resolve("slow-data");
    Result d = run("dataset", "--programs", "3", "--configs-per-kernel", "4", "--chip", chip.toString(), "--out",
        slow.toString());
    assertThat(d.code()).as(d.err()).isZero();
    Result e = run("evaluate", "--data", slow.toString(), "--split", "all", "--chip", chip.toString(), "--format", "json");
    assertThat(e.code()).as(e.err()).isZero();
    // Every model is there: the learned ones through the shipped chip-conditioned models.
    JsonNode evaluated = Json.MAPPER.readTree(e.out()).get("models");
    assertThat(evaluated.has("analytical") && evaluated.has("gnn") && evaluated.has("hybrid")).as(e.err()).isTrue();
    assertThat(evaluated.get("hybrid").get("interval").get("coverage").asDouble()).isBetween(0.0, 1.0);
    assertThat(e.err()).doesNotContain("left out");
    Result other = run("evaluate", "--data", slow.toString(), "--split", "all", "--chip", "v4");
    assertThat(other.code()).isEqualTo(1);
    assertThat(other.err()).contains("was labelled on chip v4-slow-hbm; --chip v4 has other hardware figures")
        .doesNotContain("\tat ");
  }
}
