package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HLO module: computations (callees usually first), an entry computation, and attributes of the
 * module header kept as text.
 *
 * <p>Validated on construction: computation ids are unique, the entry exists, every called computation
 * id names a computation of the module, and the call graph has no cycle. Errors are
 * {@link HloValidationException}s naming the module, computation and instruction.
 */
public final class HloModule {
  private final String name;
  private final long id;
  private final ImmutableList<Computation> computations;
  private final long entryId;
  private final Map<Long, Computation> byId;
  private final Map<String, String> attributes;

  private HloModule(String name, long id, List<Computation> computations, long entryId, Map<String, String> attrs) {
    this.name = checkNotNull(name, "module name");
    this.id = id;
    this.computations = ImmutableList.copyOf(computations);
    this.entryId = entryId;
    this.attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    this.byId = new HashMap<>();
    for (Computation c : this.computations) {
      Computation prev = byId.put(c.id(), c);
      if (prev != null) {
        throw new HloValidationException(
            "module '" + name + "': computations '" + prev.name() + "' and '" + c.name() + "' share id " + c.id());
      }
    }
    if (!byId.containsKey(entryId)) {
      throw new HloValidationException(
          "module '" + name + "': entry computation id " + entryId + " is not a computation of the module");
    }
    for (Computation c : this.computations) {
      for (Instruction instr : c.instructions()) {
        for (int k = 0; k < instr.calledComputationCount(); k++) {
          long callee = instr.calledComputationId(k);
          if (!byId.containsKey(callee)) {
            throw new HloValidationException(
                "module '" + name + "', computation '" + c.name() + "': instruction '" + instr.name()
                    + "' calls computation id " + callee + ", which is not in the module");
          }
        }
      }
    }
    checkNoCallCycle();
  }

  /**
   * A module of the given computations whose entry has id {@code entryId}.
   *
   * @throws HloValidationException if the module is not well formed
   */
  public static HloModule of(String name, long id, List<Computation> computations, long entryId) {
    return new HloModule(name, id, computations, entryId, Map.of());
  }

  /** Like {@link #of}, keeping module-header attributes (e.g. {@code entry_computation_layout}) as text. */
  public static HloModule of(
      String name, long id, List<Computation> computations, long entryId, Map<String, String> attributes) {
    return new HloModule(name, id, computations, entryId, attributes);
  }

  /** A module whose only computation is {@code entry}. */
  public static HloModule of(String name, Computation entry) {
    return of(name, 0, List.of(entry), entry.id());
  }

  private void checkNoCallCycle() {
    // Iterative DFS with colours: 0 unvisited, 1 on the stack, 2 done.
    Map<Long, Integer> colour = new HashMap<>();
    for (Computation start : computations) {
      if (colour.getOrDefault(start.id(), 0) != 0) {
        continue;
      }
      List<Computation> stack = new ArrayList<>();
      List<Integer> next = new ArrayList<>();
      List<long[]> callees = new ArrayList<>();
      stack.add(start);
      next.add(0);
      callees.add(calleesOf(start));
      colour.put(start.id(), 1);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        long[] cs = callees.get(top);
        int i = next.get(top);
        if (i == cs.length) {
          colour.put(stack.get(top).id(), 2);
          stack.remove(top);
          next.remove(top);
          callees.remove(top);
          continue;
        }
        next.set(top, i + 1);
        Computation callee = byId.get(cs[i]);
        int c = colour.getOrDefault(callee.id(), 0);
        if (c == 1) {
          StringBuilder path = new StringBuilder();
          boolean on = false;
          for (Computation s : stack) {
            on |= s.id() == callee.id();
            if (on) {
              path.append('\'').append(s.name()).append("' -> ");
            }
          }
          path.append('\'').append(callee.name()).append('\'');
          throw new HloValidationException("module '" + name + "': call cycle " + path);
        }
        if (c == 0) {
          colour.put(callee.id(), 1);
          stack.add(callee);
          next.add(0);
          callees.add(calleesOf(callee));
        }
      }
    }
  }

  private static long[] calleesOf(Computation c) {
    long[] out = new long[4];
    int n = 0;
    for (Instruction i : c.instructions()) {
      for (int k = 0; k < i.calledComputationCount(); k++) {
        long id = i.calledComputationId(k);
        boolean seen = false;
        for (int j = 0; j < n && !seen; j++) {
          seen = out[j] == id;
        }
        if (!seen) {
          if (n == out.length) {
            out = java.util.Arrays.copyOf(out, n * 2);
          }
          out[n++] = id;
        }
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /**
   * This module with ids assigned in order of appearance, as the HLO text parser assigns them:
   * computations 1, 2, ... in module order, instructions 1, 2, ... across the module in computation and
   * instruction order. Printing and re-parsing a renumbered module gives it back unchanged.
   */
  public HloModule renumbered() {
    Map<Long, Long> compIds = new HashMap<>();
    long nextComp = 1;
    for (Computation c : computations) {
      compIds.put(c.id(), nextComp++);
    }
    long nextInstr = 1;
    List<Computation> out = new ArrayList<>(computations.size());
    for (Computation c : computations) {
      Map<Long, Long> ids = new HashMap<>();
      List<Instruction> instrs = new ArrayList<>(c.size());
      for (Instruction i : c.instructions()) {
        long id = nextInstr++;
        ids.put(i.id(), id);
        long[] ops = i.operandIds();
        for (int k = 0; k < ops.length; k++) {
          ops[k] = ids.get(ops[k]);
        }
        long[] called = i.calledComputationIds();
        for (int k = 0; k < called.length; k++) {
          called[k] = compIds.get(called[k]);
        }
        instrs.add(i.withIds(id, ops, called));
      }
      long cid = compIds.get(c.id());
      long root = ids.get(c.rootId());
      out.add(c.isFusionComputation() ? Computation.fused(cid, c.name(), instrs, root) : Computation.of(cid, c.name(), instrs, root));
    }
    return new HloModule(name, id, out, compIds.get(entryId), attributes);
  }

  /** Module name. */
  public String name() {
    return name;
  }

  /** Module id (0 when unknown). */
  public long id() {
    return id;
  }

  /** All computations, in the order given. */
  public List<Computation> computations() {
    return computations;
  }

  /** The entry computation. */
  public Computation entry() {
    return byId.get(entryId);
  }

  /** Id of the entry computation. */
  public long entryId() {
    return entryId;
  }

  /** The computation with id {@code id}, if any. */
  public Optional<Computation> computation(long computationId) {
    return Optional.ofNullable(byId.get(computationId));
  }

  /** The computation with id {@code id}; it must exist (ids are checked on construction). */
  public Computation computationById(long computationId) {
    Computation c = byId.get(computationId);
    if (c == null) {
      throw new HloValidationException("module '" + name + "' has no computation with id " + computationId);
    }
    return c;
  }

  /** Module-header attributes kept as text, in the order given. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** Total number of instructions over all computations. */
  public int instructionCount() {
    int n = 0;
    for (Computation c : computations) {
      n += c.size();
    }
    return n;
  }

  @Override
  public String toString() {
    return "module '" + name + "' (" + computations.size() + " computations, " + instructionCount() + " instructions)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HloModule m
        && name.equals(m.name)
        && id == m.id
        && entryId == m.entryId
        && computations.equals(m.computations)
        && attributes.equals(m.attributes);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + computations.hashCode();
  }
}
