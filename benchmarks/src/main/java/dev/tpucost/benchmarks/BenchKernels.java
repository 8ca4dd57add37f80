package dev.tpucost.benchmarks;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark kernels of a chosen size: a bf16 matmul with an elementwise epilogue (bias, scale, tanh,
 * residual, ...) long enough to reach about {@code nodes} nodes, as a {@code kOutput} fusion.
 */
public final class BenchKernels {
  private BenchKernels() {}

  /** A matmul-plus-epilogue fusion of about {@code nodes} nodes (at least 5). */
  public static Kernel matmulEpilogue(int nodes) {
    ComputationBuilder b = ComputationBuilder.create("fused_" + nodes, 1, new AtomicLong(1));
    // A shape object per instruction, as a parsed module has (no model may profit from shared objects).
    String out = "f32[1024,2048]{1,0}";
    Instruction x = b.parameter(Shape.parse("bf16[1024,1024]{1,0}"));
    Instruction w = b.parameter(Shape.parse("bf16[1024,2048]{1,0}"));
    Instruction bias = b.parameter(Shape.parse("f32[2048]{0}"));
    Instruction v = b.op(Opcode.DOT, Shape.parse(out), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    int made = 4;
    Opcode[] chain = {Opcode.ADD, Opcode.MULTIPLY, Opcode.TANH, Opcode.MAXIMUM, Opcode.SUBTRACT, Opcode.EXP};
    int step = 0;
    while (made + 2 <= nodes) {
      Opcode op = chain[step++ % chain.length];
      if (op.isElementwise() && op != Opcode.TANH && op != Opcode.EXP) {
        Instruction bc = b.op(Opcode.BROADCAST, Shape.parse(out), i -> i.dimensions(1), bias);
        v = b.op(op, Shape.parse(out), v, bc);
        made += 2;
      } else {
        v = b.op(op, Shape.parse(out), v);
        made += 1;
      }
    }
    return Kernel.of("fused_" + nodes, FusionKind.OUTPUT, b.buildFused(), Map.of(), "bench");
  }

  /** {@code n} valid tile configs of {@code kernel} on v4: all of them in order, repeated when there are fewer. */
  public static List<TileConfig> candidates(Kernel kernel, int n) {
    List<TileConfig> all =
        TileSpace.of(kernel, ChipSpec.V4).validConfigs(100_000);
    List<TileConfig> out = new ArrayList<>(n);
    for (int i = 0; out.size() < n; i++) {
      out.add(all.get(i % all.size()));
    }
    return out;
  }

  /**
   * The model a benchmark's {@code model} parameter names: a registered name, or {@code file:PATH} for a
   * trained model file (to time a network of other sizes before shipping it), for {@code chip}.
   */
  public static dev.tpucost.api.model.CostModel model(String spec, dev.tpucost.api.chip.ChipSpec chip) {
    if (!spec.startsWith("file:")) {
      return dev.tpucost.api.model.CostModels.create(spec, chip);
    }
    try {
      return dev.tpucost.gnn.GnnModel.load(java.nio.file.Path.of(spec.substring("file:".length())), chip);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
