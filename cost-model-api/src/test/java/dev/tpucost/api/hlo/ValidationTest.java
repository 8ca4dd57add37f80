package dev.tpucost.api.hlo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.shape.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {
  private static final Shape F32 = Shape.parse("f32[4]");

  private static Instruction param(long id, int number) {
    return Instruction.builder(id, "p" + number, Opcode.PARAMETER, F32).parameterNumber(number).build();
  }

  private static Instruction add(long id, long a, long b) {
    return Instruction.builder(id, "add." + id, Opcode.ADD, F32).operands(a, b).build();
  }

  @Test
  void acceptsAWellFormedComputation() {
    Computation c = Computation.of(1, "c", List.of(param(1, 0), param(2, 1), add(3, 1, 2)));
    assertThat(c.root().name()).isEqualTo("add.3");
    assertThat(c.parameter(1).id()).isEqualTo(2);
    assertThat(c.operand(c.root(), 1).name()).isEqualTo("p1");
  }

  @Test
  void looksUpDenseSparseAndExtremeIdsAlike() {
    // XLA's unique ids put the computation's id in the high 32 bits; hand-written files use small ones
    long[][] idSets = {{1, 2, 3}, {7L << 32, (7L << 32) + 1, (7L << 32) + 2}, {5, 1_000_000, 3},
        {Long.MIN_VALUE, Long.MAX_VALUE, 0}, {-4, -3, -1}};
    for (long[] ids : idSets) {
      Computation c = Computation.of(1, "c", List.of(param(ids[0], 0), param(ids[1], 1), add(ids[2], ids[0], ids[1])));
      for (int k = 0; k < 3; k++) {
        assertThat(c.indexOf(ids[k])).isEqualTo(k);
        assertThat(c.instruction(ids[k])).isPresent();
      }
      assertThat(c.operand(c.root(), 1).name()).isEqualTo("p1");
      for (long absent : new long[] {ids[0] + 1000, ids[1] - 7, 42, Long.MIN_VALUE + 1}) {
        if (absent != ids[0] && absent != ids[1] && absent != ids[2]) {
          assertThat(c.indexOf(absent)).isEqualTo(-1);
          assertThat(c.instruction(absent)).isEmpty();
        }
      }
      assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(ids[0], 0), add(ids[0], ids[0], ids[0]))))
          .hasMessageContaining("repeats id " + ids[0]);
    }
  }

  @Test
  void rejectsDuplicateIds() {
    assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(1, 0), add(1, 1, 1))))
        .isInstanceOf(HloValidationException.class)
        .hasMessageContaining("instruction 'add.1' (id 1) repeats id 1, already used by 'p0'");
  }

  @Test
  void rejectsOperandsDefinedLaterOrMissing() {
    assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(1, 0), add(2, 1, 3), add(3, 1, 1))))
        .isInstanceOf(HloValidationException.class)
        .hasMessageContaining("computation 'c'")
        .hasMessageContaining("'add.2' (id 2) uses operand id 3 (operand 1), which is not defined before it");
    assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(1, 0), add(2, 2, 1))))
        .hasMessageContaining("'add.2' (id 2) uses itself as operand 0");
  }

  @Test
  void rejectsBadRootsAndParameterNumbers() {
    assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(1, 0)), 9))
        .hasMessageContaining("root id 9 is not an instruction of it");
    assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(1, 0), param(2, 0))))
        .hasMessageContaining("'p0' (id 2) repeats parameter_number 0");
    assertThatThrownBy(() -> Computation.of(1, "c", List.of(param(1, 0), param(2, 2))))
        .hasMessageContaining("'p2' (id 2) has parameter_number 2 but the computation has only 2 parameters");
    assertThatThrownBy(() -> Instruction.builder(1, "p", Opcode.PARAMETER, F32).build())
        .hasMessageContaining("parameter p has no parameter_number");
    assertThatThrownBy(() -> Instruction.builder(1, "f", Opcode.FUSION, F32).build())
        .hasMessageContaining("fusion f calls no computation");
  }

  @Test
  void rejectsModulesWithMissingComputationsOrCallCycles() {
    Computation a = Computation.of(1, "a", List.of(
        param(1, 0),
        Instruction.builder(2, "call_b", Opcode.CALL, F32).operands(1).calledComputations(2).build()));
    Computation b = Computation.of(2, "b", List.of(
        param(3, 0),
        Instruction.builder(4, "call_a", Opcode.CALL, F32).operands(3).calledComputations(1).build()));
    assertThatThrownBy(() -> HloModule.of("m", 0, List.of(a, b), 1))
        .isInstanceOf(HloValidationException.class)
        .hasMessageContaining("module 'm': call cycle 'a' -> 'b' -> 'a'");
    assertThatThrownBy(() -> HloModule.of("m", 0, List.of(a), 1))
        .hasMessageContaining("instruction 'call_b' calls computation id 2, which is not in the module");
    assertThatThrownBy(() -> HloModule.of("m", 0, List.of(b), 7))
        .hasMessageContaining("entry computation id 7 is not a computation of the module");
    Computation a2 = Computation.of(2, "a2", List.of(param(5, 0)));
    Computation b2 = Computation.of(2, "b2", List.of(param(6, 0)));
    assertThatThrownBy(() -> HloModule.of("m", 0, List.of(a2, b2), 2))
        .hasMessageContaining("computations 'a2' and 'b2' share id 2");
  }

  @Test
  void opcodesUseXlaSpellingsAndCategories() {
    assertThat(Opcode.forText("get-tuple-element")).contains(Opcode.GET_TUPLE_ELEMENT);
    assertThat(Opcode.forText("exponential")).contains(Opcode.EXP);
    assertThat(Opcode.forText("cosine").orElseThrow().category()).isEqualTo(OpCategory.TRANSCENDENTAL);
    assertThat(Opcode.DOT.category()).isEqualTo(OpCategory.CONTRACTION);
    assertThat(Opcode.ALL_REDUCE.category()).isEqualTo(OpCategory.COLLECTIVE);
    assertThat(Opcode.WHILE.category()).isEqualTo(OpCategory.CONTROL);
    assertThat(Opcode.REDUCE.category()).isEqualTo(OpCategory.REDUCTION);
    assertThat(Opcode.forText("exp")).isEmpty();
    assertThat(Opcode.values()).hasSizeGreaterThan(125);
  }
}
