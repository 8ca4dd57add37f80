package dev.tpucost.analytical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileQuantities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyticalModelTest {
  @TempDir Path dir;

  static Kernel matmul(String lhs, String rhs, String out) {
    ComputationBuilder b = ComputationBuilder.create("mm", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse(lhs));
    Instruction w = b.parameter(Shape.parse(rhs));
    b.op(Opcode.DOT, Shape.parse(out), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    Computation c = b.build();
    return Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
  }

  @Test
  void opsWithoutARuleAreCostedConservativelyAndCounted() {
    ComputationBuilder b = ComputationBuilder.create("cc", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("f32[512,512]"));
    b.op(Opcode.CUSTOM_CALL, Shape.parse("f32[512,512]"), i -> i.customCallTarget("mystery"), x);
    Computation c = b.build();
    Kernel k = Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
    AnalyticalModel m = AnalyticalModel.create(ChipSpec.V4);
    var e = m.predict(k);
    assertThat(e.breakdown()).containsEntry("fallback_ops", 1.0);
    assertThat(e.breakdown().get("vpu")).isPositive();
    assertThat(e.nanoseconds()).isPositive();
  }

  @Test
  void calibrationRecoversConstantsFromDataTheModelGenerated() {
    Constants truth = new Constants("v4", 3000, 600, 0.7, 120, 1.3, 2.5, 0.3, 6, 5, 1.4, 25);
    Random r = new Random(11);
    Calibration cal = new Calibration(ChipSpec.V4);
    for (int i = 0; i < 4000; i++) {
      TileQuantities q = new TileQuantities(
          Math.pow(10, r.nextDouble() * 4),
          r.nextBoolean() ? Math.pow(10, 2 + r.nextDouble() * 6) : 0,
          r.nextBoolean() ? Math.pow(10, 1 + r.nextDouble() * 4) : 0,
          Math.pow(10, r.nextDouble() * 6),
          Math.pow(10, r.nextDouble() * 6),
          r.nextBoolean() ? Math.pow(10, r.nextDouble() * 6) : 0,
          r.nextBoolean() ? Math.pow(10, r.nextDouble() * 6) : 0,
          Math.pow(10, 1 + r.nextDouble() * 6),
          Math.pow(10, r.nextDouble() * 4),
          0,
          1,
          0);
      cal.add(q, q.cycles(truth.values()));
    }
    Calibration.Result fit = cal.fit(Constants.priors("v4"));
    double[] want = truth.values();
    double[] got = fit.constants().values();
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i]).as(Constants.NAMES.get(i)).isCloseTo(want[i], within(want[i] * 0.03));
    }
    assertThat(fit.mape()).isLessThan(0.001);
  }

  @Test
  void onAMegacorePredictionsCostTheBusiestCoreWhileLearnedFeaturesStayAsTrained() {
    AnalyticalModel v4 = AnalyticalModel.create(ChipSpec.V4);
    Kernel k = matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]");
    TileConfig one = TileConfig.parse("64,16/128,16"); // one output tile: one of the two cores runs it
    var space = dev.tpucost.api.tile.TileSpace.of(k, ChipSpec.V4);
    double[] predictWeights = Constants.shipped("v4").orElseThrow().values();
    double[] featureWeights = Constants.shippedForFeatures("v4").orElseThrow().values();
    assertThat(featureWeights).as("v4's feature constants are kept apart from its refitted ones")
        .isNotEqualTo(predictWeights);
    TileQuantities busiest = TileQuantities.of(space.profile(), one, ChipSpec.V4, TileQuantities.CoreSplit.BUSIEST_CORE);
    TileQuantities even = TileQuantities.of(space.profile(), one, ChipSpec.V4, TileQuantities.CoreSplit.EVEN);
    assertThat(v4.predict(k, one).nanoseconds()).isEqualTo(busiest.cycles(predictWeights) / ChipSpec.V4.clockGhz());
    assertThat(v4.predictAll(k, List.of(one)).get(0).nanoseconds()).isEqualTo(v4.predict(k, one).nanoseconds());
    double[] f = v4.tileFeatures(k, one);
    assertThat(f[3]).isEqualTo(even.vpuOps());
    assertThat(f[10]).isEqualTo(even.cycles(featureWeights));
    assertThat(v4.tileFeaturesAll(k, List.of(one), null).counts()).containsExactly(f);
    // On a chip that is not a megacore, and on v3 whose constants were not refitted, both are one.
    AnalyticalModel v3 = AnalyticalModel.create(ChipSpec.V3);
    assertThat(v3.tileFeatures(k, one)[10] / ChipSpec.V3.clockGhz()).isEqualTo(v3.predict(k, one).nanoseconds());
    // A chip file without constants interpolates each set from the presets' own.
    ChipSpec file = new ChipSpec("v4-file", 2, true, 4, 128, 128, 1.3, 8, 128, 2, 16L << 20, 1L << 20, 32L << 30, 1200, 4);
    assertThat(AnalyticalModel.featureConstantsFor(file)).isEqualTo(Constants.interpolatedForFeatures(file,
        ChipSpec.presets().values()));
    assertThat(AnalyticalModel.constantsFor(file)).isNotEqualTo(AnalyticalModel.featureConstantsFor(file));
    // A chip file that is not a megacore interpolates v4's pooled-core constants for its predictions too.
    ChipSpec single = new ChipSpec("one-core", 1, false, 4, 128, 128, 1.3, 8, 128, 2, 16L << 20, 1L << 20, 32L << 30,
        1200, 4);
    assertThat(AnalyticalModel.constantsFor(single)).isEqualTo(AnalyticalModel.featureConstantsFor(single));
  }

  @Test
  void registeredWithShippedConstantsAndRejectsImpossibleTiles() {
    CostModel m = CostModels.create("analytical", ChipSpec.V4);
    assertThat(((AnalyticalModel) m).constants()).isEqualTo(Constants.shipped("v4").orElseThrow());
    assertThat(((AnalyticalModel) m).constants()).isNotEqualTo(Constants.priors("v4"));
    Kernel k = matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]");
    assertThatThrownBy(() -> m.predict(k, TileConfig.parse("99,4/16,4"))).isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("kernel_bounds[0]=99 is beyond");
    // A working set beyond VMEM is costed as spilling, with a warning, never refused.
    Kernel big = matmul("f32[8192,8192]", "f32[8192,8192]", "f32[8192,8192]");
    var spilled = m.predict(big, TileConfig.parse("1024,64/1024,64"));
    assertThat(spilled.warnings()).singleElement().asString().contains("exceeds the 16.0 MiB of VMEM").contains("spilling");
    var fits = m.predict(big, TileConfig.parse("64,4/128,4"));
    assertThat(fits.warnings()).isEmpty();
    assertThat(spilled.nanoseconds()).isGreaterThan(fits.nanoseconds());
    Ranking r = m.rank(k, List.of(TileConfig.parse("8,4/16,4"), TileConfig.parse("99,4/16,4"), TileConfig.parse("64,16/128,16")));
    assertThat(r.entries().get(1).error()).hasValueSatisfying(e -> assertThat(e).contains("kernel_bounds[0]=99"));
    assertThat(r.byRank()).hasSize(2);
    assertThat(m.predictAll(k, List.of(TileConfig.parse("8,4/16,4"))).get(0).nanoseconds())
        .isEqualTo(m.predict(k, TileConfig.parse("8,4/16,4")).nanoseconds());
    // A null argument is named, not met deep inside the model.
    assertThatThrownBy(() -> m.predict(k, null)).isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("tile is null");
    assertThatThrownBy(() -> m.predict(null, TileConfig.EMPTY)).hasMessage("kernel is null");
    assertThatThrownBy(() -> m.rank(k, java.util.Arrays.asList(TileConfig.EMPTY, null))).hasMessage("tiles[1] is null");
  }

  @Test
  void constantsFilesRoundTripAndNameTheirProblems() throws Exception {
    Constants c = Constants.shipped("v5e").orElseThrow();
    Path f = dir.resolve("c.json");
    c.save(f);
    assertThat(Constants.load(f)).isEqualTo(c);
    String good = Files.readString(f);
    assertThat(good).contains("\"format_version\" : 3", "\"crc32c\"");
    assertThat(AnalyticalModel.load(f, ChipSpec.V5E).constants()).isEqualTo(c);
    assertThatThrownBy(() -> AnalyticalModel.load(f, ChipSpec.V4))
        .hasMessage(f + ": the constants were fitted for chip v5e, not v4");
    Files.writeString(f, good.substring(0, good.length() / 2));
    assertThatThrownBy(() -> Constants.load(f)).hasMessageContaining(f + ": not valid JSON");
    // One digit of one constant changed: still valid JSON and in range, so only the checksum can tell.
    java.util.regex.Matcher digit = java.util.regex.Pattern.compile("\"step_cost\" : \\d").matcher(good);
    assertThat(digit.find()).isTrue();
    char d = good.charAt(digit.end() - 1);
    Files.writeString(f, good.substring(0, digit.end() - 1) + (d == '9' ? '8' : (char) (d + 1)) + good.substring(digit.end()));
    assertThatThrownBy(() -> Constants.load(f)).hasMessage(f + ": checksum mismatch; the constants file is corrupt");
    Files.writeString(f, good.replace("\"format_version\" : 3", "\"format_version\" : 7"));
    assertThatThrownBy(() -> Constants.load(f)).hasMessageContaining(f + ": format_version 7 is not supported");
    assertThatThrownBy(() -> Constants.parse("{\"format_version\":1,\"constants\":{}}", "x.json"))
        .hasMessageContaining("x.json: constants.launch_cost is missing");
    assertThatThrownBy(() -> Constants.parse("{\"format_version\":1,\"constants\":" + c.toJson().split("\"constants\" : ")[1]
        .replace("}\n}", "}").replaceFirst("\"overlap\" : [0-9.E-]+", "\"overlap\" : 3") + "}", "y.json"))
        .hasMessageContaining("y.json: overlap = 3.0 is outside");
    for (String chip : List.of("v2", "v3", "v4", "v5e")) {
      assertThat(Constants.shipped(chip)).as(chip).isPresent();
    }
    // A format-1 file (no checksum) written before format 2 still loads, to the numbers it holds.
    try (var in = getClass().getResourceAsStream("constants-v4-format1.json")) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      Constants old = Constants.parse(text, "format1");
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).path("constants");
      for (int i = 0; i < Constants.NAMES.size(); i++) {
        assertThat(old.values()[i]).as(Constants.NAMES.get(i)).isEqualTo(json.path(Constants.NAMES.get(i)).asDouble());
      }
      assertThat(old.chip()).isEqualTo("v4");
    }
    // A format-2 file (SHA-256 checksum), the shipped v4 constants until format 3 (and the v4 feature constants since
    // v4's were refitted for the megacore's busiest core): still checked and loaded.
    try (var in = getClass().getResourceAsStream("constants-v4-format2.json")) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).contains("\"sha256\"");
      assertThat(Constants.parse(text, "format2").values())
          .isEqualTo(Constants.shippedForFeatures("v4").orElseThrow().values());
      String damaged = text.replaceFirst("\"step_cost\" : (\\d)", "\"step_cost\" : 9$1");
      assertThat(damaged).isNotEqualTo(text);
      assertThatThrownBy(() -> Constants.parse(damaged, "format2")).hasMessage("format2: checksum mismatch; the constants file is corrupt");
    }
  }
}
