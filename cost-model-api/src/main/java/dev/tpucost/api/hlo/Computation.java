package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.shape.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An HLO computation: instructions in an order where every operand comes before its users, a root, and
 * parameters numbered {@code 0..n-1}.
 *
 * <p>Validated on construction: ids are unique, every operand id names an earlier instruction (so the
 * graph has no cycles), the root exists, parameter numbers are unique and dense, every instruction has at
 * least the operands its opcode takes, and dimension attributes
 * (dot and convolution dimension numbers; broadcast, transpose, reverse, reduce and concatenate
 * dimensions) are within the ranks of the shapes they index. Errors are
 * {@link HloValidationException}s naming the computation and instruction.
 */
public final class Computation {
  private final long id;
  private final String name;
  private final ImmutableList<Instruction> instructions;
  private final long rootId;
  private final boolean fusionComputation;
  private final IdIndex indexById;
  private final int rootIndex;
  private final Instruction[] parameters;

  private Computation(long id, String name, List<Instruction> instructions, long rootId, boolean fusion) {
    this.id = id;
    this.name = checkNotNull(name, "computation name");
    this.instructions = ImmutableList.copyOf(instructions);
    this.rootId = rootId;
    this.fusionComputation = fusion;
    this.indexById = IdIndex.forInstructions(this.instructions);
    int params = 0;
    for (int i = 0; i < this.instructions.size(); i++) {
      Instruction instr = this.instructions.get(i);
      for (int k = 0; k < instr.operandCount(); k++) {
        long op = instr.operandId(k);
        if (indexById.get(op) < 0) {
          throw error(
              instr,
              op == instr.id()
                  ? "uses itself as operand " + k
                  : "uses operand id " + op + " (operand " + k + "), which is not defined before it"
                      + " in this computation");
        }
      }
      checkDimensions(instr, indexById);
      int previous = indexById.put(instr.id(), i);
      if (previous >= 0) {
        throw error(instr, "repeats id " + instr.id() + ", already used by '" + this.instructions.get(previous).name() + "'");
      }
      if (instr.opcode() == Opcode.PARAMETER) {
        params++;
      }
    }
    int r = indexById.get(rootId);
    if (r < 0) {
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

  /**
   * Attributes that index into operand or result dimensions must stay within their ranks (XLA's shape
   * inference guarantees it for what XLA writes; a hand-edited or damaged file may not).
   */
  private void checkDimensions(Instruction instr, IdIndex indexById) {
    int least = minimumOperands(instr.opcode());
    if (instr.operandCount() < least) {
      throw error(instr, "has " + instr.operandCount() + " operands; " + instr.opcode().text() + " takes at least " + least);
    }
    switch (instr.opcode()) {
      case DOT -> {
        // Without dimension numbers a dot is read as a matmul (as the cost rules do).
        DotDimensionNumbers dn = instr.dotDimensions().orElse(DotDimensionNumbers.matmul());
        int lhs = operandRank(instr, 0, indexById);
        int rhs = operandRank(instr, 1, indexById);
        inRange(instr, "lhs batch and contracting dims", concat(dn.lhsBatch(), dn.lhsContracting()), lhs);
        inRange(instr, "rhs batch and contracting dims", concat(dn.rhsBatch(), dn.rhsContracting()), rhs);
        int expected = lhs + rhs - 2 * dn.lhsContracting().size() - dn.lhsBatch().size();
        if (instr.shape().isArray() && instr.shape().rank() != expected) {
          throw error(instr, "has a rank-" + instr.shape().rank() + " result, but its operands (ranks " + lhs + " and "
              + rhs + ") and dimension numbers make rank " + expected);
        }
      }
      case CONVOLUTION -> {
        if (instr.convolutionDimensions().isPresent()) {
          ConvolutionDimensionNumbers dn = instr.convolutionDimensions().get();
          int in = operandRank(instr, 0, indexById);
          int k = operandRank(instr, 1, indexById);
          int out = instr.shape().isArray() ? instr.shape().rank() : 0;
          inRange(instr, "input dimensions", join(dn.inputBatch(), dn.inputFeature(), dn.inputSpatial()), in);
          inRange(instr, "kernel dimensions", join(dn.kernelInputFeature(), dn.kernelOutputFeature(), dn.kernelSpatial()), k);
          inRange(instr, "output dimensions", join(dn.outputBatch(), dn.outputFeature(), dn.outputSpatial()), out);
        }
      }
      case BROADCAST, TRANSPOSE, REVERSE -> inRange(instr, "dimensions", dims(instr),
          instr.shape().isArray() ? instr.shape().rank() : 0);
      case REDUCE, CONCATENATE -> {
        if (instr.operandCount() >= 1) {
          inRange(instr, "dimensions", dims(instr), operandRank(instr, 0, indexById));
        }
      }
      default -> { }
    }
  }

  /** The fewest operands XLA allows for {@code op} (0 where tpucost's rules read none). */
  static int minimumOperands(Opcode op) {
    return switch (op) {
      case SELECT_AND_SCATTER, SCATTER, SELECT, CLAMP, BATCH_NORM_TRAINING -> 3;
      case BATCH_NORM_GRAD, BATCH_NORM_INFERENCE -> 5;
      case REDUCE, REDUCE_WINDOW, PAD, GATHER, DYNAMIC_UPDATE_SLICE, TRIANGULAR_SOLVE -> 2;
      case IOTA, COPY_DONE -> 0;
      default -> switch (op.category()) {
        case CONTRACTION -> 2;
        case ELEMENTWISE, TRANSCENDENTAL, DATA_MOVEMENT -> 1;
        default -> op == Opcode.SORT || op == Opcode.CHOLESKY ? 1 : 0;
      };
    };
  }

  private int operandRank(Instruction instr, int k, IdIndex indexById) {
    Shape s = instructions.get(indexById.get(instr.operandId(k))).shape();
    return s.isArray() ? s.rank() : 0;
  }

  private static List<Long> dims(Instruction instr) {
    List<Long> out = new ArrayList<>();
    for (long d : instr.dimensions()) {
      out.add(d);
    }
    return out;
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<Long> join(long a, long b, List<Long> rest) {
    List<Long> out = new ArrayList<>(List.of(a, b));
    out.addAll(rest);
    return out;
  }

  private void inRange(Instruction instr, String what, List<Long> dims, int rank) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (long d : dims) {
      if (d < 0 || d >= rank) {
        throw error(instr, "has " + what + " " + dims + ", but dimension " + d + " is outside a rank-" + rank + " shape");
      }
      if (!seen.add(d)) {
        throw error(instr, "repeats dimension " + d + " in " + what + " " + dims);
      }
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
    int i = indexById.get(instructionId);
    return i < 0 ? Optional.empty() : Optional.of(instructions.get(i));
  }

  /** Position of instruction {@code id} in {@link #instructions()}, or -1. */
  public int indexOf(long instructionId) {
    return indexById.get(instructionId);
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
