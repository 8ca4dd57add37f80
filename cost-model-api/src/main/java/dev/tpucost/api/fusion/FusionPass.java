package dev.tpucost.api.fusion;

import static com.google.common.base.Preconditions.checkArgument;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.OpCategory;
import dev.tpucost.api.hlo.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fuses producer-consumer chains into kernels the way XLA's instruction fusion does:
 *
 * <ul>
 *   <li>elementwise ops and cheap data movement (broadcast, reshape, transpose, convert, slice, pad,
 *       concatenate, iota, constants, dynamic slices) fuse into any fusible consumer: chains become
 *       {@code kLoop} fusions;
 *   <li>a reduction absorbs its producers: {@code kInput};
 *   <li>a dot or convolution fuses with its elementwise epilogue: {@code kOutput};
 *   <li>a producer is fused only if every one of its users ends up in the same fusion, so no work is
 *       duplicated and no cycle can form; a fusion holds at most one dot/convolution or reduction, and
 *       at most {@value #MAX_FUSION_SIZE} instructions;
 *   <li>nothing fuses across a {@code while}, {@code call} or {@code conditional}; their bodies are fused
 *       on their own. Existing fusions (post-optimization modules) are kept as they are.
 * </ul>
 *
 * {@link #random} decides each fusible edge by a seeded coin with probability {@code p}, as the paper's
 * fusion dataset came from random fusion configurations. Output modules are {@link HloModule#renumbered}.
 */
public final class FusionPass {
  /** Largest number of instructions in one fusion. */
  public static final int MAX_FUSION_SIZE = 96;

  private final double probability;
  private final Random random;
  private int fusionCounter;

  private FusionPass(double probability, Random random) {
    this.probability = probability;
    this.random = random;
  }

  /**
   * True if {@code module} has not been through fusion: no computation holds a fusion instruction (an XLA
   * {@code before_optimizations} dump, a JAX or TensorFlow export). Its ops would each be costed as a kernel
   * of their own unless {@link #run} fuses them first.
   */
  public static boolean needed(HloModule module) {
    for (Computation c : module.computations()) {
      for (Instruction i : c.instructions()) {
        if (i.opcode() == Opcode.FUSION) {
          return false;
        }
      }
    }
    return true;
  }

  /** XLA-style greedy fusion: every fusible edge is fused. */
  public static HloModule run(HloModule module) {
    return new FusionPass(1.0, null).apply(module);
  }

  /** Random fusion: every fusible edge is fused with probability {@code p}, decided by a coin seeded with {@code seed}. */
  public static HloModule random(HloModule module, double p, long seed) {
    checkArgument(p >= 0 && p <= 1, "fusion probability must be in [0, 1], got %s", p);
    return new FusionPass(p, new Random(seed)).apply(module);
  }

  private HloModule apply(HloModule module) {
    Set<Long> controlFlow = controlFlowComputations(module);
    List<Computation> out = new ArrayList<>();
    long nextComputationId = module.computations().stream().mapToLong(Computation::id).max().orElse(0) + 1;
    long nextInstructionId = module.computations().stream()
        .flatMap(c -> c.instructions().stream()).mapToLong(Instruction::id).max().orElse(0) + 1;
    long[] ids = {nextComputationId, nextInstructionId};
    List<Computation> fused = new ArrayList<>();
    for (Computation c : module.computations()) {
      out.add(controlFlow.contains(c.id()) ? fuse(c, ids, fused) : c);
    }
    List<Computation> all = new ArrayList<>(fused);
    all.addAll(out);
    return HloModule.of(module.name(), module.id(), all, module.entryId(), module.attributes()).renumbered();
  }

  /** The entry and every computation reached from it through while, conditional, call and async-start. */
  private static Set<Long> controlFlowComputations(HloModule m) {
    Set<Long> seen = new HashSet<>();
    List<Computation> work = new ArrayList<>(List.of(m.entry()));
    seen.add(m.entryId());
    while (!work.isEmpty()) {
      Computation c = work.remove(work.size() - 1);
      for (Instruction i : c.instructions()) {
        if (i.opcode() == Opcode.WHILE || i.opcode() == Opcode.CONDITIONAL || i.opcode() == Opcode.CALL
            || i.opcode() == Opcode.ASYNC_START) {
          for (long id : i.calledComputationIds()) {
            if (seen.add(id)) {
              work.add(m.computationById(id));
            }
          }
        }
      }
    }
    return seen;
  }

  // ---------------------------------------------------------------- grouping

  private static boolean fusible(Instruction i) {
    return switch (i.opcode()) {
      case PARAMETER, TUPLE, GET_TUPLE_ELEMENT, WHILE, CONDITIONAL, CALL, FUSION, CUSTOM_CALL, AFTER_ALL,
          ADD_DEPENDENCY, INFEED, OUTFEED, SEND, RECV, SEND_DONE, RECV_DONE, OPTIMIZATION_BARRIER, DOMAIN,
          ASYNC_START, ASYNC_UPDATE, ASYNC_DONE, COPY_START, COPY_DONE, RNG_GET_AND_UPDATE_STATE, SORT, TOP_K,
          FFT, CHOLESKY, TRIANGULAR_SOLVE, SCATTER, SELECT_AND_SCATTER, GATHER, BATCH_NORM_TRAINING,
          BATCH_NORM_GRAD, BATCH_NORM_INFERENCE -> false;
      default -> i.opcode().category() != OpCategory.COLLECTIVE && i.shape().isArray();
    };
  }

  private static boolean hero(Instruction i) {
    return i.opcode() == Opcode.DOT || i.opcode() == Opcode.CONVOLUTION || i.opcode() == Opcode.REDUCE
        || i.opcode() == Opcode.REDUCE_WINDOW;
  }

  /** True if {@code producer} may be fused into a fusion whose consumer is {@code consumer}. */
  private static boolean edgeAllowed(Instruction producer, Instruction consumer) {
    if (!fusible(producer) || !fusible(consumer)) {
      return false;
    }
    if (producer.opcode() == Opcode.REDUCE || producer.opcode() == Opcode.REDUCE_WINDOW) {
      return false; // a reduction is the root of its fusion
    }
    if (consumer.opcode() == Opcode.DOT || consumer.opcode() == Opcode.CONVOLUTION) {
      // Operand fusion into a contraction: only layout-like producers.
      return switch (producer.opcode()) {
        case CONVERT, BROADCAST, RESHAPE, TRANSPOSE, BITCAST, CONSTANT -> true;
        default -> false;
      };
    }
    if (producer.opcode() == Opcode.DOT || producer.opcode() == Opcode.CONVOLUTION) {
      return consumer.opcode().isElementwise() || consumer.opcode() == Opcode.CONVERT
          || consumer.opcode() == Opcode.RESHAPE || consumer.opcode() == Opcode.BITCAST;
    }
    return true;
  }

  private Computation fuse(Computation c, long[] ids, List<Computation> fusedOut) {
    List<Instruction> instrs = c.instructions();
    int n = instrs.size();
    Map<Long, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(instrs.get(i).id(), i);
    }
    List<List<Integer>> users = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      users.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (long op : instrs.get(i).operandIds()) {
        users.get(index.get(op)).add(i);
      }
    }
    int rootIndex = index.get(c.rootId());
    int[] group = new int[n];
    int[] size = new int[n];
    boolean[] hasHero = new boolean[n];
    for (int i = 0; i < n; i++) {
      group[i] = i;
      size[i] = 1;
      hasHero[i] = hero(instrs.get(i));
    }
    // Consumers first: each consumer's group absorbs producers whose users are all inside it.
    for (int ci = n - 1; ci >= 0; ci--) {
      Instruction consumer = instrs.get(ci);
      if (!fusible(consumer)) {
        continue;
      }
      for (long opId : consumer.operandIds()) {
        int pi = index.get(opId);
        Instruction producer = instrs.get(pi);
        int g = find(group, ci);
        if (find(group, pi) == g || pi == rootIndex || !edgeAllowed(producer, consumer)) {
          continue;
        }
        boolean allUsersInGroup = true;
        for (int u : users.get(pi)) {
          allUsersInGroup &= find(group, u) == g;
        }
        int pg = find(group, pi);
        if (!allUsersInGroup || (hasHero[g] && hasHero[pg]) || size[g] + size[pg] > MAX_FUSION_SIZE) {
          continue;
        }
        if (random != null && random.nextDouble() >= probability) {
          continue;
        }
        group[pg] = g;
        size[g] += size[pg];
        hasHero[g] |= hasHero[pg];
      }
    }
    // Materialise every group of two or more instructions as a fusion at its root's position.
    Map<Integer, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      members.computeIfAbsent(find(group, i), k -> new ArrayList<>()).add(i);
    }
    Map<Long, Long> replacedBy = new HashMap<>();
    Map<Integer, Instruction> fusionAt = new HashMap<>();
    for (Map.Entry<Integer, List<Integer>> e : members.entrySet()) {
      List<Integer> m = e.getValue();
      if (m.size() < 2) {
        continue;
      }
      int root = m.get(m.size() - 1);
      Instruction fusion = materialise(c, instrs, m, root, ids, fusedOut);
      fusionAt.put(root, fusion);
      for (int i : m) {
        replacedBy.put(instrs.get(i).id(), fusion.id());
      }
    }
    List<Instruction> rebuilt = new ArrayList<>(n);
    Set<Integer> fusedMembers = new HashSet<>();
    for (List<Integer> m : members.values()) {
      if (m.size() >= 2) {
        fusedMembers.addAll(m);
      }
    }
    for (int i = 0; i < n; i++) {
      Instruction instr = fusionAt.containsKey(i) ? fusionAt.get(i) : fusedMembers.contains(i) ? null : instrs.get(i);
      if (instr != null) {
        // Operands produced by other fusions now come from those fusions.
        long[] ops = instr.operandIds();
        for (int k = 0; k < ops.length; k++) {
          ops[k] = replacedBy.getOrDefault(ops[k], ops[k]);
        }
        rebuilt.add(instr.withIds(instr.id(), ops, instr.calledComputationIds()));
      }
    }
    long root = replacedBy.getOrDefault(c.rootId(), c.rootId());
    return Computation.of(c.id(), c.name(), rebuilt, root);
  }

  private Instruction materialise(Computation c, List<Instruction> instrs, List<Integer> members, int root, long[] ids,
      List<Computation> fusedOut) {
    Set<Long> inside = new HashSet<>();
    for (int i : members) {
      inside.add(instrs.get(i).id());
    }
    Map<Long, Long> paramFor = new LinkedHashMap<>();
    List<Instruction> body = new ArrayList<>();
    Map<Long, Long> newId = new HashMap<>();
    List<Long> operands = new ArrayList<>();
    boolean dot = false;
    boolean reduce = false;
    for (int i : members) {
      Instruction instr = instrs.get(i);
      long[] ops = instr.operandIds();
      for (int k = 0; k < ops.length; k++) {
        long op = ops[k];
        if (inside.contains(op)) {
          ops[k] = newId.get(op);
        } else {
          Long pid = paramFor.get(op);
          if (pid == null) {
            pid = ids[1]++;
            Instruction external = c.instruction(op).orElseThrow();
            body.add(Instruction.builder(pid, "param_" + paramFor.size(), Opcode.PARAMETER, external.shape())
                .parameterNumber(paramFor.size()).build());
            paramFor.put(op, pid);
            operands.add(op);
          }
          ops[k] = pid;
        }
      }
      long id = ids[1]++;
      newId.put(instr.id(), id);
      body.add(instr.withIds(id, ops, instr.calledComputationIds()));
      dot |= instr.opcode() == Opcode.DOT || instr.opcode() == Opcode.CONVOLUTION;
      reduce |= instr.opcode() == Opcode.REDUCE || instr.opcode() == Opcode.REDUCE_WINDOW;
    }
    int number = fusionCounter++;
    long compId = ids[0]++;
    Instruction rootInstr = instrs.get(root);
    Computation fusedComputation = Computation.fused(compId, "fused_computation." + number, body, newId.get(rootInstr.id()));
    fusedOut.add(fusedComputation);
    FusionKind kind = dot ? FusionKind.OUTPUT : reduce ? FusionKind.INPUT : FusionKind.LOOP;
    return Instruction.builder(ids[1]++, "fusion." + number, Opcode.FUSION, rootInstr.shape())
        .operands(operands.stream().mapToLong(Long::longValue).toArray())
        .calledComputations(compId)
        .fusionKind(kind)
        .build();
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
