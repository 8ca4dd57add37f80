package dev.tpucost.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.hlo.text.HloTextParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default tile is one a compiler could have chosen: on dots, reductions and convolutions (forward,
 * input- and weight-gradient, 2-D and 3-D) its simulated runtime is within 2x of the best of every
 * configuration {@code tpucost tiles} lists for the kernel, on three chips.
 */
class DefaultTileTest {
  private static final String ADD = "add { a = f32[] parameter(0)\n b = f32[] parameter(1)\n ROOT c = f32[] add(a, b) }\n";

  static Stream<Arguments> kernels() {
    List<String[]> k = List.of(
        new String[] {"dot 1000^3 bf16", """
            ENTRY e {
              a = bf16[1000,1000] parameter(0)
              b = bf16[1000,1000] parameter(1)
              ROOT d = bf16[1000,1000] dot(a, b), lhs_contracting_dims={1}, rhs_contracting_dims={0}
            }"""},
        new String[] {"dot 1000^3 f32", """
            ENTRY e {
              a = f32[1000,1000] parameter(0)
              b = f32[1000,1000] parameter(1)
              ROOT d = f32[1000,1000] dot(a, b), lhs_contracting_dims={1}, rhs_contracting_dims={0}
            }"""},
        new String[] {"ResNet 3x3 forward", """
            ENTRY e {
              x = f32[32,56,56,64] parameter(0)
              w = f32[3,3,64,64] parameter(1)
              ROOT y = f32[32,56,56,64] convolution(x, w), window={size=3x3 pad=1_1x1_1}, dim_labels=b01f_01io->b01f
            }"""},
        new String[] {"ResNet 3x3 input gradient", """
            ENTRY e {
              dy = f32[32,56,56,64] parameter(0)
              w = f32[3,3,64,64] parameter(1)
              ROOT dx = f32[32,56,56,64] convolution(dy, w), window={size=3x3 pad=1_1x1_1 rhs_reversal=1x1}, dim_labels=b01f_01oi->b01f
            }"""},
        new String[] {"ResNet 3x3 weight gradient", """
            ENTRY e {
              x = f32[32,56,56,64] parameter(0)
              dy = f32[32,56,56,64] parameter(1)
              ROOT dw = f32[3,3,64,64] convolution(x, dy), window={size=56x56 pad=1_1x1_1}, dim_labels=f01b_i01o->01bf
            }"""},
        new String[] {"ResNet 1x1 stride-2 weight gradient", """
            ENTRY e {
              x = bf16[32,56,56,256] parameter(0)
              dy = bf16[32,28,28,512] parameter(1)
              ROOT dw = f32[1,1,256,512] convolution(x, dy), window={size=28x28 stride=2x2 rhs_dilate=2x2}, dim_labels=f01b_i01o->01bf
            }"""},
        new String[] {"3-D forward", """
            ENTRY e {
              x = bf16[8,16,32,32,32] parameter(0)
              w = bf16[3,3,3,32,64] parameter(1)
              ROOT y = bf16[8,16,32,32,64] convolution(x, w), window={size=3x3x3 pad=1_1x1_1x1_1}, dim_labels=b012f_012io->b012f
            }"""},
        new String[] {"3-D input gradient", """
            ENTRY e {
              dy = bf16[8,16,32,32,64] parameter(0)
              w = bf16[3,3,3,32,64] parameter(1)
              ROOT dx = bf16[8,16,32,32,32] convolution(dy, w), window={size=3x3x3 pad=1_1x1_1x1_1 rhs_reversal=1x1x1}, dim_labels=b012f_012oi->b012f
            }"""},
        new String[] {"3-D weight gradient", """
            ENTRY e {
              x = bf16[8,16,32,32,32] parameter(0)
              dy = bf16[8,16,32,32,64] parameter(1)
              ROOT dw = f32[3,3,3,32,64] convolution(x, dy), window={size=16x32x32 pad=1_1x1_1x1_1}, dim_labels=f012b_i012o->012bf
            }"""},
        new String[] {"row reduction (softmax denominator)", ADD + """
            fused { p = f32[4096,4096] parameter(0)
              e = f32[4096,4096] exponential(p)
              z = f32[] constant(0)
              ROOT r = f32[4096] reduce(e, z), dimensions={1}, to_apply=add }
            ENTRY e {
              x = f32[4096,4096] parameter(0)
              ROOT f = f32[4096] fusion(x), kind=kInput, calls=fused
            }"""},
        new String[] {"column reduction", ADD + """
            fused { p = f32[8192,1024] parameter(0)
              z = f32[] constant(0)
              ROOT r = f32[1024] reduce(p, z), dimensions={0}, to_apply=add }
            ENTRY e {
              x = f32[8192,1024] parameter(0)
              ROOT f = f32[1024] fusion(x), kind=kInput, calls=fused
            }"""},
        new String[] {"reduction of a million-wide dimension", ADD + """
            fused { p = f32[64,1000000] parameter(0)
              z = f32[] constant(0)
              ROOT r = f32[64] reduce(p, z), dimensions={1}, to_apply=add }
            ENTRY e {
              x = f32[64,1000000] parameter(0)
              ROOT f = f32[64] fusion(x), kind=kInput, calls=fused
            }"""});
    return k.stream().flatMap(x -> Stream.of(ChipSpec.V3, ChipSpec.V4, ChipSpec.V5E).map(c -> Arguments.of(x[0], x[1], c)));
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("kernels")
  void theDefaultIsWithinTwiceTheBestListedConfiguration(String name, String hlo, ChipSpec chip) {
    List<Kernel> ks = Kernels.of(HloTextParser.parse("HloModule m\n" + hlo, name));
    Kernel k = ks.get(ks.size() - 1);
    TileSpace space = TileSpace.of(k, chip);
    Simulator sim = Simulator.of(chip);
    TileConfig d = space.defaultConfig();
    SimResult atDefault = sim.simulate(space, d);
    assertThat(atDefault.spilled()).as("default %s spills", d).isFalse();
    List<TileConfig> listed = space.validConfigs(100_000);
    assertThat(listed).isNotEmpty();
    double best = Double.MAX_VALUE;
    TileConfig bestTile = null;
    for (TileConfig c : listed) {
      double ns = sim.simulate(space, c).nanoseconds();
      if (ns < best) {
        best = ns;
        bestTile = c;
      }
    }
    System.out.printf("[DefaultTileTest] %-38s %-4s default %-22s %9.1f us, best of %6d %-22s %9.1f us: %.2fx%n",
        name, chip.name(), d, atDefault.nanoseconds() / 1e3, listed.size(), bestTile, best / 1e3, atDefault.nanoseconds() / best);
    assertThat(atDefault.nanoseconds()).as("%s at %s vs best %s", name, d, bestTile).isLessThanOrEqualTo(2 * best);
    // Not degenerate: more than one native tile per step.
    assertThat(atDefault.steps()).isLessThan(space.footprint(TileConfig.of(ones(space.kernelUnits().length),
        ones(space.outputUnits().length))).steps());
  }

  private static long[] ones(int n) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }
}
