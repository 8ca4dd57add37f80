package dev.tpucost.api.hlo;

import dev.tpucost.api.shape.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Builds a computation instruction by instruction, assigning ids from a counter (share one counter across
 * the computations of a module to keep ids unique module-wide) and names {@code opcode.id}.
 *
 * <pre>{@code
 * ComputationBuilder b = ComputationBuilder.create("matmul", 1, new AtomicLong());
 * Instruction x = b.parameter(Shape.parse("bf16[128,256]"));
 * Instruction w = b.parameter(Shape.parse("bf16[256,512]"));
 * b.op(Opcode.DOT, Shape.parse("f32[128,512]"), i -> i.dotDimensions(DotDimensionNumbers.matmul()), x, w);
 * Computation c = b.build();
 * }</pre>
 *
 * Not thread-safe.
 */
public final class ComputationBuilder {
  private final String name;
  private final long id;
  private final AtomicLong ids;
  private final List<Instruction> instructions = new ArrayList<>();
  private int parameters;

  private ComputationBuilder(String name, long id, AtomicLong ids) {
    this.name = name;
    this.id = id;
    this.ids = ids;
  }

  /** A builder for computation {@code name} with id {@code id}, taking instruction ids from {@code ids}. */
  public static ComputationBuilder create(String name, long id, AtomicLong ids) {
    return new ComputationBuilder(name, id, ids);
  }

  /** Adds the next parameter (numbered in order of addition). */
  public Instruction parameter(Shape shape) {
    long iid = ids.getAndIncrement();
    Instruction p = Instruction.builder(iid, "param_" + parameters + "." + iid, Opcode.PARAMETER, shape)
        .parameterNumber(parameters++)
        .build();
    instructions.add(p);
    return p;
  }

  /** Adds an instruction without attributes. */
  public Instruction op(Opcode opcode, Shape shape, Instruction... operands) {
    return op(opcode, shape, UnaryOperator.identity(), operands);
  }

  /** Adds an instruction whose attributes {@code attrs} sets on the builder. */
  public Instruction op(Opcode opcode, Shape shape, UnaryOperator<Instruction.Builder> attrs, Instruction... operands) {
    long iid = ids.getAndIncrement();
    long[] ops = new long[operands.length];
    for (int k = 0; k < operands.length; k++) {
      ops[k] = operands[k].id();
    }
    Instruction i = attrs.apply(Instruction.builder(iid, opcode.text() + "." + iid, opcode, shape).operands(ops)).build();
    instructions.add(i);
    return i;
  }

  /** The computation, rooted at the last instruction added. */
  public Computation build() {
    return Computation.of(id, name, instructions);
  }

  /** The computation marked as a fusion body, rooted at the last instruction added. */
  public Computation buildFused() {
    return Computation.fused(id, name, instructions, instructions.get(instructions.size() - 1).id());
  }
}
