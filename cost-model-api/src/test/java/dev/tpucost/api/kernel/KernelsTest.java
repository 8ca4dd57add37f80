package dev.tpucost.api.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.shape.Shape;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KernelsTest {
  private final AtomicLong ids = new AtomicLong(1);
  private static final Shape V = Shape.parse("f32[256,256]");

  private Computation fusedNegate(long id) {
    ComputationBuilder f = ComputationBuilder.create("fused_negate." + id, id, ids);
    Instruction p = f.parameter(V);
    f.op(Opcode.NEGATE, V, p);
    return f.buildFused();
  }

  @Test
  void extractsFusionsAndRealWorkAndWalksLoops() {
    Computation fused = fusedNegate(2);
    Computation fusedInLoop = fusedNegate(3);
    ComputationBuilder body = ComputationBuilder.create("body", 4, ids);
    Instruction bp = body.parameter(V);
    Instruction inLoop = body.op(Opcode.FUSION, V, i -> i.fusionKind(FusionKind.LOOP).calledComputations(3), bp);
    ComputationBuilder cond = ComputationBuilder.create("cond", 5, ids);
    cond.parameter(V);
    cond.op(Opcode.CONSTANT, Shape.parse("pred[]"));
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction x = e.parameter(V);
    Instruction w = e.parameter(V);
    Instruction f = e.op(Opcode.FUSION, V, i -> i.fusionKind(FusionKind.LOOP).calledComputations(2), x);
    Instruction d = e.op(Opcode.DOT, V, i -> i.dotDimensions(DotDimensionNumbers.matmul()), f, w);
    Instruction bc = e.op(Opcode.BITCAST, V, d);
    Instruction loop = e.op(Opcode.WHILE, V, i -> i.calledComputations(4, 5), bc);
    Instruction t = e.op(Opcode.TUPLE, Shape.tuple(V, V), loop, d);
    e.op(Opcode.GET_TUPLE_ELEMENT, V, i -> i.tupleIndex(0), t);
    HloModule m = HloModule.of("m", 0, List.of(fused, fusedInLoop, body.build(), cond.build(), e.build()), 1);

    List<Kernel> kernels = Kernels.of(m);
    // The bitcast, tuple, get-tuple-element, parameters and the while itself are not kernels.
    assertThat(kernels).extracting(Kernel::name).containsExactly(f.name(), d.name(), inLoop.name());
    assertThat(kernels.get(0).isFusion()).isTrue();
    assertThat(kernels.get(1).fusionKind()).isEmpty();
    assertThat(kernels.get(1).parameterCount()).isEqualTo(2);
    assertThat(kernels.get(2).origin()).isEqualTo("main/" + loop.name() + "/body");
    assertThat(kernels.get(0).origin()).isEqualTo("main");
  }

  private static final Shape S32 = Shape.parse("s32[]");
  private static final Shape STATE = Shape.tuple(S32, V);

  /**
   * A loop over {@code (i, x)}: the body negates {@code x} and sets {@code i + step}; the condition is {@code i
   * < bound} (bound null: {@code i < i}, no constant to count against). Its computations get ids {@code id} (body)
   * and {@code id + 1} (condition); returns them.
   */
  private List<Computation> loop(long id, Integer bound, int step) {
    ComputationBuilder body = ComputationBuilder.create("body." + id, id, ids);
    Instruction p = body.parameter(STATE);
    Instruction i = body.op(Opcode.GET_TUPLE_ELEMENT, S32, b -> b.tupleIndex(0), p);
    Instruction x = body.op(Opcode.GET_TUPLE_ELEMENT, V, b -> b.tupleIndex(1), p);
    Instruction one = body.op(Opcode.CONSTANT, S32, b -> b.attribute("literal", Integer.toString(step)));
    Instruction y = body.op(Opcode.NEGATE, V, x);
    Instruction j = body.op(Opcode.ADD, S32, i, one);
    body.op(Opcode.TUPLE, STATE, j, y);
    ComputationBuilder cond = ComputationBuilder.create("cond." + id, id + 1, ids);
    Instruction q = cond.parameter(STATE);
    Instruction k = cond.op(Opcode.GET_TUPLE_ELEMENT, S32, b -> b.tupleIndex(0), q);
    Instruction n = bound == null ? k : cond.op(Opcode.CONSTANT, S32, b -> b.attribute("literal", bound.toString()));
    cond.op(Opcode.COMPARE, Shape.parse("pred[]"), b -> b.comparisonDirection(ComparisonDirection.LT), k, n);
    return List.of(body.build(), cond.build());
  }

  /** A module whose entry runs {@code while(tuple(0, x))} over the loop with computations {@code id, id + 1}. */
  private HloModule withLoop(List<Computation> loop, long id, String backendConfig) {
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction x = e.parameter(V);
    Instruction zero = e.op(Opcode.CONSTANT, S32, b -> b.attribute("literal", "0"));
    Instruction t = e.op(Opcode.TUPLE, STATE, zero, x);
    Instruction w = e.op(Opcode.WHILE, STATE, b -> {
      b.calledComputations(id, id + 1);
      return backendConfig == null ? b : b.backendConfig(backendConfig);
    }, t);
    Instruction r = e.op(Opcode.GET_TUPLE_ELEMENT, V, b -> b.tupleIndex(1), w);
    e.op(Opcode.TANH, V, r);
    List<Computation> all = new java.util.ArrayList<>(loop);
    all.add(e.build());
    return HloModule.of("m", 0, all, 1);
  }

  private static long runsOf(Kernels.Runs runs, Opcode op) {
    return runs.kernels().stream().filter(r -> r.kernel().root().opcode() == op).findFirst().orElseThrow().runs();
  }

  @Test
  void aLoopsKernelsRunOncePerTripWhenTheModuleSaysOrShowsHowMany() {
    // A counted loop, 0 to 10 by 1: body 10 times, condition 11, the rest once.
    HloModule countedLoop = withLoop(loop(10, 10, 1), 10, null);
    Kernels.Runs counted = Kernels.runs(countedLoop);
    assertThat(counted.uncountedLoops()).isEmpty();
    assertThat(runsOf(counted, Opcode.NEGATE)).isEqualTo(10);
    assertThat(runsOf(counted, Opcode.ADD)).isEqualTo(10);
    assertThat(runsOf(counted, Opcode.COMPARE)).isEqualTo(11);
    assertThat(runsOf(counted, Opcode.TANH)).isEqualTo(1);
    assertThat(counted.kernels()).allMatch(Kernels.Run::exact);
    assertThat(counted.kernels()).extracting(Kernels.Run::kernel).extracting(Kernel::name)
        .isEqualTo(Kernels.of(countedLoop).stream().map(Kernel::name).toList()); // the same kernels, in order
    // XLA's annotation wins over the pattern.
    Kernels.Runs known = Kernels.runs(withLoop(loop(20, 10, 1), 20, "{\"known_trip_count\":{\"n\":\"7\"}}"));
    assertThat(runsOf(known, Opcode.NEGATE)).isEqualTo(7);
    // Not a counted loop (a step of 2, or no constant bound): counted once, and said.
    for (HloModule unknown : List.of(withLoop(loop(30, 10, 2), 30, null),
        withLoop(loop(40, null, 1), 40, null))) {
      Kernels.Runs r = Kernels.runs(unknown);
      assertThat(r.uncountedLoops()).hasSize(1);
      assertThat(runsOf(r, Opcode.NEGATE)).isEqualTo(1);
      assertThat(r.kernels().stream().filter(k -> k.kernel().root().opcode() == Opcode.NEGATE))
          .noneMatch(Kernels.Run::exact);
      assertThat(r.kernels().stream().filter(k -> k.kernel().root().opcode() == Opcode.TANH))
          .allMatch(Kernels.Run::exact);
    }
  }

  @Test
  void aConditionalsBranchesEachCountAsRunningAndAreMarkedInexact() {
    ComputationBuilder yes = ComputationBuilder.create("yes", 50, ids);
    yes.op(Opcode.TANH, V, yes.parameter(V));
    ComputationBuilder no = ComputationBuilder.create("no", 51, ids);
    no.op(Opcode.NEGATE, V, no.parameter(V));
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction a = e.parameter(V);
    Instruction b = e.parameter(Shape.parse("pred[]"));
    Instruction c = e.op(Opcode.CONDITIONAL, V, i -> i.calledComputations(50, 51), b, a, a);
    e.op(Opcode.EXP, V, c);
    Kernels.Runs runs = Kernels.runs(HloModule.of("m", 0, List.of(yes.build(), no.build(), e.build()), 1));
    assertThat(runs.kernels()).extracting(Kernels.Run::runs).containsOnly(1L);
    assertThat(runs.kernels()).filteredOn(r -> r.kernel().root().opcode() != Opcode.EXP).hasSize(2)
        .noneMatch(Kernels.Run::exact);
    assertThat(runs.kernels()).filteredOn(r -> r.kernel().root().opcode() == Opcode.EXP).allMatch(Kernels.Run::exact);
    assertThat(runs.uncountedLoops()).isEmpty();
  }

  @Test
  void aModuleThatIsOneFusionGivesOneKernelNamedAfterIt() {
    Computation fused = fusedNegate(2);
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction x = e.parameter(V);
    Instruction f = e.op(Opcode.FUSION, V, i -> i.fusionKind(FusionKind.LOOP).calledComputations(2), x);
    List<Kernel> kernels = Kernels.of(HloModule.of("m", 0, List.of(fused, e.build()), 1));
    assertThat(kernels).hasSize(1);
    assertThat(kernels.get(0).name()).isEqualTo(f.name());
    assertThat(kernels.get(0).nodeCount()).isEqualTo(2);
    assertThat(kernels.get(0).edgeCount()).isEqualTo(1);
    assertThat(kernels.get(0).userCount(0)).isEqualTo(1);
  }

  @Test
  void singleOpKernelsShareOneParameterPerDistinctOperand() {
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction x = e.parameter(V);
    Instruction sq = e.op(Opcode.MULTIPLY, V, x, x);
    Computation c = e.build();
    Kernel k = Kernel.ofInstruction(HloModule.of("m", c), c, sq, "main");
    assertThat(k.parameterCount()).isEqualTo(1);
    assertThat(k.root().id()).isEqualTo(sq.id());
    // HloCostAnalysis's standalone rule sums bytes per operand position, so x counts twice.
    assertThat(k.stats().bytesRead()).isEqualTo(2 * 256 * 256 * 4);
    assertThat(k.parameterShapes()).containsExactly(V);
  }

  @Test
  void aFusionWithoutKindIsRejectedByName() {
    Computation fused = fusedNegate(2);
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction x = e.parameter(V);
    Instruction f = e.op(Opcode.FUSION, V, i -> i.calledComputations(2), x);
    HloModule m = HloModule.of("m", 0, List.of(fused, e.build()), 1);
    assertThatThrownBy(() -> Kernels.of(m))
        .isInstanceOf(HloValidationException.class)
        .hasMessageContaining("fusion '" + f.name() + "' has no fusion kind");
  }

  @Test
  void nestedFusionsAreInlinedIntoTheirKernel() {
    // XLA:TPU style: a kOutput fusion whose computation calls a bitcast fusion and a producer fusion.
    ComputationBuilder bitcast = ComputationBuilder.create("bitcast_fusion", 2, ids);
    Instruction bp = bitcast.parameter(V);
    bitcast.op(Opcode.BITCAST, V, bp);
    Computation inner = fusedNegate(3);
    ComputationBuilder outer = ComputationBuilder.create("fused_computation", 4, ids);
    Instruction a = outer.parameter(V);
    Instruction w = outer.parameter(V);
    Instruction na = outer.op(Opcode.FUSION, V, i -> i.fusionKind(FusionKind.LOOP).calledComputations(3), a);
    Instruction bw = outer.op(Opcode.FUSION, V, i -> i.fusionKind(FusionKind.LOOP).calledComputations(2), w);
    outer.op(Opcode.DOT, V, i -> i.dotDimensions(DotDimensionNumbers.matmul()), na, bw);
    ComputationBuilder e = ComputationBuilder.create("main", 1, ids);
    Instruction x = e.parameter(V);
    Instruction y = e.parameter(V);
    e.op(Opcode.FUSION, V, i -> i.fusionKind(FusionKind.OUTPUT).calledComputations(4), x, y);
    HloModule m = HloModule.of("m", 0, List.of(bitcast.buildFused(), inner, outer.buildFused(), e.build()), 1);

    Kernel k = Kernels.of(m).get(0);
    // The nested fusions' ops (negate, bitcast) replace them; the dot reads them directly.
    assertThat(k.nodes()).extracting(Instruction::opcode)
        .containsExactly(Opcode.PARAMETER, Opcode.PARAMETER, Opcode.NEGATE, Opcode.BITCAST, Opcode.DOT);
    assertThat(k.nodes()).noneMatch(n -> n.opcode() == Opcode.FUSION);
    assertThat(k.node(k.operand(k.rootIndex(), 0)).opcode()).isEqualTo(Opcode.NEGATE);
    assertThat(k.node(k.operand(k.rootIndex(), 1)).opcode()).isEqualTo(Opcode.BITCAST);
    assertThat(k.parameterCount()).isEqualTo(2);
    // The negate's flops now count, once: 256 x 256 plus the dot's 2 x 256^3.
    assertThat(k.stats().flops()).isEqualTo(256.0 * 256 + 2.0 * 256 * 256 * 256);
  }

  private record ChipKey(String chip) {}

  @Test
  void aDerivedValueIsComputedOncePerKeyKeptWithTheKernelAndAFailureStoresNothing() {
    Kernel k = Kernel.of("negate", FusionKind.LOOP, fusedNegate(7), java.util.Map.of(), "test");
    AtomicLong computed = new AtomicLong();
    java.util.function.Function<Kernel, String> compute = kernel -> kernel.name() + "#" + computed.incrementAndGet();
    assertThat(k.derived(new ChipKey("v4"), String.class, compute)).isEqualTo("negate#1");
    // An equal key finds the kept value; another key derives its own.
    assertThat(k.derived(new ChipKey("v4"), String.class, compute)).isEqualTo("negate#1");
    assertThat(k.derived(new ChipKey("v3"), String.class, compute)).isEqualTo("negate#2");
    Object token = new Object();
    assertThatThrownBy(() -> k.derived(token, String.class, kernel -> {
      throw new IllegalStateException("invalid kernel");
    })).hasMessage("invalid kernel");
    assertThat(k.derived(token, String.class, compute)).isEqualTo("negate#3");
    assertThat(computed.get()).isEqualTo(3);
    // Another kernel with the same contents keeps its own values.
    Kernel twin = Kernel.of("negate", FusionKind.LOOP, k.body(), java.util.Map.of(), "test");
    assertThat(twin.derived(new ChipKey("v4"), String.class, compute)).isEqualTo("negate#4");
  }
}
