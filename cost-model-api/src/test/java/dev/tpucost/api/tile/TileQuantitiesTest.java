package dev.tpucost.api.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TileQuantitiesTest {
  static Kernel matmul(String lhs, String rhs, String out) {
    ComputationBuilder b = ComputationBuilder.create("mm", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse(lhs));
    Instruction w = b.parameter(Shape.parse(rhs));
    b.op(Opcode.DOT, Shape.parse(out), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    Computation c = b.build();
    return Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
  }

  private static TileQuantities of(Kernel k, String tile, ChipSpec chip) {
    return TileQuantities.of(TileSpace.of(k, chip).profile(), TileConfig.parse(tile), chip);
  }

  @Test
  void matmulQuantitiesByHand() {
    // bf16 [1024,512] x [512,2048] on v5e (1 core, 4 MXUs of 128x128). Tile: M 128 (16 units of 8 rows),
    // N 512 (4 lane units), K 64 (8 units): 8 x 4 output tiles, 8 K steps.
    Kernel k = matmul("bf16[1024,512]", "bf16[512,2048]", "bf16[1024,2048]");
    ChipSpec chip = ChipSpec.V5E;
    TileQuantities q = of(k, "8,4/16,4", chip);
    assertThat(q.steps()).isEqualTo(8 * 4 * 8);
    // Per step: K 64 -> 1 pass of the 128-row array, N 512 -> 4 passes; 4 passes over 4 MXUs -> 1 each.
    assertThat(q.mxuPasses()).isEqualTo(256);
    assertThat(q.mxuRows()).isEqualTo(256 * 128);
    // LHS [1024,512] bf16 is re-read once per N tile (4x); RHS [512,2048] once per M tile (8x); output once.
    double lhs = 1024 * 512 * 2;
    double rhs = 512 * 2048 * 2;
    double out = 1024 * 2048 * 2;
    assertThat(q.memoryCycles() * chip.hbmBytesPerCycle()).isCloseTo(4 * lhs + 8 * rhs + out, within(1.0));
    // DMA transfers: LHS blocks change every step (K innermost), RHS too, plus one output block per tile.
    assertThat(q.dmaTransfers()).isEqualTo(256 + 256 + 32);
    // Whole K: the LHS row block stays put across the N loop.
    assertThat(of(k, "64,4/16,4", chip).dmaTransfers()).isEqualTo(8 + 32 + 32);
    assertThat(q.spill()).isEqualTo(1);
  }

  @Test
  void onAMegacoreTheBusiestCoreCarriesItsShareOfTheOutputTiles() {
    // exp(x + x) over f32[1024,2048] on v4 (a megacore of 2 cores): output units of 8 rows (128) and 128 lanes (16).
    ComputationBuilder b = ComputationBuilder.create("f", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("f32[1024,2048]"));
    Instruction sum = b.op(Opcode.ADD, Shape.parse("f32[1024,2048]"), x, x);
    b.op(Opcode.EXP, Shape.parse("f32[1024,2048]"), sum);
    Kernel k = Kernel.of("exp", FusionKind.LOOP, b.buildFused(), Map.of(), "t");
    ChipSpec v4 = ChipSpec.V4;
    TileProfile p = TileSpace.of(k, v4).profile();
    // One output tile: one core computes and moves all of it while the other idles.
    TileConfig one = TileConfig.parse("/128,16");
    TileQuantities even = TileQuantities.of(p, one, v4, TileQuantities.CoreSplit.EVEN);
    TileQuantities busiest = TileQuantities.of(p, one, v4, TileQuantities.CoreSplit.BUSIEST_CORE);
    assertThat(even).isEqualTo(TileQuantities.of(p, one, v4)); // the default: the learned models' features
    assertThat(busiest.steps()).isEqualTo(even.steps()).isEqualTo(1); // steps were always the busiest core's
    assertThat(even.vpuOps()).isPositive();
    assertThat(even.eupOps()).isPositive();
    assertThat(busiest.vpuOps()).isCloseTo(2 * even.vpuOps(), within(1e-9 * even.vpuOps()));
    assertThat(busiest.eupOps()).isCloseTo(2 * even.eupOps(), within(1e-9 * even.eupOps()));
    // Memory stays pooled (CoreSplit's note says why).
    assertThat(busiest.memoryCycles()).isEqualTo(even.memoryCycles());
    assertThat(busiest.dmaTransfers()).isEqualTo(even.dmaTransfers());
    // Three output tiles (384 + 384 + 256 rows): the busiest core takes two of three.
    TileConfig three = TileConfig.parse("/48,16");
    TileQuantities e3 = TileQuantities.of(p, three, v4, TileQuantities.CoreSplit.EVEN);
    TileQuantities b3 = TileQuantities.of(p, three, v4, TileQuantities.CoreSplit.BUSIEST_CORE);
    assertThat(b3.vpuOps() / e3.vpuOps()).isCloseTo(2.0 / 3 * 2, within(1e-9));
    assertThat(b3.eupOps() / e3.eupOps()).isCloseTo(2.0 / 3 * 2, within(1e-9));
    // Eight tiles divide evenly: the same quantities either way.
    TileConfig eight = TileConfig.parse("/16,16");
    assertThat(TileQuantities.of(p, eight, v4, TileQuantities.CoreSplit.BUSIEST_CORE))
        .isEqualTo(TileQuantities.of(p, eight, v4, TileQuantities.CoreSplit.EVEN));
    // A chip that is not a megacore: the same quantities either way.
    TileProfile p3 = TileSpace.of(k, ChipSpec.V3).profile();
    assertThat(TileQuantities.of(p3, one, ChipSpec.V3, TileQuantities.CoreSplit.BUSIEST_CORE))
        .isEqualTo(TileQuantities.of(p3, one, ChipSpec.V3, TileQuantities.CoreSplit.EVEN));
  }

  @Test
  void raggedTilesComputeWholeBlocksAndMoveTheBytesThatExist() {
    // M 1000 in blocks of 16 units (128 rows): 8 blocks, the last 104 rows; computed whole, moved once.
    Kernel k = matmul("bf16[1000,512]", "bf16[512,256]", "bf16[1000,256]");
    ChipSpec chip = ChipSpec.V5E;
    TileQuantities q = of(k, "64,2/16,2", chip);
    assertThat(q.steps()).isEqualTo(8);
    assertThat(q.mxuRows()).isEqualTo(8 * 4 * 2 / 4 * 128); // 8 steps x (4 K passes x 2 N passes) / 4 MXUs x 128 rows
    double lhs = NativeTiling.paddedBytes(Shape.parse("bf16[1000,512]"));
    double rhs = 512 * 256 * 2;
    double out = NativeTiling.paddedBytes(Shape.parse("bf16[1000,256]"));
    assertThat(q.memoryCycles() * chip.hbmBytesPerCycle()).isCloseTo(lhs + rhs + out, within(1.0));
    // 1024 / 1000 rows computed: 2.4% padding.
    assertThat(TileQuantities.computePadding(TileSpace.of(k, chip).profile(), TileConfig.parse("64,2/16,2")))
        .isCloseTo(1024 / 1000.0 - 1, within(1e-9));
    assertThat(q.computePadding()).isCloseTo(1024 / 1000.0 - 1, within(1e-9)); // kept with the quantities too
  }

  @Test
  void elementwiseTranscendentalsAndReductionsGoToTheirUnits() {
    ComputationBuilder add = ComputationBuilder.create("add", 10, new AtomicLong(100));
    Instruction a = add.parameter(Shape.parse("f32[]"));
    Instruction c = add.parameter(Shape.parse("f32[]"));
    add.op(Opcode.ADD, Shape.parse("f32[]"), a, c);
    ComputationBuilder b = ComputationBuilder.create("f", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("f32[256,1024]"));
    Instruction e = b.op(Opcode.EXP, Shape.parse("f32[256,1024]"), x);
    Instruction zero = b.op(Opcode.CONSTANT, Shape.parse("f32[]"));
    b.op(Opcode.REDUCE, Shape.parse("f32[256]"), i -> i.dimensions(1).calledComputations(10), e, zero);
    Kernel k = Kernel.of("softmax_denominator", FusionKind.INPUT, b.buildFused(), Map.of(10L, add.build()), "t");
    TileProfile p = TileSpace.of(k, ChipSpec.V5E).profile();
    assertThat(p.transcendentals).isEqualTo(256 * 1024);
    assertThat(p.vpuOps).isEqualTo(256 * 1024 - 256); // the reduce's adds
    assertThat(p.xluElements).isEqualTo(256 * 1024); // reduced over the lane dimension
    // The space is the reduced operand [256,1024] = [32, 8] units; the whole of it in one step.
    TileQuantities q = TileQuantities.of(p, TileConfig.parse("/32,8"), ChipSpec.V5E);
    assertThat(q.eupOps()).isEqualTo(256 * 1024 / 1024.0);
    assertThat(q.mxuPasses()).isZero();
    assertThat(q.steps()).isEqualTo(1);
    // Splitting the reduced (minor) dimension makes reduction steps, not more output blocks.
    assertThat(TileQuantities.of(p, TileConfig.parse("/32,2"), ChipSpec.V5E).steps()).isEqualTo(4);
  }

  @Test
  void aWorkingSetBeyondVmemSpills() {
    Kernel big = matmul("f32[8192,8192]", "f32[8192,8192]", "f32[8192,8192]");
    TileQuantities q = of(big, "1024,64/1024,64", ChipSpec.V4);
    assertThat(q.workingSetBytes()).isGreaterThan(ChipSpec.V4.vmemBytes());
    assertThat(q.spill()).isEqualTo(q.workingSetBytes() / ChipSpec.V4.vmemBytes());
  }
}
