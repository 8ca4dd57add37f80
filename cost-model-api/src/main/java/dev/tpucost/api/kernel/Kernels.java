package dev.tpucost.api.kernel;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Extracts the kernels of a module, the way a TPU runs it: every fusion instruction is a kernel (its
 * fused computation); every other instruction that does real work (dot, convolution, reduce, copy,
 * transpose, sort, custom-call, ...) is a single-op kernel; parameters, constants, tuples,
 * get-tuple-element, bitcasts and other bookkeeping ops are not kernels. Computations reached through
 * {@code while}, {@code conditional}, {@code call} and {@code async-start} are walked too (each once);
 * each kernel records the computation path it came from, e.g. {@code main/while.3/body.7}.
 */
public final class Kernels {
  private Kernels() {}

  /**
   * All kernels of {@code module}, in execution order of the entry computation (callees inline).
   *
   * @throws dev.tpucost.api.hlo.HloValidationException naming the instruction when a kernel is beyond what
   *     tpucost can cost (for example a convolution window of more than 2^24 taps)
   */
  public static List<Kernel> of(HloModule module) {
    ImmutableList.Builder<Kernel> out = ImmutableList.builder();
    walk(module, module.entry(), module.entry().name(), new HashSet<>(), out);
    return out.build();
  }

  private static void walk(
      HloModule module, Computation c, String path, Set<Long> visited, ImmutableList.Builder<Kernel> out) {
    if (!visited.add(c.id())) {
      return;
    }
    for (Instruction i : c.instructions()) {
      switch (i.opcode()) {
        case FUSION -> out.add(Kernel.ofFusion(module, i, path));
        case WHILE, CONDITIONAL, CALL, ASYNC_START -> {
          for (long id : i.calledComputationIds()) {
            Computation callee = module.computationById(id);
            walk(module, callee, path + "/" + i.name() + "/" + callee.name(), visited, out);
          }
        }
        default -> {
          if (isKernel(i)) {
            out.add(Kernel.ofInstruction(module, c, i, path));
          }
        }
      }
    }
  }

  /** True if an unfused instruction does real work on the device (and so is a kernel of its own). */
  public static boolean isKernel(Instruction i) {
    return switch (i.opcode()) {
      case PARAMETER, CONSTANT, TUPLE, GET_TUPLE_ELEMENT, BITCAST, AFTER_ALL, ADD_DEPENDENCY, DOMAIN,
          OPTIMIZATION_BARRIER, PARTITION_ID, REPLICA_ID, GET_DIMENSION_SIZE, ASYNC_UPDATE, ASYNC_DONE,
          COPY_DONE, ALL_GATHER_DONE, ALL_REDUCE_DONE, COLLECTIVE_PERMUTE_DONE, SEND_DONE, RECV_DONE,
          WHILE, CONDITIONAL, CALL, ASYNC_START, FUSION -> false;
      default -> true;
    };
  }
}
