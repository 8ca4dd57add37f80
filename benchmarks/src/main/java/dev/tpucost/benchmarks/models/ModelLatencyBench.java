package dev.tpucost.benchmarks.models;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.benchmarks.BenchKernels;
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
 * Latency of a registered cost model on one thread, as a compiler and an autotuner call it: {@code predict}
 * of one (kernel, tile) of a matmul-epilogue kernel of ~5, ~40 or ~200 nodes (the kernel is reused across
 * calls, as a fusion pass asks about the same kernel with several tiles; each call takes the next of 16
 * tiles), and {@code predictCold} of a kernel the model has never seen. {@link RankBench} times
 * {@code rank}. Results are returned, so JMH's blackhole consumes them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ModelLatencyBench {
  /** Registered model name, or {@code file:PATH} of a trained model file. */
  @Param({"analytical", "gnn", "hybrid"})
  public String model;

  /**
   * The chip preset: {@code v4} (and {@code v3}) get models trained for them, {@code v2} and {@code v5e} the shipped
   * chip-conditioned ones (issue 16), whose cold path also computes the kernel's chip features.
   */
  @Param({"v4"})
  public String chip;

  /** Kernel size for predict (approximate nodes). */
  @Param({"5", "40", "200"})
  public int nodes;

  CostModel costModel;
  Kernel kernel;
  TileConfig[] tiles;
  int next;

  /** Builds kernels, tiles and the model. */
  @Setup(Level.Trial)
  public void setUp() {
    ChipSpec spec = ChipSpec.preset(chip).orElseThrow(() -> new IllegalArgumentException("no chip preset " + chip));
    costModel = BenchKernels.model(model, spec);
    kernel = BenchKernels.matmulEpilogue(nodes);
    List<TileConfig> valid = TileSpace.of(kernel, spec).validConfigs(4096);
    tiles = new TileConfig[16];
    for (int i = 0; i < 16; i++) {
      tiles[i] = valid.get(i * valid.size() / 16);
    }
  }

  /** One prediction of a kernel seen before (its embedding is cached), as a fusion pass trying tiles calls it. */
  @Benchmark
  public Estimate predict() {
    next = (next + 1) & 15;
    return costModel.predict(kernel, tiles[next]);
  }

  /**
   * One prediction of a kernel the model has not seen (a fresh copy each call, so nothing is cached): the
   * cost a compiler pays the first time it asks about a kernel.
   */
  @Benchmark
  public Estimate predictCold() {
    next = (next + 1) & 15;
    Kernel fresh = Kernel.of(kernel.name(), kernel.fusionKind().orElse(null), kernel.body(), kernel.calledComputations(), "bench");
    return costModel.predict(fresh, tiles[next]);
  }
}
