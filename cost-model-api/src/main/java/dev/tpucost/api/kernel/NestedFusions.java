package dev.tpucost.api.kernel;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Inlines fusions nested inside a fused computation (XLA:TPU wraps bitcasts and producer fusions this way,
 * e.g. {@code fusion(param), kind=kLoop, calls=bitcast_fusion.30}) so that footprints and costs see the ops
 * they run rather than an opaque node read whole. Each nested fusion is replaced by its fused computation's
 * instructions, its parameters by the fusion's operands; the nested root takes the fusion's id, so users
 * are unchanged. Inlining recurses into fusions nested deeper. Ids of the inlined instructions are fresh.
 */
final class NestedFusions {
  /** Deepest nesting inlined; deeper is refused as malformed (XLA nests one or two levels). */
  static final int MAX_DEPTH = 16;

  private NestedFusions() {}

  /** True if {@code body} holds a fusion instruction. */
  static boolean present(Computation body) {
    for (Instruction i : body.instructions()) {
      if (i.opcode() == Opcode.FUSION) {
        return true;
      }
    }
    return false;
  }

  /** {@code body} with every nested fusion inlined; {@code computations} resolves called ids. */
  static Computation inline(Computation body, LongFunction<Computation> computations) {
    long[] nextId = {1};
    for (Instruction i : body.instructions()) {
      nextId[0] = Math.max(nextId[0], i.id() + 1);
    }
    List<Instruction> out = new ArrayList<>();
    Map<Long, Long> rename = new HashMap<>();
    for (Instruction i : body.instructions()) {
      rename.put(i.id(), i.id());
    }
    expand(body, rename, out, nextId, computations, 0, true);
    return Computation.fused(body.id(), body.name(), out, body.rootId());
  }

  /**
   * Appends {@code c}'s instructions to {@code out}, operands renamed through {@code rename} (which maps
   * each of {@code c}'s ids to its id in the result); nested fusions are expanded in place.
   */
  private static void expand(Computation c, Map<Long, Long> rename, List<Instruction> out, long[] nextId,
      LongFunction<Computation> computations, int depth, boolean top) {
    for (Instruction i : c.instructions()) {
      if (!top && i.opcode() == Opcode.PARAMETER) {
        continue; // mapped to the fusion's operands by the caller
      }
      if (i.opcode() == Opcode.FUSION && i.calledComputationCount() > 0) {
        if (depth >= MAX_DEPTH) {
          throw new HloValidationException("fusion '" + i.name() + "' is nested more than " + MAX_DEPTH + " levels deep");
        }
        Computation callee = computations.apply(i.calledComputationId(0));
        if (callee.root().opcode() == Opcode.PARAMETER) {
          // A fusion that only forwards an operand: keep a bitcast of it under the fusion's id.
          long n = callee.root().parameterNumber();
          long src = n < i.operandCount() ? rename.get(i.operandId((int) n)) : -1;
          if (src < 0) {
            throw new HloValidationException("fusion '" + i.name() + "' forwards parameter " + n + " it is not passed");
          }
          out.add(Instruction.builder(rename.get(i.id()), i.name(), Opcode.BITCAST, i.shape()).operands(src).build());
          continue;
        }
        Map<Long, Long> inner = new HashMap<>();
        for (Instruction ci : callee.instructions()) {
          if (ci.opcode() == Opcode.PARAMETER) {
            long n = ci.parameterNumber();
            if (n >= i.operandCount()) {
              throw new HloValidationException("fusion '" + i.name() + "' passes " + i.operandCount()
                  + " operands but its computation '" + callee.name() + "' reads parameter " + n);
            }
            inner.put(ci.id(), rename.get(i.operandId((int) n)));
          } else {
            inner.put(ci.id(), ci.id() == callee.rootId() ? rename.get(i.id()) : nextId[0]++);
          }
        }
        expand(callee, inner, out, nextId, computations, depth + 1, false);
        continue;
      }
      long[] ops = new long[i.operandCount()];
      for (int k = 0; k < ops.length; k++) {
        ops[k] = rename.get(i.operandId(k));
      }
      out.add(i.withIds(rename.get(i.id()), ops, i.calledComputationIds()));
    }
  }
}
