package dev.tpucost.corpus.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.binary.HloProtoWriter;
import dev.tpucost.hlo.text.HloTextParser;
import dev.tpucost.hlo.text.HloTextPrinter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fusion pass over the program zoo: no work lost or duplicated, every fusion kind, seeded variants. */
class ZooFusionTest {
  private static double flops(List<Kernel> ks) {
    return ks.stream().mapToDouble(k -> k.stats().flops()).sum();
  }

  private static double transcendentals(List<Kernel> ks) {
    return ks.stream().mapToDouble(k -> k.stats().transcendentals()).sum();
  }

  @Test
  void fusesWithoutDuplicatingOrLosingWork() {
    EnumSet<FusionKind> kinds = EnumSet.noneOf(FusionKind.class);
    for (int i = 0; i < 40; i++) {
      HloModule m = Zoo.program(3, i).module();
      List<Kernel> before = Kernels.of(m);
      HloModule fused = FusionPass.run(m);
      List<Kernel> after = Kernels.of(fused);
      assertThat(after.size()).as(m.name()).isLessThan(before.size());
      assertThat(flops(after)).as(m.name()).isEqualTo(flops(before));
      assertThat(transcendentals(after)).as(m.name()).isEqualTo(transcendentals(before));
      for (Kernel k : after) {
        k.fusionKind().ifPresent(kinds::add);
        long heroes = k.nodes().stream().filter(n -> n.opcode() == Opcode.DOT || n.opcode() == Opcode.CONVOLUTION
            || n.opcode() == Opcode.REDUCE || n.opcode() == Opcode.REDUCE_WINDOW).count();
        assertThat(heroes).as("%s in %s", k.name(), m.name()).isLessThanOrEqualTo(1);
        assertThat(k.nodeCount()).isLessThanOrEqualTo(FusionPass.MAX_FUSION_SIZE * 2);
      }
      assertThat(HloTextParser.parse(HloTextPrinter.print(fused), "t")).isEqualTo(fused);
      assertThat(HloProtoReader.read(HloProtoWriter.write(fused), "p").module()).isEqualTo(fused);
    }
    assertThat(kinds).containsExactlyInAnyOrder(FusionKind.LOOP, FusionKind.INPUT, FusionKind.OUTPUT);
  }

  @Test
  void randomModeSpansNoFusionToFullFusionAndVariesWithTheSeed() {
    HloModule m = Zoo.program(3, 3).module(); // a transformer layer
    assertThat(Kernels.of(FusionPass.random(m, 0, 1))).hasSameSizeAs(Kernels.of(m));
    assertThat(FusionPass.random(m, 1, 1)).isEqualTo(FusionPass.run(m));
    Set<String> a = names(Kernels.of(FusionPass.random(m, 0.5, 1)));
    Set<String> b = names(Kernels.of(FusionPass.random(m, 0.5, 2)));
    assertThat(a).isNotEqualTo(b);
    assertThat(FusionPass.random(m, 0.5, 1)).isEqualTo(FusionPass.random(m, 0.5, 1));
    assertThat(flops(Kernels.of(FusionPass.random(m, 0.5, 2)))).isEqualTo(flops(Kernels.of(m)));
  }

  @Test
  void whileBodiesAreFusedOnTheirOwnAndTheLoopIsKept() {
    HloModule m = Zoo.program(3, 6).module(); // rnn_loop
    HloModule fused = FusionPass.run(m);
    Instruction loop = fused.entry().instructions().stream().filter(i -> i.opcode() == Opcode.WHILE).findFirst().orElseThrow();
    assertThat(loop.calledComputationCount()).isEqualTo(2);
    List<Kernel> inBody = Kernels.of(fused).stream().filter(k -> k.origin().contains("/rnn_body")).toList();
    assertThat(inBody).isNotEmpty();
    assertThat(inBody).anyMatch(Kernel::isFusion);
  }

  @Test
  void existingFusionsAreKept() {
    HloModule post = FusionPass.run(Zoo.program(3, 0).module());
    assertThat(FusionPass.run(post)).isEqualTo(post);
  }

  private static Set<String> names(List<Kernel> ks) {
    return ks.stream().map(k -> k.nodes().stream().map(n -> n.opcode().text()).collect(Collectors.joining(",")))
        .collect(Collectors.toSet());
  }
}
