package dev.tpucost.sim;

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
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Kernels for simulator tests: fixed ones and a seeded random generator in which every parameter has one user. */
public final class Kernels4Test {
  private Kernels4Test() {}

  public static Kernel matmul(String lhs, String rhs, String out) {
    ComputationBuilder b = ComputationBuilder.create("mm", 1, new AtomicLong(1));
    Instruction x = b.parameter(Shape.parse(lhs));
    Instruction w = b.parameter(Shape.parse(rhs));
    b.op(Opcode.DOT, Shape.parse(out), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
    Computation c = b.build();
    return Kernel.ofInstruction(HloModule.of("m", c), c, c.root(), "m");
  }

  /** out = exp(x) * y + broadcast(v), all [rows, cols] f32 except v [cols]. */
  public static Kernel elementwise(long rows, long cols) {
    ComputationBuilder b = ComputationBuilder.create("ew", 1, new AtomicLong(1));
    Shape s = Shape.parse("f32[" + rows + "," + cols + "]");
    Instruction x = b.parameter(s);
    Instruction y = b.parameter(s);
    Instruction v = b.parameter(Shape.parse("f32[" + cols + "]"));
    Instruction e = b.op(Opcode.EXP, s, x);
    Instruction m = b.op(Opcode.MULTIPLY, s, e, y);
    Instruction bc = b.op(Opcode.BROADCAST, s, i -> i.dimensions(1), v);
    b.op(Opcode.ADD, s, m, bc);
    return Kernel.of("ew", FusionKind.LOOP, b.buildFused(), Map.of(), "test");
  }

  /** A random matmul (with optional epilogue), elementwise chain or row reduction. */
  static Kernel random(Random r) {
    String[] types = {"bf16", "f32"};
    String t = types[r.nextInt(2)];
    long m = pick(r);
    long k = pick(r);
    long n = pick(r);
    switch (r.nextInt(3)) {
      case 0 -> {
        ComputationBuilder b = ComputationBuilder.create("mm", 1, new AtomicLong(1));
        Instruction x = b.parameter(Shape.parse(t + "[" + m + "," + k + "]"));
        Instruction w = b.parameter(Shape.parse(t + "[" + k + "," + n + "]"));
        Shape out = Shape.parse("f32[" + m + "," + n + "]");
        Instruction d = b.op(Opcode.DOT, out, i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
        if (r.nextBoolean()) {
          b.op(Opcode.TANH, out, d);
        }
        return Kernel.of("mm", FusionKind.OUTPUT, b.buildFused(), Map.of(), "random");
      }
      case 1 -> {
        return elementwise(m, n);
      }
      default -> {
        ComputationBuilder add = ComputationBuilder.create("add", 10, new AtomicLong(100));
        Instruction a = add.parameter(Shape.parse("f32[]"));
        Instruction c = add.parameter(Shape.parse("f32[]"));
        add.op(Opcode.ADD, Shape.parse("f32[]"), a, c);
        ComputationBuilder b = ComputationBuilder.create("red", 1, new AtomicLong(1));
        Shape s = Shape.parse("f32[" + m + "," + n + "]");
        Instruction x = b.parameter(s);
        Instruction sq = b.op(Opcode.MULTIPLY, s, x, x);
        Instruction zero = b.op(Opcode.CONSTANT, Shape.parse("f32[]"), i -> i.attribute("literal", "0"));
        b.op(Opcode.REDUCE, Shape.parse("f32[" + m + "]"), i -> i.dimensions(1).calledComputations(10), sq, zero);
        return Kernel.of("red", FusionKind.INPUT, b.buildFused(), Map.of(10L, add.build()), "random");
      }
    }
  }

  private static long pick(Random r) {
    long[] sizes = {8, 64, 128, 200, 256, 512, 1000, 1024, 2048, 4096};
    return sizes[r.nextInt(sizes.length)];
  }
}
