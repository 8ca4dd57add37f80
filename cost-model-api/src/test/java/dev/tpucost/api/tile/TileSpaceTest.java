package dev.tpucost.api.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TileSpaceTest {
  private final AtomicLong ids = new AtomicLong(1);

  private Kernel matmul(String lhs, String rhs, String out) {
    ComputationBuilder b = ComputationBuilder.create("mm", 1, ids);
    Instruction x = b.parameter(Shape.parse(lhs));
    Instruction w = b.parameter(Shape.parse(rhs));
    b.op(Opcode.DOT, Shape.parse(out), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    Computation c = b.build();
    return Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
  }

  @Test
  void matmulGeometryAndFootprint() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    assertThat(s.outputUnits()).containsExactly(128, 16);
    assertThat(s.kernelUnits()).containsExactly(64, 16);
    assertThat(s.kernelReductionDims()).containsExactly(true, false);
    // Output tile 128x512 (16 row units, 4 lane units), K tile 64 (8 units of 8 rows).
    TileConfig c = TileConfig.parse("8,4/16,4");
    assertThat(s.check(c)).isEmpty();
    TileFootprint fp = s.footprint(c);
    assertThat(fp.outputTiles()).isEqualTo(8 * 4);
    assertThat(fp.reductionSteps()).isEqualTo(8);
    assertThat(fp.steps()).isEqualTo(256);
    // LHS block [128,64] bf16 pads 64 lanes to 128; RHS block [64,512]; output block [128,512].
    assertThat(fp.parameterBytes()).containsExactly(128 * 128 * 2, 64 * 512 * 2);
    assertThat(fp.outputBytes()).isEqualTo(128 * 512 * 2);
    assertThat(fp.accumulatorBytes()).isEqualTo(128 * 512 * 4);
    assertThat(fp.workingSetBytes()).isEqualTo(2L * (32768 + 65536 + 131072) + 262144);
    // With the K loop innermost, both operand blocks change every step.
    assertThat(fp.parameterLoads()).containsExactly(256, 256);
    // Whole K per step: the LHS row block stays while the N loop runs (8 M tiles); the RHS block
    // changes with every step (8 x 4).
    TileFootprint wholeK = s.footprint(TileConfig.parse("64,4/16,4"));
    assertThat(wholeK.reductionSteps()).isEqualTo(1);
    assertThat(wholeK.parameterLoads()).containsExactly(8, 32);
    // One N tile: the RHS block never changes and is loaded once.
    assertThat(s.footprint(TileConfig.parse("64,16/16,16")).parameterLoads()).containsExactly(8, 1);
  }

  @Test
  void rejectsImpossibleBoundsNamingTheField() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    assertThat(s.check(TileConfig.parse("8,4/3,4")).orElseThrow())
        .contains("output_bounds[0]=3 neither divides nor covers the dimension's 128 units");
    assertThat(s.check(TileConfig.parse("8,4/16")).orElseThrow())
        .contains("output_bounds has 1 entries but the output");
    assertThat(s.check(TileConfig.parse("8,2/16,4")).orElseThrow())
        .contains("kernel_bounds[1]=2 disagrees with the output tile, which implies 4");
    assertThat(s.check(TileConfig.parse("8,4/16,4/1")).orElseThrow()).contains("input_bounds must be empty");
    assertThat(s.check(TileConfig.parse("5,4/16,4")).orElseThrow()).contains("kernel_bounds[0]=5");
    assertThatThrownBy(() -> s.validate(TileConfig.parse("8,4/3,4")))
        .isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("kernel 'dot.");
    // A bound that covers the dimension is fine even beyond its size.
    assertThat(s.check(TileConfig.parse("64,4/200,4"))).isEmpty();
  }

  @Test
  void rejectsWorkingSetsThatOverflowVmem() {
    TileSpace s = TileSpace.of(matmul("f32[8192,8192]", "f32[8192,8192]", "f32[8192,8192]"), ChipSpec.V4);
    TileConfig whole = TileConfig.of(s.kernelUnits(), s.outputUnits());
    assertThat(s.check(whole).orElseThrow()).contains("does not fit in the 16.0 MiB of VMEM of chip v4");
    assertThat(s.isValid(whole)).isFalse();
    assertThat(TileSpace.of(matmul("f32[8192,8192]", "f32[8192,8192]", "f32[8192,8192]"), ChipSpec.V5E).check(whole))
        .isPresent();
  }

  @Test
  void defaultIsValidAndWithinAQuarterOfVmem() {
    for (ChipSpec chip : ChipSpec.presets().values()) {
      TileSpace s = TileSpace.of(matmul("bf16[4096,4096]", "bf16[4096,4096]", "bf16[4096,4096]"), chip);
      TileConfig d = s.defaultConfig();
      assertThat(s.check(d)).as(chip.name()).isEmpty();
      assertThat(s.footprint(d).workingSetBytes()).isLessThanOrEqualTo(chip.vmemBytes() / 4);
      assertThat(s.footprint(d).steps()).isGreaterThan(1);
    }
    TileSpace small = TileSpace.of(matmul("bf16[128,128]", "bf16[128,128]", "bf16[128,128]"), ChipSpec.V4);
    assertThat(small.defaultConfig()).isEqualTo(TileConfig.parse("16,1/16,1"));
  }

  @Test
  void enumeratesDistinctValidConfigs() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    assertThat(s.boundsSpaceSize()).isEqualTo(8L * 5 * 7);
    List<TileConfig> all = s.validConfigs(10_000);
    assertThat(all).isNotEmpty().hasSizeLessThanOrEqualTo(280);
    assertThat(new HashSet<>(all)).hasSameSizeAs(all);
    assertThat(all).allSatisfy(c -> assertThat(s.check(c)).isEmpty());
    assertThat(s.validConfigs(5)).hasSize(5);
    assertThat(TileSpace.divisors(12)).containsExactly(1, 2, 3, 4, 6, 12);
  }

  @Test
  void resolveFillsTheEmptySideFromTheDefault() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    TileConfig r = s.resolve(TileConfig.parse("/16,8"));
    assertThat(r.outputBounds()).containsExactly(16, 8);
    assertThat(r.kernelBound(1)).isEqualTo(8);
    assertThat(r.kernelBound(0)).isEqualTo(s.defaultConfig().kernelBound(0));
    assertThat(s.resolve(TileConfig.EMPTY)).isEqualTo(s.defaultConfig());
  }

  @Test
  void broadcastOperandsFollowTheirMappedDimensions() {
    ComputationBuilder b = ComputationBuilder.create("fused", 1, ids);
    Instruction p0 = b.parameter(Shape.parse("f32[1024,1024]"));
    Instruction p1 = b.parameter(Shape.parse("f32[1024]"));
    Instruction bc = b.op(Opcode.BROADCAST, Shape.parse("f32[1024,1024]"), i -> i.dimensions(1), p1);
    b.op(Opcode.ADD, Shape.parse("f32[1024,1024]"), p0, bc);
    Kernel k = Kernel.of("f", FusionKind.LOOP, b.buildFused(), Map.of(), "t");
    TileFootprint fp = TileSpace.of(k, ChipSpec.V4).footprint(TileConfig.parse("/8,2"));
    assertThat(fp.outputTiles()).isEqualTo(16 * 4);
    assertThat(fp.parameterBytes()).containsExactly(64 * 256 * 4, 256 * 4);
  }

  @Test
  void largeReductionsAreSplitIntoSteps() {
    ComputationBuilder add = ComputationBuilder.create("add", 10, ids);
    Instruction a = add.parameter(Shape.parse("f32[]"));
    Instruction c = add.parameter(Shape.parse("f32[]"));
    add.op(Opcode.ADD, Shape.parse("f32[]"), a, c);
    ComputationBuilder b = ComputationBuilder.create("fused", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[64,1000000]"));
    Instruction zero = b.op(Opcode.CONSTANT, Shape.parse("f32[]"));
    b.op(Opcode.REDUCE, Shape.parse("f32[64]"), i -> i.dimensions(1).calledComputations(10), x, zero);
    Kernel k = Kernel.of("r", FusionKind.INPUT, b.buildFused(), Map.of(10L, add.build()), "t");
    TileSpace s = TileSpace.of(k, ChipSpec.V4);
    TileFootprint fp = s.footprint(s.defaultConfig());
    // 1e6 halves to 3907 columns so that 64 x 3907 <= 2^18 elements: ceil(1e6 / 3907) = 256 steps.
    assertThat(fp.reductionSteps()).isEqualTo(256);
    assertThat(fp.nodeExtent(0)).containsExactly(64, 3907);
    assertThat(s.check(s.defaultConfig())).isEmpty();
  }

  @Test
  void convolutionInputBlocksIncludeTheHalo() {
    ComputationBuilder b = ComputationBuilder.create("conv", 1, ids);
    Instruction in = b.parameter(Shape.parse("f32[1,32,32,64]"));
    Instruction w = b.parameter(Shape.parse("f32[3,3,64,128]"));
    WindowDimension wd = WindowDimension.of(3, 1, 1, 1);
    b.op(Opcode.CONVOLUTION, Shape.parse("f32[1,32,32,128]"),
        i -> i.window(Window.of(wd, wd)).convolutionDimensions(ConvolutionDimensionNumbers.nhwc(2)), in, w);
    Computation c = b.build();
    Kernel k = Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
    TileSpace s = TileSpace.of(k, ChipSpec.V4);
    assertThat(s.outputUnits()).containsExactly(1, 32, 4, 1);
    assertThat(s.kernelUnits()).containsExactly(3, 3, 8, 1);
    assertThat(s.kernelReductionDims()).containsExactly(true, true, true, false);
    TileFootprint fp = s.footprint(TileConfig.parse("3,3,8,1/1,8,4,1"));
    // 8 output rows need 8 - 1 + 3 = 10 input rows; 32 columns need 34, clamped to 32.
    assertThat(fp.nodeExtent(0)).containsExactly(1, 10, 32, 64);
    assertThat(fp.reductionSteps()).isEqualTo(1);
    TileFootprint oneTap = s.footprint(TileConfig.parse("1,3,8,1/1,8,4,1"));
    assertThat(oneTap.reductionSteps()).isEqualTo(3);
    assertThat(oneTap.nodeExtent(0)).containsExactly(1, 8, 32, 64);
  }

  @Test
  void absurdDimensionsAreRefusedUpFrontNotSearched() {
    Kernel huge = matmul("bf16[1099511627776,512]", "bf16[512,2048]", "bf16[1099511627776,2048]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TileSpace.of(huge, ChipSpec.V4))
        .isInstanceOf(dev.tpucost.api.hlo.HloValidationException.class)
        .hasMessageContaining("beyond what tpucost tiles");
    assertThat(TileSpace.divisors(TileSpace.MAX_UNITS)).hasSize(33); // 2^32: fast, and exact
  }
}
