package dev.tpucost.benchmarks.sim;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.benchmarks.BenchKernels;
import dev.tpucost.sim.SimResult;
import dev.tpucost.sim.Simulator;
import java.util.List;
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
 * Simulator throughput, single thread: (kernel, tile) simulations per second on v4 for a matmul with an
 * elementwise epilogue of about 5, 40 and 200 nodes. Each call takes the next of 16 valid tiles, so the
 * result cannot be constant-folded; the result is returned to JMH's blackhole.
 *
 * <p>{@code simulate}: the kernel's {@link TileSpace} is built once and reused across tiles (how a
 * dataset generator calls it). {@code simulateFromScratch}: the tile space is rebuilt per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulatorBench {
  /** Approximate kernel size in nodes. */
  @Param({"5", "40", "200"})
  public int nodes;

  Kernel kernel;
  TileSpace space;
  TileConfig[] tiles;
  Simulator sim;
  int next;

  /** Builds the kernel and picks 16 valid tiles. */
  @Setup(Level.Trial)
  public void setUp() {
    kernel = BenchKernels.matmulEpilogue(nodes);
    sim = Simulator.of(ChipSpec.V4);
    space = TileSpace.of(kernel, ChipSpec.V4);
    List<TileConfig> valid = space.validConfigs(4096);
    tiles = new TileConfig[16];
    for (int i = 0; i < tiles.length; i++) {
      tiles[i] = valid.get((int) ((long) i * valid.size() / tiles.length));
    }
    System.out.printf("%n[SimulatorBench] kernel of %d nodes, %d valid tiles%n", kernel.nodeCount(), valid.size());
  }

  /** One simulation with the tile space prepared. */
  @Benchmark
  public SimResult simulate() {
    next = (next + 1) & 15;
    return sim.simulate(space, tiles[next]);
  }

  /** One simulation including building the tile space. */
  @Benchmark
  public SimResult simulateFromScratch() {
    next = (next + 1) & 15;
    return sim.simulate(kernel, tiles[next]);
  }
}
