package dev.tpucost.api.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** KernelStats against numbers computed by hand from HloCostAnalysis's rules. */
class KernelStatsTest {
  private final AtomicLong ids = new AtomicLong(1);

  private Kernel single(Computation c) {
    HloModule m = HloModule.of("m", c);
    return Kernel.ofInstruction(m, c, c.root(), c.name());
  }

  @Test
  void dotCountsTwoFlopsPerMultiplyAdd() {
    ComputationBuilder b = ComputationBuilder.create("dot", 1, ids);
    Instruction x = b.parameter(Shape.parse("bf16[128,256]"));
    Instruction w = b.parameter(Shape.parse("bf16[256,512]"));
    b.op(Opcode.DOT, Shape.parse("f32[128,512]"), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    KernelStats s = single(b.build()).stats();
    assertThat(s.flops()).isEqualTo(2.0 * 128 * 512 * 256); // 2 |out| K
    assertThat(s.transcendentals()).isZero();
    assertThat(s.bytesRead()).isEqualTo(128 * 256 * 2 + 256 * 512 * 2);
    assertThat(s.bytesWritten()).isEqualTo(128 * 512 * 4);
  }

  @Test
  void batchedDotContractsOnlyTheContractingDims() {
    ComputationBuilder b = ComputationBuilder.create("bdot", 1, ids);
    Instruction q = b.parameter(Shape.parse("bf16[12,128,64]"));
    Instruction k = b.parameter(Shape.parse("bf16[12,128,64]"));
    b.op(Opcode.DOT, Shape.parse("f32[12,128,128]"),
        i -> i.dotDimensions(new DotDimensionNumbers(List.of(2L), List.of(2L), List.of(0L), List.of(0L))), q, k);
    assertThat(single(b.build()).stats().flops()).isEqualTo(2.0 * 12 * 128 * 128 * 64);
  }

  @Test
  void paddedStridedConvolutionCountsOnlyTapsOnRealInput() {
    // Input 5x5, 3x3 kernel, stride 2, padding 1 on each side -> 3x3 output. Per spatial dim, taps
    // landing on real input: tap 0 -> outputs 1,2; tap 1 -> 0,1,2; tap 2 -> 0,1: 7 of 9.
    ComputationBuilder b = ComputationBuilder.create("conv", 1, ids);
    Instruction in = b.parameter(Shape.parse("f32[1,5,5,1]"));
    Instruction k = b.parameter(Shape.parse("f32[3,3,1,1]"));
    WindowDimension wd = WindowDimension.of(3, 2, 1, 1);
    b.op(Opcode.CONVOLUTION, Shape.parse("f32[1,3,3,1]"),
        i -> i.window(Window.of(wd, wd)).convolutionDimensions(ConvolutionDimensionNumbers.nhwc(2)), in, k);
    KernelStats s = single(b.build()).stats();
    assertThat(s.flops()).isEqualTo(2.0 * 7 * 7);
    assertThat(s.bytesRead()).isEqualTo(25 * 4 + 9 * 4);
    assertThat(s.bytesWritten()).isEqualTo(9 * 4);
  }

  @Test
  void convolutionWithChannelsAndBaseDilation() {
    // 1-D: input 3 dilated by 2 (transposed conv), kernel 3, padding 1_1 -> 5 outputs. Valid pairs
    // (output o, tap k) need o+k-1 even and in range: 7 of 15. Cin 4, Cout 8, batch 2.
    ComputationBuilder b = ComputationBuilder.create("tconv", 1, ids);
    Instruction in = b.parameter(Shape.parse("f32[2,3,4]"));
    Instruction k = b.parameter(Shape.parse("f32[3,4,8]"));
    WindowDimension wd = new WindowDimension(3, 1, 1, 1, 1, 2, false);
    b.op(Opcode.CONVOLUTION, Shape.parse("f32[2,5,8]"),
        i -> i.window(Window.of(wd)).convolutionDimensions(ConvolutionDimensionNumbers.nhwc(1)), in, k);
    assertThat(single(b.build()).stats().flops()).isEqualTo(2.0 * 4 * 8 * 2 * 7);
  }

  @Test
  void depthwiseConvolutionDividesInputFeaturesByGroups() {
    ComputationBuilder b = ComputationBuilder.create("dw", 1, ids);
    Instruction in = b.parameter(Shape.parse("f32[1,8,8,32]"));
    Instruction k = b.parameter(Shape.parse("f32[3,3,1,32]"));
    WindowDimension wd = WindowDimension.of(3, 1, 1, 1);
    b.op(Opcode.CONVOLUTION, Shape.parse("f32[1,8,8,32]"),
        i -> i.window(Window.of(wd, wd)).convolutionDimensions(ConvolutionDimensionNumbers.nhwc(2)).featureGroupCount(32),
        in, k);
    // Per dim: 8 outputs x 3 taps minus the 2 that fall in padding = 22.
    assertThat(single(b.build()).stats().flops()).isEqualTo(2.0 * 1 * 32 * 1 * 22 * 22);
  }

  @Test
  void reduceCostsTheReducerPerCombinedElement() {
    ComputationBuilder add = ComputationBuilder.create("add", 10, ids);
    Instruction a = add.parameter(Shape.parse("f32[]"));
    Instruction c = add.parameter(Shape.parse("f32[]"));
    add.op(Opcode.ADD, Shape.parse("f32[]"), a, c);
    Computation adder = add.build();
    ComputationBuilder b = ComputationBuilder.create("reduce", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[64,1000]"));
    Instruction zero = b.op(Opcode.CONSTANT, Shape.parse("f32[]"));
    b.op(Opcode.REDUCE, Shape.parse("f32[64]"), i -> i.dimensions(1).calledComputations(10), x, zero);
    Computation body = b.build();
    HloModule m = HloModule.of("m", 0, List.of(adder, body), 1);
    KernelStats s = Kernel.ofInstruction(m, body, body.root(), "m").stats();
    assertThat(s.flops()).isEqualTo(64 * 1000 - 64); // cost(add) * (|in| - |out|)
    assertThat(s.bytesRead()).isEqualTo(64 * 1000 * 4 + 4);
    assertThat(s.bytesWritten()).isEqualTo(64 * 4);
  }

  @Test
  void fusionCountsOnlyExternalReadsAndWrites() {
    ComputationBuilder b = ComputationBuilder.create("fused", 2, ids);
    Instruction p0 = b.parameter(Shape.parse("f32[1024,1024]"));
    Instruction p1 = b.parameter(Shape.parse("f32[1024]"));
    Instruction bc = b.op(Opcode.BROADCAST, Shape.parse("f32[1024,1024]"), i -> i.dimensions(1), p1);
    Instruction sum = b.op(Opcode.ADD, Shape.parse("f32[1024,1024]"), p0, bc);
    Instruction e = b.op(Opcode.EXP, Shape.parse("f32[1024,1024]"), sum);
    b.op(Opcode.MULTIPLY, Shape.parse("f32[1024,1024]"), e, p0);
    Kernel k = Kernel.of("fusion", FusionKind.LOOP, b.buildFused(), Map.of(), "test");
    KernelStats s = k.stats();
    assertThat(s.flops()).isEqualTo(2.0 * 1024 * 1024); // add + multiply
    assertThat(s.transcendentals()).isEqualTo(1024 * 1024); // exponential
    // p0 has two elementwise users that share one read; p1 is read once through its broadcast.
    assertThat(s.bytesRead()).isEqualTo(1024 * 1024 * 4 + 1024 * 4);
    assertThat(s.bytesWritten()).isEqualTo(1024 * 1024 * 4);
    // Per node: parameters and the broadcast cost nothing; add and multiply one flop per element.
    assertThat(k.nodeFlops(0)).isZero();
    assertThat(k.nodeFlops(2)).isZero();
    assertThat(k.nodeFlops(3)).isEqualTo(1024 * 1024);
    assertThat(k.nodeTranscendentals(4)).isEqualTo(1024 * 1024);
    assertThat(k.nodeFlops(5)).isEqualTo(1024 * 1024);
  }

  @Test
  void fusionSlicesAndInPlaceUpdatesReadOnlyWhatTheyTouch() {
    ComputationBuilder b = ComputationBuilder.create("fused", 2, ids);
    Instruction big = b.parameter(Shape.parse("f32[100,100]"));
    Instruction buffer = b.parameter(Shape.parse("f32[100,100]"));
    Instruction i0 = b.parameter(Shape.parse("s32[]"));
    Instruction i1 = b.parameter(Shape.parse("s32[]"));
    Instruction rows = b.op(Opcode.SLICE, Shape.parse("f32[10,100]"),
        i -> i.slice(List.of(new SliceDimension(0, 10, 1), new SliceDimension(0, 100, 1))), big);
    Instruction neg = b.op(Opcode.NEGATE, Shape.parse("f32[10,100]"), rows);
    b.op(Opcode.DYNAMIC_UPDATE_SLICE, Shape.parse("f32[100,100]"), buffer, neg, i0, i1);
    KernelStats s = Kernel.of("dus", FusionKind.LOOP, b.buildFused(), Map.of(), "test").stats();
    // slice reads its 10x100 output; the in-place buffer reads only the update; two s32 indices.
    assertThat(s.bytesRead()).isEqualTo(4000 + 4000 + 4 + 4);
    assertThat(s.bytesWritten()).isEqualTo(4000); // a dynamic-update-slice root writes its update
    assertThat(s.flops()).isEqualTo(1000);
  }

  @Test
  void standaloneDataMovementAndUnknownOps() {
    ComputationBuilder b = ComputationBuilder.create("slice", 1, ids);
    Instruction x = b.parameter(Shape.parse("f32[100,100]"));
    b.op(Opcode.SLICE, Shape.parse("f32[10,100]"),
        i -> i.slice(List.of(new SliceDimension(0, 10, 1), new SliceDimension(0, 100, 1))), x);
    KernelStats s = single(b.build()).stats();
    assertThat(s.bytesAccessed()).isEqualTo(2 * 4000); // slice: 2 B(out)
    ComputationBuilder cc = ComputationBuilder.create("cc", 1, ids);
    Instruction y = cc.parameter(Shape.parse("f32[8]"));
    cc.op(Opcode.CUSTOM_CALL, Shape.parse("f32[8]"), i -> i.customCallTarget("foo"), y);
    KernelStats u = single(cc.build()).stats();
    assertThat(u.unknownCostOps()).isEqualTo(1);
    assertThat(u.flops()).isZero();
  }

  @Test
  void validPositionsMatchesTheDirectCountAndStaysFastOnHugeDimensions() {
    java.util.Random r = new java.util.Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      long in = 1 + r.nextInt(12);
      long k = 1 + r.nextInt(5);
      WindowDimension w = new WindowDimension(k, 1 + r.nextInt(3), r.nextInt(4) - 1, r.nextInt(4) - 1,
          1 + r.nextInt(3), 1 + r.nextInt(3), false);
      long out = 1 + r.nextInt(14);
      long direct = 0;
      for (long t = 0; t < k; t++) {
        for (long o = 0; o < out; o++) {
          long u = o * w.stride() - w.paddingLow() + t * w.windowDilation();
          if (u % w.baseDilation() == 0 && u / w.baseDilation() >= 0 && u / w.baseDilation() < in) {
            direct++;
          }
        }
      }
      assertThat(CostAnalysis.validPositions(in, out, k, w)).as("trial %d %s in=%d out=%d", trial, w, in, out)
          .isEqualTo(direct);
    }
    // A dimension of 10^12 outputs is counted without looping over it.
    assertThat(CostAnalysis.validPositions(1_000_000_000_000L, 1_000_000_000_000L, 3, WindowDimension.of(3, 1, 1, 1)))
        .isEqualTo(3_000_000_000_000L - 2);
  }
}
