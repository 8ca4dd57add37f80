package dev.tpucost.api.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tpucost.api.chip.ChipFileException;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Coverage-guided fuzzing of the tile notation and chip files. Contract: a value, or the documented
 * exception ({@link InvalidTileException}, {@link ChipFileException}) with a message; nothing else, and
 * within a second. A parsed tile is then checked against a real kernel's tile space, which must answer
 * with a reason or a footprint, never an exception. Regression inputs live in
 * {@code src/test/resources/dev/tpucost/api/fuzz/ApiReadersFuzzTestInputs/}; see {@code fuzz/run}.
 */
class ApiReadersFuzzTest {
  private static final TileSpace SPACE = TileSpace.of(matmul(), ChipSpec.V4);

  private static Kernel matmul() {
    ComputationBuilder b = ComputationBuilder.create("fused", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse("bf16[1024,512]{1,0}"));
    Instruction w = b.parameter(Shape.parse("bf16[512,2048]{1,0}"));
    b.op(Opcode.DOT, Shape.parse("f32[1024,2048]{1,0}"), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    return Kernel.of("fused", null, b.buildFused(), Map.of(), "fuzz");
  }

  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  void tileNotation(byte[] data) {
    long t0 = System.nanoTime();
    String text = new String(data, StandardCharsets.UTF_8);
    TileConfig t;
    try {
      t = TileConfig.parse(text);
    } catch (InvalidTileException expected) {
      requireMessage(expected);
      return;
    }
    if (!TileConfig.parse(t.toString()).equals(t)) {
      throw new AssertionError("'" + text + "' parsed to " + t + ", which does not parse back to itself");
    }
    if (SPACE.check(t).isEmpty()) {
      SPACE.footprint(t);
    }
    within(t0);
  }

  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  void chipFile(byte[] data) {
    long t0 = System.nanoTime();
    ChipSpec c;
    try {
      c = ChipFiles.parse(new String(data, StandardCharsets.UTF_8), "fuzz.json");
    } catch (ChipFileException expected) {
      requireMessage(expected);
      if (!expected.getMessage().contains("fuzz.json")) {
        throw new AssertionError("a chip-file error must name the file: " + expected.getMessage());
      }
      return;
    }
    for (double v : new double[] {c.peakFlopsPerChip(), c.hbmBytesPerCycle(), c.clockHz()}) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new AssertionError("chip " + c.name() + " was accepted with a derived value of " + v);
      }
    }
    within(t0);
  }

  private static void requireMessage(RuntimeException e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      throw new AssertionError("an error without a message", e);
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

  /** The one-second limit, after 50 warm-up inputs (class loading, instrumentation and the JIT come first). */
  private static void within(long t0) {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (CALLS.incrementAndGet() > 50 && ms > 1000) {
      throw new AssertionError("one input took " + ms + " ms");
    }
  }
}
