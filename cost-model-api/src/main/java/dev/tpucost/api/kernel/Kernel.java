package dev.tpucost.api.kernel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.shape.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unit a cost model predicts: one fused computation, or one unfused instruction wrapped as a
 * computation of its own, as a DAG in topological order. A kernel knows its parameters and root, its
 * fusion kind (empty for an unfused instruction), the shapes crossing its boundary, the computations its
 * nodes call (reducers, comparators, nested fusions), where in the module it came from, and its
 * {@link KernelStats}.
 *
 * <p>Fusions nested inside a fused computation are inlined (see {@code NestedFusions}): the kernel's
 * graph holds the ops they run.
 *
 * <p>Immutable and thread-safe. Graph structure is precomputed as index arrays (operand and user lists
 * per node) so that cost models can walk it without lookups. Values cost models derive from a kernel (its
 * tile space on a chip, a learned model's encoding) are kept with it ({@link #derived}), so they live exactly
 * as long as the kernel: no global cache holds a kernel or its derivations after its caller drops it.
 */
public final class Kernel {
  private final String name;
  private final FusionKind fusionKind;
  private final Computation body;
  private final ImmutableMap<Long, Computation> called;
  private final String origin;
  private final Instruction[] nodes;
  private final int[][] operands;
  private final int[][] users;
  private final int rootIndex;
  private final int[] parameterIndex;
  private final int edgeCount;
  private final KernelStats stats;
  private final double[] nodeFlops;
  private final double[] nodeTranscendentals;
  private final String backendConfig;
  /** Derived values as key, value pairs; replaced (copy on write) under {@code this}' lock, read without it. */
  private volatile Object[] derived = NO_DERIVED;

  private static final Object[] NO_DERIVED = {};

  private Kernel(String name, FusionKind kind, Computation body, Map<Long, Computation> called, String origin,
      String backendConfig) {
    this.name = checkNotNull(name, "kernel name");
    this.backendConfig = backendConfig;
    this.fusionKind = kind;
    this.body = checkNotNull(body, "kernel body");
    this.called = ImmutableMap.copyOf(called);
    this.origin = checkNotNull(origin, "kernel origin");
    int n = body.size();
    this.nodes = body.instructions().toArray(new Instruction[0]);
    this.operands = new int[n][];
    int[] userCounts = new int[n];
    int edges = 0;
    for (int i = 0; i < n; i++) {
      Instruction instr = nodes[i];
      operands[i] = new int[instr.operandCount()];
      for (int k = 0; k < instr.operandCount(); k++) {
        int j = body.indexOf(instr.operandId(k));
        operands[i][k] = j;
        userCounts[j]++;
        edges++;
      }
    }
    this.edgeCount = edges;
    this.users = new int[n][];
    for (int i = 0; i < n; i++) {
      users[i] = new int[userCounts[i]];
      userCounts[i] = 0;
    }
    for (int i = 0; i < n; i++) {
      for (int j : operands[i]) {
        users[j][userCounts[j]++] = i;
      }
    }
    this.rootIndex = body.indexOf(body.rootId());
    this.parameterIndex = new int[body.parameterCount()];
    for (int p = 0; p < parameterIndex.length; p++) {
      parameterIndex[p] = body.indexOf(body.parameter(p).id());
    }
    for (Instruction instr : nodes) {
      for (long id : instr.calledComputationIds()) {
        if (!this.called.containsKey(id)) {
          throw new HloValidationException(
              "kernel '" + name + "': instruction '" + instr.name() + "' calls computation id " + id
                  + ", which the kernel does not carry");
        }
      }
    }
    KernelStatsComputer.Result counts = KernelStatsComputer.compute(this);
    this.stats = counts.stats();
    this.nodeFlops = counts.nodeFlops();
    this.nodeTranscendentals = counts.nodeTranscendentals();
  }

  /**
   * A kernel of the given body. {@code kind} is null for an unfused instruction; {@code called} must hold
   * every computation that the body's instructions call, transitively.
   */
  public static Kernel of(
      String name, FusionKind kind, Computation body, Map<Long, Computation> called, String origin) {
    return new Kernel(name, kind, body, called, origin, null);
  }

  /** Like {@link #of(String, FusionKind, Computation, Map, String)}, with the backend config it came with. */
  public static Kernel of(String name, FusionKind kind, Computation body, Map<Long, Computation> called,
      String origin, String backendConfig) {
    return new Kernel(name, kind, body, called, origin, backendConfig);
  }

  /** The kernel of fusion instruction {@code fusion} of {@code module}. */
  public static Kernel ofFusion(HloModule module, Instruction fusion, String origin) {
    checkArgument(fusion.opcode() == Opcode.FUSION, "'%s' is a %s, not a fusion", fusion.name(), fusion.opcode());
    FusionKind kind = fusion.fusionKind().orElseThrow(
        () -> new HloValidationException("fusion '" + fusion.name() + "' has no fusion kind"));
    Computation body = module.computationById(fusion.calledComputationId(0));
    if (NestedFusions.present(body)) {
      body = NestedFusions.inline(body, module::computationById);
    }
    return new Kernel(fusion.name(), kind, body, reachable(module, body), origin, fusion.backendConfig().orElse(null));
  }

  /**
   * The single-op kernel of unfused instruction {@code instr} of computation {@code parent}: a computation
   * with one parameter per distinct operand and the instruction as root (keeping its name and id).
   */
  public static Kernel ofInstruction(HloModule module, Computation parent, Instruction instr, String origin) {
    Map<Long, Long> paramIdByOperand = new LinkedHashMap<>();
    List<Instruction> instrs = new ArrayList<>();
    long nextId = 0;
    for (int k = 0; k < instr.operandCount(); k++) {
      long op = instr.operandId(k);
      if (!paramIdByOperand.containsKey(op)) {
        Instruction operand = parent.instruction(op).orElseThrow(
            () -> new HloValidationException("'" + instr.name() + "' has operand id " + op + " outside its computation"));
        long pid = nextId++;
        if (pid == instr.id()) {
          pid = nextId++;
        }
        int number = paramIdByOperand.size();
        paramIdByOperand.put(op, pid);
        instrs.add(Instruction.builder(pid, "param_" + number + "." + operand.name(), Opcode.PARAMETER, operand.shape())
            .parameterNumber(number)
            .build());
      }
    }
    long[] newOperands = new long[instr.operandCount()];
    for (int k = 0; k < newOperands.length; k++) {
      newOperands[k] = paramIdByOperand.get(instr.operandId(k));
    }
    // Parameter ids skip the instruction's own id, so the root keeps it.
    instrs.add(instr.toBuilder().operands(newOperands).build());
    Computation body = Computation.of(-1, instr.name(), instrs, instr.id());
    return new Kernel(instr.name(), null, body, reachable(module, body), origin, instr.backendConfig().orElse(null));
  }

  /** Every computation reachable from {@code body}'s instructions, keyed by id. */
  static Map<Long, Computation> reachable(HloModule module, Computation body) {
    Map<Long, Computation> out = new LinkedHashMap<>();
    Deque<Computation> work = new ArrayDeque<>();
    work.add(body);
    while (!work.isEmpty()) {
      Computation c = work.poll();
      for (Instruction i : c.instructions()) {
        for (long id : i.calledComputationIds()) {
          if (!out.containsKey(id)) {
            Computation callee = module.computationById(id);
            out.put(id, callee);
            work.add(callee);
          }
        }
      }
    }
    return out;
  }

  /** Kernel name: the fusion's or the instruction's name. */
  public String name() {
    return name;
  }

  /** The fusion kind, or empty for an unfused instruction. */
  public Optional<FusionKind> fusionKind() {
    return Optional.ofNullable(fusionKind);
  }

  /** True if this kernel is a fusion. */
  public boolean isFusion() {
    return fusionKind != null;
  }

  /** The kernel's computation (the fused computation, or the wrapped instruction). */
  public Computation body() {
    return body;
  }

  /** Computations called by the kernel's nodes (transitively), by id. */
  public Map<Long, Computation> calledComputations() {
    return called;
  }

  /**
   * The {@code backend_config} of the fusion or instruction the kernel came from, if it had one (in
   * XLA:TPU dumps it holds the compiler's chosen tile, see {@code WindowConfig}).
   */
  public Optional<String> backendConfig() {
    return Optional.ofNullable(backendConfig);
  }

  /** Where the kernel came from (computation path in its module). */
  public String origin() {
    return origin;
  }

  /** Number of nodes (instructions of the body, parameters included). */
  public int nodeCount() {
    return nodes.length;
  }

  /** Number of operand edges. */
  public int edgeCount() {
    return edgeCount;
  }

  /** Node {@code i}, in topological order. */
  public Instruction node(int i) {
    return nodes[i];
  }

  /** All nodes in topological order. */
  public List<Instruction> nodes() {
    return body.instructions();
  }

  /** Number of operands of node {@code i}. */
  public int operandCount(int i) {
    return operands[i].length;
  }

  /** Index of operand {@code k} of node {@code i}. */
  public int operand(int i, int k) {
    return operands[i][k];
  }

  /** Number of users of node {@code i}. */
  public int userCount(int i) {
    return users[i].length;
  }

  /** Index of user {@code k} of node {@code i}. */
  public int user(int i, int k) {
    return users[i][k];
  }

  /** Index of the root node. */
  public int rootIndex() {
    return rootIndex;
  }

  /** The root instruction. */
  public Instruction root() {
    return nodes[rootIndex];
  }

  /** Number of parameters. */
  public int parameterCount() {
    return parameterIndex.length;
  }

  /** Node index of parameter {@code p}. */
  public int parameterIndex(int p) {
    return parameterIndex[p];
  }

  /** Shapes of the parameters (the values read from outside), in parameter order. */
  public List<Shape> parameterShapes() {
    ImmutableList.Builder<Shape> b = ImmutableList.builder();
    for (int p : parameterIndex) {
      b.add(nodes[p].shape());
    }
    return b.build();
  }

  /** The output shape (the root's shape; a tuple for multi-output fusions). */
  public Shape outputShape() {
    return nodes[rootIndex].shape();
  }

  /** Flops of node {@code i} ({@code HloCostAnalysis} rules; a nested fusion or call counts its callee). */
  public double nodeFlops(int i) {
    return nodeFlops[i];
  }

  /** Transcendental operations of node {@code i}. */
  public double nodeTranscendentals(int i) {
    return nodeTranscendentals[i];
  }

  /** Static counts, computed once. */
  public KernelStats stats() {
    return stats;
  }

  /**
   * The value derived from this kernel under {@code key}: computed by {@code compute} on the first call with a
   * key equal to {@code key} and kept, with this kernel, for later calls. Keys identify a derivation and
   * everything it depends on besides the kernel (e.g. a record of the chip for a tile space, a private token
   * per model instance for a model's encoding); they and the values are held as long as the kernel is.
   *
   * <p>Thread-safe. {@code compute} runs without a lock, so two threads asking at once may both compute the
   * value; the first stored is kept and returned to both. An exception from {@code compute} propagates and
   * stores nothing.
   */
  public <T> T derived(Object key, Class<T> type, java.util.function.Function<? super Kernel, ? extends T> compute) {
    checkNotNull(key, "key");
    Object kept = find(derived, key);
    if (kept != null) {
      return type.cast(kept);
    }
    T value = checkNotNull(compute.apply(this), "derived value for %s", key);
    synchronized (this) {
      Object[] d = derived;
      kept = find(d, key);
      if (kept != null) {
        return type.cast(kept);
      }
      Object[] grown = java.util.Arrays.copyOf(d, d.length + 2);
      grown[d.length] = key;
      grown[d.length + 1] = type.cast(value);
      derived = grown;
    }
    return value;
  }

  /** The value under {@code key} in key, value pairs {@code d}, or null. */
  private static Object find(Object[] d, Object key) {
    for (int i = 0; i < d.length; i += 2) {
      if (d[i].equals(key)) {
        return d[i + 1];
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "kernel '" + name + "' (" + (fusionKind == null ? "unfused" : fusionKind.text()) + ", " + nodes.length
        + " nodes, from " + origin + ")";
  }
}
