package dev.tpucost.benchmarks.models;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.TileConfig;
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
 * Latency of {@code rank()} of a registered model on one thread, as an autotuner calls it: 10, 100 or 1000
 * candidate configs of the ~40-node matmul-epilogue kernel (distinct valid configs, repeated when the kernel
 * has fewer). The kernel's per-kernel work is cached after the first call, as it is for an autotuner that
 * ranks one kernel's candidates in several batches. The ranking is returned to JMH's blackhole.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RankBench {
  /** Registered model name, or {@code file:PATH} of a trained model file. */
  @Param({"analytical", "gnn", "hybrid"})
  public String model;

  /** Candidates per call. */
  @Param({"10", "100", "1000"})
  public int candidates;

  CostModel costModel;
  Kernel kernel;
  List<TileConfig> tiles;

  /** Builds the kernel, its candidates and the model. */
  @Setup(Level.Trial)
  public void setUp() {
    costModel = BenchKernels.model(model, ChipSpec.V4);
    kernel = BenchKernels.matmulEpilogue(40);
    tiles = BenchKernels.candidates(kernel, candidates);
  }

  /** One ranking of {@link #candidates} configs. */
  @Benchmark
  public Ranking rank() {
    return costModel.rank(kernel, tiles);
  }
}
