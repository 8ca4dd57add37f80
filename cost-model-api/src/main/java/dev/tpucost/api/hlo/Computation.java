package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HLO computation: instructions in an order where every operand comes before its users, a root, and
 * parameters numbered {@code 0..n-1}.
 *
 * <p>Validated on construction: ids are unique, every operand id names an earlier instruction (so the
 * graph has no cycles), the root exists, parameter numbers are unique and dense. Errors are
 * {@link HloValidationException}s naming the computation and instruction.
 */
public final class Computation {
  private final long id;
  private final String name;
  private final ImmutableList<Instruction> instructions;
  private final long rootId;
  private final boolean fusionComputation;
  private final Map<Long, Integer> indexById;
  private final int rootIndex;
  private final Instruction[] parameters;

  private Computation(long id, String name, List<Instruction> instructions, long rootId, boolean fusion) {
    this.id = id;
    this.name = checkNotNull(name, "computation name");
    this.instructions = ImmutableList.copyOf(instructions);
    this.rootId = rootId;
    this.fusionComputation = fusion;
    this.indexById = new HashMap<>(instructions.size() * 2);
    int params = 0;
    for (int i = 0; i < this.instructions.size(); i++) {
      Instruction instr = this.instructions.get(i);
      for (int k = 0; k < instr.operandCount(); k++) {
        long op = instr.operandId(k);
        if (!indexById.containsKey(op)) {
          throw error(
              instr,
              op == instr.id()
                  ? "uses itself as operand " + k
                  : "uses operand id " + op + " (operand " + k + "), which is not defined before it"
                      + " in this computation");
        }
      }
      Integer previous = indexById.put(instr.id(), i);
      if (previous != null) {
        throw error(instr, "repeats id " + instr.id() + ", already used by '" + this.instructions.get(previous).name() + "'");
      }
      if (instr.opcode() == Opcode.PARAMETER) {
        params++;
      }
    }
    Integer r = indexById.get(rootId);
    if (r == null) {
      throw new HloValidationException(
          "computation '" + name + "' (id " + id + "): root id " + rootId + " is not an instruction of it");
    }
    this.rootIndex = r;
    this.parameters = new Instruction[params];
    for (Instruction instr : this.instructions) {
      if (instr.opcode() != Opcode.PARAMETER) {
        continue;
      }
      long n = instr.parameterNumber();
      if (n >= params) {
        throw error(instr, "has parameter_number " + n + " but the computation has only " + params + " parameters");
      }
      if (parameters[(int) n] != null) {
        throw error(instr, "repeats parameter_number " + n + " of '" + parameters[(int) n].name() + "'");
      }
      parameters[(int) n] = instr;
    }
  }

  private HloValidationException error(Instruction instr, String what) {
    return new HloValidationException(
        "computation '" + name + "' (id " + id + "): instruction '" + instr.name() + "' (id " + instr.id() + ") " + what);
  }

  /**
   * A computation of the given instructions (operands before users) and root.
   *
   * @throws HloValidationException if the computation is not well formed
   */
  public static Computation of(long id, String name, List<Instruction> instructions, long rootId) {
    return new Computation(id, name, instructions, rootId, false);
  }

  /** Like {@link #of}, marked as a fusion computation (XLA's {@code is_fusion_computation}). */
  public static Computation fused(long id, String name, List<Instruction> instructions, long rootId) {
    return new Computation(id, name, instructions, rootId, true);
  }

  /** Like {@link #of} with the last instruction as root. */
  public static Computation of(long id, String name, List<Instruction> instructions) {
    if (instructions.isEmpty()) {
      throw new HloValidationException("computation '" + name + "' (id " + id + ") has no instructions");
    }
    return of(id, name, instructions, instructions.get(instructions.size() - 1).id());
  }

  /** Unique id within the module. */
  public long id() {
    return id;
  }

  /** Name, without a leading {@code %}. */
  public String name() {
    return name;
  }

  /** Instructions, every operand before its users. */
  public List<Instruction> instructions() {
    return instructions;
  }

  /** Number of instructions. */
  public int size() {
    return instructions.size();
  }

  /** Id of the root instruction. */
  public long rootId() {
    return rootId;
  }

  /** The root instruction. */
  public Instruction root() {
    return instructions.get(rootIndex);
  }

  /** True if this computation is the body of a fusion. */
  public boolean isFusionComputation() {
    return fusionComputation;
  }

  /** The instruction with id {@code id}, if it belongs to this computation. */
  public Optional<Instruction> instruction(long instructionId) {
    Integer i = indexById.get(instructionId);
    return i == null ? Optional.empty() : Optional.of(instructions.get(i));
  }

  /** Position of instruction {@code id} in {@link #instructions()}, or -1. */
  public int indexOf(long instructionId) {
    Integer i = indexById.get(instructionId);
    return i == null ? -1 : i;
  }

  /** Operand {@code k} of {@code instr} (which must belong to this computation). */
  public Instruction operand(Instruction instr, int k) {
    return instructions.get(indexById.get(instr.operandId(k)));
  }

  /** Number of parameters. */
  public int parameterCount() {
    return parameters.length;
  }

  /** The parameter instruction with number {@code n}. */
  public Instruction parameter(int n) {
    return parameters[n];
  }

  @Override
  public String toString() {
    return "computation '" + name + "' (id " + id + ", " + instructions.size() + " instructions)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Computation c
        && id == c.id
        && name.equals(c.name)
        && rootId == c.rootId
        && fusionComputation == c.fusionComputation
        && instructions.equals(c.instructions);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id) * 31 + instructions.hashCode();
  }
}
