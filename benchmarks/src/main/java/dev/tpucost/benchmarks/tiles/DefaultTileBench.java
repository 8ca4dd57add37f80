package dev.tpucost.benchmarks.tiles;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.benchmarks.BenchKernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a kernel costs the first time it is costed without a tile: its {@code TileSpace} (one pass over the
 * kernel) and the default-tile search (two profile footprints, a coordinate descent under the closed form, a
 * footprint check), for a matmul-epilogue kernel of ~5, ~40 or ~200 nodes. Each call uses a fresh copy of
 * the kernel, so nothing is cached; the default is returned, so JMH's blackhole consumes it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DefaultTileBench {
  /** Kernel size (approximate nodes). */
  @Param({"5", "40", "200"})
  public int nodes;

  Kernel kernel;

  /** Builds the kernel. */
  @Setup(Level.Trial)
  public void setUp() {
    kernel = BenchKernels.matmulEpilogue(nodes);
  }

  /** The default tile of a kernel never seen before. */
  @Benchmark
  public TileConfig defaultTile() {
    Kernel fresh = Kernel.of(kernel.name(), kernel.fusionKind().orElse(null), kernel.body(), kernel.calledComputations(), "bench");
    return TileSpace.of(fresh, ChipSpec.V4).defaultConfig();
  }
}
