package dev.tpucost.api.kernel;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many times a {@code while} loop runs its body, when the module says or shows it:
 * <ol>
 *   <li>XLA's own annotation, {@code backend_config={"known_trip_count":{"n":"7"}}} (its optimised dumps carry it);
 *   <li>else a counted loop as JAX's {@code fori_loop} and {@code scan} lower it (the simple case of XLA's
 *       {@code ComputeWhileLoopTripCount}): tuple element {@code k} of the loop state starts at an integer
 *       constant {@code c0}, the body's root tuple sets it to {@code gte(state, k) + 1}, and the condition's root
 *       is {@code compare(gte(state, k), constant N)} with {@code LT} ({@code N - c0} trips) or {@code LE}
 *       ({@code N - c0 + 1}; the operands may be swapped, with {@code GT} or {@code GE});
 *   <li>else unknown.
 * </ol>
 */
final class TripCounts {
  private static final Pattern KNOWN = Pattern.compile("\"known_trip_count\"\\s*:\\s*\\{\\s*\"n\"\\s*:\\s*\"?(\\d+)\"?");

  private TripCounts() {}

  /** The trip count of {@code loop}, a {@code while} instruction of {@code parent}, if known. */
  static OptionalLong of(HloModule module, Computation parent, Instruction loop) {
    Optional<String> config = loop.backendConfig();
    if (config.isPresent()) {
      Matcher m = KNOWN.matcher(config.get());
      if (m.find()) {
        try {
          return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
          return OptionalLong.empty(); // beyond a long: not a count to multiply by
        }
      }
    }
    if (loop.calledComputationCount() != 2 || loop.operandCount() != 1) {
      return OptionalLong.empty();
    }
    // XLA's while calls (body, condition): kBodyComputationIndex 0, kConditionComputationIndex 1
    Computation body = module.computationById(loop.calledComputationId(0));
    Computation condition = module.computationById(loop.calledComputationId(1));
    Instruction compare = root(condition);
    if (compare.opcode() != Opcode.COMPARE || compare.operandCount() != 2 || compare.comparisonDirection().isEmpty()) {
      return OptionalLong.empty();
    }
    Instruction lhs = condition.instruction(compare.operandId(0)).orElse(null);
    Instruction rhs = condition.instruction(compare.operandId(1)).orElse(null);
    if (lhs == null || rhs == null) {
      return OptionalLong.empty();
    }
    ComparisonDirection d = compare.comparisonDirection().get();
    if (lhs.opcode() == Opcode.CONSTANT) { // N > i is i < N
      Instruction t = lhs;
      lhs = rhs;
      rhs = t;
      d = switch (d) {
        case GT -> ComparisonDirection.LT;
        case GE -> ComparisonDirection.LE;
        default -> null;
      };
    }
    OptionalLong bound = integer(rhs);
    if (d == null || (d != ComparisonDirection.LT && d != ComparisonDirection.LE) || bound.isEmpty()
        || !isStateElement(condition, lhs)) {
      return OptionalLong.empty();
    }
    long k = lhs.tupleIndex();
    OptionalLong start = initialValue(parent, loop, k);
    if (start.isEmpty() || !incrementsByOne(body, k)) {
      return OptionalLong.empty();
    }
    long trips = bound.getAsLong() - start.getAsLong() + (d == ComparisonDirection.LE ? 1 : 0);
    return OptionalLong.of(Math.max(0, trips));
  }

  private static Instruction root(Computation c) {
    return c.instruction(c.rootId()).orElseThrow();
  }

  /** True if {@code i} is {@code get-tuple-element(parameter 0)} of {@code c}. */
  private static boolean isStateElement(Computation c, Instruction i) {
    if (i.opcode() != Opcode.GET_TUPLE_ELEMENT || i.operandCount() != 1) {
      return false;
    }
    return c.instruction(i.operandId(0)).map(p -> p.opcode() == Opcode.PARAMETER && p.parameterNumber() == 0)
        .orElse(false);
  }

  /** The integer value of a scalar integer constant. */
  private static OptionalLong integer(Instruction i) {
    if (i.opcode() != Opcode.CONSTANT || i.shape().isTuple() || i.shape().rank() != 0) {
      return OptionalLong.empty();
    }
    String literal = i.attributes().get("literal");
    if (literal == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(literal.trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // a float, a bool, an elided literal
    }
  }

  /** The constant element {@code k} of the loop's initial state (a tuple built in {@code parent}). */
  private static OptionalLong initialValue(Computation parent, Instruction loop, long k) {
    Instruction init = parent.instruction(loop.operandId(0)).orElse(null);
    if (init == null || init.opcode() != Opcode.TUPLE || k < 0 || k >= init.operandCount()) {
      return OptionalLong.empty();
    }
    return parent.instruction(init.operandId((int) k)).map(TripCounts::integer).orElse(OptionalLong.empty());
  }

  /** True if the body's root tuple sets element {@code k} to {@code gte(state, k) + 1}. */
  private static boolean incrementsByOne(Computation body, long k) {
    Instruction result = root(body);
    if (result.opcode() != Opcode.TUPLE || k >= result.operandCount()) {
      return false;
    }
    Instruction add = body.instruction(result.operandId((int) k)).orElse(null);
    if (add == null || add.opcode() != Opcode.ADD || add.operandCount() != 2) {
      return false;
    }
    for (int side = 0; side < 2; side++) {
      Instruction counter = body.instruction(add.operandId(side)).orElse(null);
      Instruction one = body.instruction(add.operandId(1 - side)).orElse(null);
      if (counter != null && one != null && isStateElement(body, counter) && counter.tupleIndex() == k
          && integer(one).orElse(0) == 1) {
        return true;
      }
    }
    return false;
  }
}
