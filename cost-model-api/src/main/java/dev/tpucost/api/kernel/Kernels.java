package dev.tpucost.api.kernel;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Extracts the kernels of a module, the way a TPU runs it: every fusion instruction is a kernel (its
 * fused computation); every other instruction that does real work (dot, convolution, reduce, copy,
 * transpose, sort, custom-call, ...) is a single-op kernel; parameters, constants, tuples,
 * get-tuple-element, bitcasts and other bookkeeping ops are not kernels. Computations reached through
 * {@code while}, {@code conditional}, {@code call} and {@code async-start} are walked too (each once);
 * each kernel records the computation path it came from, e.g. {@code main/while.3/body.7}. How many times the
 * module runs each kernel (loop bodies once per trip) is {@link #runs}.
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
    List<Kernel> out = new ArrayList<>();
    walk(module, module.entry(), module.entry().name(), new HashSet<>(), out, null);
    return ImmutableList.copyOf(out);
  }

  /**
   * A kernel and how many times one execution of its module runs it.
   *
   * @param kernel the kernel
   * @param runs 1 in straight-line code; a {@code while} body's kernels once per trip (nested loops multiply), its
   *     condition's once more; a computation called from several places, the sum
   * @param exact false if an enclosing loop's trip count is unknown (that loop's body is then counted once) or the
   *     kernel is in a conditional's branch (every branch is counted as running)
   */
  public record Run(Kernel kernel, long runs, boolean exact) {}

  /**
   * The kernels of a module ({@link #of}, same order) with how many times it runs each, and the loops whose trip
   * count it could not tell.
   *
   * @param kernels every kernel, with its runs
   * @param uncountedLoops the {@code while} instructions whose trip count is unknown (no {@code known_trip_count}
   *     and not a counted loop, see {@link TripCounts}), by name
   */
  public record Runs(List<Run> kernels, List<String> uncountedLoops) {
    /** Copies the lists. */
    public Runs {
      kernels = ImmutableList.copyOf(kernels);
      uncountedLoops = ImmutableList.copyOf(uncountedLoops);
    }
  }

  /**
   * {@link #of} with how many times one execution of the module runs each kernel: a loop's trip count from
   * XLA's {@code known_trip_count} or a counted loop's bounds ({@link TripCounts}); a conditional's branches each
   * count as running (XLA cannot tell which will either).
   */
  public static Runs runs(HloModule module) {
    return runs(module, module);
  }

  /**
   * {@link #runs(HloModule)} of a module that tpucost's fusion pass made from {@code unfused}: a loop whose
   * counter the pass fused away is counted as in {@code unfused} (by the {@code while} instruction's name, which
   * the pass keeps).
   */
  public static Runs runs(HloModule module, HloModule unfused) {
    Map<String, Long> before = new HashMap<>();
    if (unfused != module) {
      for (Computation c : unfused.computations()) {
        for (Instruction i : c.instructions()) {
          if (i.opcode() == Opcode.WHILE && i.calledComputationCount() == 2) {
            TripCounts.of(unfused, c, i).ifPresent(n -> before.put(i.name(), n));
          }
        }
      }
    }
    List<Kernel> kernels = new ArrayList<>();
    List<Long> computations = new ArrayList<>();
    walk(module, module.entry(), module.entry().name(), new HashSet<>(), kernels, computations);
    // Runs per computation: callers before callees (reverse post-order of the call graph), the entry once.
    List<Computation> postOrder = new ArrayList<>();
    postOrder(module, module.entry(), new HashSet<>(), postOrder);
    Map<Long, Long> runs = new HashMap<>();
    Set<Long> inexact = new HashSet<>();
    List<String> uncounted = new ArrayList<>();
    runs.put(module.entry().id(), 1L);
    for (int n = postOrder.size() - 1; n >= 0; n--) {
      Computation c = postOrder.get(n);
      long mine = runs.getOrDefault(c.id(), 0L);
      boolean sure = !inexact.contains(c.id());
      for (Instruction i : c.instructions()) {
        if (!calls(i)) {
          continue;
        }
        long body = mine;
        long condition = mine;
        boolean known = true;
        if (i.opcode() == Opcode.WHILE && i.calledComputationCount() == 2) {
          OptionalLong trips = TripCounts.of(module, c, i);
          if (trips.isEmpty() && before.containsKey(i.name())) {
            trips = OptionalLong.of(before.get(i.name()));
          }
          known = trips.isPresent();
          if (known) {
            body = saturatedProduct(mine, trips.getAsLong());
            condition = saturatedSum(body, mine);
          } else {
            uncounted.add(i.name());
          }
        }
        for (int k = 0; k < i.calledComputationCount(); k++) {
          long callee = i.calledComputationId(k);
          long add = i.opcode() == Opcode.WHILE && k == 1 ? condition : body; // a while calls (body, condition)
          runs.merge(callee, add, Kernels::saturatedSum);
          // (a conditional's branches each count as running: which one does is decided at run time)
          if (!known || !sure || i.opcode() == Opcode.CONDITIONAL) {
            inexact.add(callee);
          }
        }
      }
    }
    List<Run> out = new ArrayList<>(kernels.size());
    for (int k = 0; k < kernels.size(); k++) {
      long c = computations.get(k);
      out.add(new Run(kernels.get(k), runs.getOrDefault(c, 1L), !inexact.contains(c)));
    }
    return new Runs(out, uncounted);
  }

  /** True if {@code i} runs other computations (a loop, a conditional, a call): the walks descend into them. */
  private static boolean calls(Instruction i) {
    return switch (i.opcode()) {
      case WHILE, CONDITIONAL, CALL, ASYNC_START -> true;
      default -> false;
    };
  }

  private static void postOrder(HloModule module, Computation c, Set<Long> visited, List<Computation> out) {
    if (!visited.add(c.id())) {
      return;
    }
    for (Instruction i : c.instructions()) {
      if (calls(i)) {
        for (long id : i.calledComputationIds()) {
          postOrder(module, module.computationById(id), visited, out);
        }
      }
    }
    out.add(c);
  }

  private static long saturatedProduct(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  private static long saturatedSum(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  /** Appends the kernels of {@code c} and its callees, and with {@code from} non-null each one's computation. */
  private static void walk(HloModule module, Computation c, String path, Set<Long> visited, List<Kernel> out,
      List<Long> from) {
    if (!visited.add(c.id())) {
      return;
    }
    for (Instruction i : c.instructions()) {
      if (i.opcode() == Opcode.FUSION) {
        add(out, from, Kernel.ofFusion(module, i, path), c);
      } else if (calls(i)) {
        for (long id : i.calledComputationIds()) {
          Computation callee = module.computationById(id);
          walk(module, callee, path + "/" + i.name() + "/" + callee.name(), visited, out, from);
        }
      } else if (isKernel(i)) {
        add(out, from, Kernel.ofInstruction(module, c, i, path), c);
      }
    }
  }

  private static void add(List<Kernel> out, List<Long> from, Kernel k, Computation c) {
    out.add(k);
    if (from != null) {
      from.add(c.id());
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
