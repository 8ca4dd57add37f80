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

  /** A scalar f32 add computation with id 10, the reducer of the reduction tests. */
  private Computation adder() {
    ComputationBuilder add = ComputationBuilder.create("add", 10, ids);
    Instruction a = add.parameter(Shape.parse("f32[]"));
    Instruction c = add.parameter(Shape.parse("f32[]"));
    add.op(Opcode.ADD, Shape.parse("f32[]"), a, c);
    return add.build();
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
  void refusesOnlyImpossibleBoundsNamingTheField() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    assertThat(s.check(TileConfig.parse("8,4/16")).orElseThrow())
        .contains("output_bounds has 1 entries but the output bf16[1024,2048] has 2 physical dimensions");
    assertThat(s.check(TileConfig.parse("8,4/200,4")).orElseThrow())
        .contains("output_bounds[0]=200 is beyond the dimension's 128 units (1024 elements in units of 8)");
    assertThat(s.check(TileConfig.parse("65,4/16,4")).orElseThrow()).contains("kernel_bounds[0]=65 is beyond");
    assertThat(s.check(TileConfig.parse("8/16,4")).orElseThrow()).contains("kernel_bounds has 1 entries but the weight");
    assertThatThrownBy(() -> s.validate(TileConfig.parse("8,4/16")))
        .isInstanceOf(InvalidTileException.class)
        .hasMessageContaining("kernel 'dot.");
    // Possible: ragged bounds (3 of 128 units, 5 of 64), a streamed weight (2 where the output implies 4),
    // input and iteration bounds as a compiler states them, and the empty configuration.
    assertThat(s.check(TileConfig.parse("8,4/3,4"))).isEmpty();
    assertThat(s.check(TileConfig.parse("5,4/16,4"))).isEmpty();
    assertThat(s.check(TileConfig.parse("8,2/16,4"))).isEmpty();
    assertThat(s.check(TileConfig.parse("8,4/16,4/1/2,3"))).isEmpty();
    assertThat(s.check(TileConfig.EMPTY)).isEmpty();
    assertThat(s.footprint(TileConfig.EMPTY).steps()).isEqualTo(s.footprint(s.defaultConfig()).steps());
  }

  @Test
  void raggedBlocksComputeWholeButMoveWhatExists() {
    // f32[192,128]: 24 row units. A bound of 16 makes 2 steps, the second 8 units (64 rows) of 16.
    ComputationBuilder b = ComputationBuilder.create("fused", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[192,128]"));
    Instruction y = b.parameter(Shape.parse("f32[192,128]"));
    b.op(Opcode.ADD, Shape.parse("f32[192,128]"), x, y);
    Kernel k = Kernel.of("f", FusionKind.LOOP, b.buildFused(), Map.of(), "t");
    TileSpace s = TileSpace.of(k, ChipSpec.V4);
    assertThat(s.outputUnits()).containsExactly(24, 1);
    TileFootprint fp = s.footprint(TileConfig.parse("/16,1"));
    assertThat(fp.steps()).isEqualTo(2);
    // Each step computes (and buffers) a whole 128x128 block ...
    assertThat(fp.nodeExtent(2)).containsExactly(128, 128);
    assertThat(fp.parameterBytes()).containsExactly(128 * 128 * 4, 128 * 128 * 4);
    assertThat(fp.workingSetBytes()).isEqualTo(2L * 3 * 128 * 128 * 4);
    // ... but moves only the 192 rows that exist: 2 loads x 64 KiB x 192 / (2 x 128).
    assertThat(fp.parameterLoads()).containsExactly(2, 2);
    assertThat(fp.parameterTransferBytes()).containsExactly(192 * 128 * 4, 192 * 128 * 4);
    assertThat(fp.outputTransferBytes()).isEqualTo(192 * 128 * 4);
  }

  @Test
  void outputBoundsOfARootReduceTileItsIterationSpace() {
    Computation add = adder();
    ComputationBuilder b = ComputationBuilder.create("fused", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[64,1000000]"));
    Instruction zero = b.op(Opcode.CONSTANT, Shape.parse("f32[]"));
    b.op(Opcode.REDUCE, Shape.parse("f32[64]"), i -> i.dimensions(1).calledComputations(10), x, zero);
    Kernel k = Kernel.of("r", FusionKind.INPUT, b.buildFused(), Map.of(10L, add), "t");
    TileSpace s = TileSpace.of(k, ChipSpec.V4);
    // The space is the reduced operand f32[64,1000000]: 8 row units, ceil(1e6 / 128) = 7813 lane units;
    // its minor dimension is reduced.
    assertThat(s.outputShape().dims()).containsExactly(64, 1000000);
    assertThat(s.outputUnits()).containsExactly(8, 7813);
    assertThat(s.geometry().spaceReduced()).containsExactly(false, true);
    assertThat(s.check(TileConfig.parse("/4")).orElseThrow()).contains("the iteration space f32[64,1000000]");
    TileFootprint fp = s.footprint(TileConfig.parse("/4,100"));
    // 2 output blocks of 32 rows; 79 reduction steps of 12800 columns each (the last one 1600 columns).
    assertThat(fp.outputTiles()).isEqualTo(2);
    assertThat(fp.reductionSteps()).isEqualTo(79);
    assertThat(fp.nodeExtent(0)).containsExactly(32, 12800);
    assertThat(fp.nodeExtent(2)).containsExactly(32);
    assertThat(fp.parameterBytes()).containsExactly(32 * 12800 * 4);
    assertThat(fp.parameterLoads()).containsExactly(2 * 79);
    // The input moves once, 64 x 1e6 x 4 bytes, although 79 blocks of 12800 cover 1,011,200 columns.
    assertThat(fp.parameterTransferBytes()[0]).isCloseTo(256e6, org.assertj.core.data.Offset.offset(1.0));
    // Output f32[64]: a 32-element block (one 128-lane row, 512 B), written once (512 B for the array).
    assertThat(fp.outputBytes()).isEqualTo(512);
    assertThat(fp.outputTransferBytes()).isEqualTo(512);
    assertThat(fp.accumulatorBytes()).isEqualTo(512);
    assertThat(fp.workingSetBytes()).isEqualTo(2L * (32 * 12800 * 4 + 512) + 512);
  }

  @Test
  void anOperandAlreadyInVmemMovesNothing() {
    ComputationBuilder b = ComputationBuilder.create("fused", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[64,256]{1,0:T(8,128)S(1)}"));
    Instruction y = b.parameter(Shape.parse("f32[64,256]{1,0:T(8,128)}"));
    b.op(Opcode.MULTIPLY, Shape.parse("f32[64,256]{1,0:T(8,128)}"), x, y);
    Kernel k = Kernel.of("f", FusionKind.LOOP, b.buildFused(), Map.of(), "t");
    TileFootprint fp = TileSpace.of(k, ChipSpec.V4).footprint(TileConfig.parse("/4,1"));
    // Blocks of 32 x 128 f32 = 16 KiB; 4 steps.
    assertThat(fp.steps()).isEqualTo(4);
    assertThat(fp.parameterOnChip()).containsExactly(true, false);
    assertThat(fp.parameterTransferBytes()).containsExactly(0, 64 * 256 * 4);
    // Only y's block and the output block are staged, double-buffered; x needs no staging buffer.
    assertThat(fp.workingSetBytes()).isEqualTo(2L * (16384 + 16384));
  }

  @Test
  void aWeightBoundBelowTheOutputTileStreamsTheWeight() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    TileFootprint whole = s.footprint(TileConfig.parse("64,4/16,4"));
    TileFootprint streamed = s.footprint(TileConfig.parse("64,2/16,4"));
    // The 512-column output tile is computed in two 256-column weight blocks.
    assertThat(whole.steps()).isEqualTo(32);
    assertThat(streamed.outputTiles()).isEqualTo(32);
    assertThat(streamed.reductionSteps()).isEqualTo(2);
    assertThat(streamed.parameterBytes(1)).isEqualTo(512 * 256 * 2);
    assertThat(whole.parameterBytes(1)).isEqualTo(512 * 512 * 2);
    // The weight still moves each block once per M tile: the same bytes as without streaming.
    assertThat(streamed.parameterTransferBytes(1)).isEqualTo(whole.parameterTransferBytes(1));
  }

  @Test
  void workingSetsBeyondVmemAreWarningsNotRefusals() {
    TileSpace s = TileSpace.of(matmul("f32[8192,8192]", "f32[8192,8192]", "f32[8192,8192]"), ChipSpec.V4);
    TileConfig whole = TileConfig.of(s.kernelUnits(), s.outputUnits());
    assertThat(s.check(whole)).isEmpty();
    assertThat(s.warnings(whole)).singleElement().asString()
        .contains("exceeds the 16.0 MiB of VMEM of chip v4").contains("costed as spilling");
    assertThat(s.warnings(s.defaultConfig())).isEmpty();
  }

  @Test
  void anUnfusedReshapeHasOnlyTheEmptyConfiguration() {
    ComputationBuilder b = ComputationBuilder.create("r", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[4816896]"));
    b.op(Opcode.RESHAPE, Shape.parse("f32[224,224,96]"), x);
    Computation c = b.build();
    Kernel k = Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
    TileSpace s = TileSpace.of(k, ChipSpec.V3);
    assertThat(s.tileable()).isFalse();
    assertThat(s.defaultConfig()).isEqualTo(TileConfig.EMPTY);
    assertThat(s.check(TileConfig.EMPTY)).isEmpty();
    assertThat(s.check(TileConfig.parse("/1,1,1")).orElseThrow()).contains("its only configuration is the empty one, /");
    assertThat(s.validConfigs(10)).containsExactly(TileConfig.EMPTY);
    assertThat(s.footprint(TileConfig.EMPTY).steps()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void defaultIsPossibleAndFitsVmem() {
    for (ChipSpec chip : ChipSpec.presets().values()) {
      TileSpace s = TileSpace.of(matmul("bf16[4096,4096]", "bf16[4096,4096]", "bf16[4096,4096]"), chip);
      TileConfig d = s.defaultConfig();
      assertThat(s.check(d)).as(chip.name()).isEmpty();
      assertThat(s.footprint(d).workingSetBytes()).as(chip.name()).isLessThanOrEqualTo(chip.vmemBytes());
      assertThat(s.footprint(d).steps()).isGreaterThan(1);
    }
    // A small matmul takes whole K and N and at most two M tiles.
    TileSpace small = TileSpace.of(matmul("bf16[128,128]", "bf16[128,128]", "bf16[128,128]"), ChipSpec.V4);
    assertThat(small.defaultConfig().kernelBounds()).containsExactly(16, 1);
    assertThat(small.footprint(small.defaultConfig()).steps()).isLessThanOrEqualTo(2);
  }

  @Test
  void enumeratesDistinctConfigsOverTheCandidates() {
    TileSpace s = TileSpace.of(matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]"), ChipSpec.V4);
    // Candidates: powers of two, the whole dimension, its half and third (rounded up), and divisors.
    assertThat(TileSpace.candidates(16)).containsExactly(1, 2, 4, 6, 8, 16);
    assertThat(TileSpace.candidates(24)).containsExactly(1, 2, 3, 4, 6, 8, 12, 16, 24);
    assertThat(TileSpace.candidates(128)).containsExactly(1, 2, 4, 8, 16, 32, 43, 64, 128);
    assertThat(s.boundsSpaceSize()).isEqualTo(9L * 6 * TileSpace.candidates(64).length);
    List<TileConfig> all = s.validConfigs(10_000);
    assertThat(all).isNotEmpty();
    assertThat(new HashSet<>(all)).hasSameSizeAs(all);
    assertThat(all).allSatisfy(c -> {
      assertThat(s.check(c)).isEmpty();
      assertThat(s.footprint(c).fitsIn(ChipSpec.V4.vmemBytes())).isTrue();
    });
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
  void largeInnerReductionsAreSplitIntoChunks() {
    // A reduce that the space does not tile (its output is consumed by an elementwise root of the same size
    // as the reduce's output) keeps its input block under 2^18 elements by chunking.
    Computation add = adder();
    ComputationBuilder b = ComputationBuilder.create("fused", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[64,1000000]"));
    Instruction zero = b.op(Opcode.CONSTANT, Shape.parse("f32[]"));
    Instruction r = b.op(Opcode.REDUCE, Shape.parse("f32[64]"), i -> i.dimensions(1).calledComputations(10), x, zero);
    b.op(Opcode.EXP, Shape.parse("f32[64]"), r);
    Kernel k = Kernel.of("r", FusionKind.INPUT, b.buildFused(), Map.of(10L, add), "t");
    TileSpace s = TileSpace.of(k, ChipSpec.V4);
    assertThat(s.outputUnits()).containsExactly(1);
    TileFootprint fp = s.footprint(TileConfig.parse("/1"));
    // 1e6 halves to 3907 columns so that 64 x 3907 <= 2^18 elements: ceil(1e6 / 3907) = 256 chunks.
    assertThat(fp.reductionSteps()).isEqualTo(256);
    assertThat(fp.nodeExtent(0)).containsExactly(64, 3907);
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
