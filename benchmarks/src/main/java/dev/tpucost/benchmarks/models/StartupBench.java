package dev.tpucost.benchmarks.models;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.tile.TileConfig;
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
 * Start-up as a compiler sees it: in a fresh JVM (one fork per sample, nothing warmed), the time of
 * {@code CostModels.create(model, v4)} plus the first {@code predict()} of a ~40-node kernel. The kernel and
 * the tile (empty: the compiler's default, which the model finds) are built in the set-up (a compiler has its
 * IR already); the model's classes, shipped files and
 * first call are measured. Each fork gives one sample; JMH reports their mean, {@code jmh.json} each one
 * (the README quotes the median).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
public class StartupBench {
  /** Registered model name. */
  @Param({"analytical", "gnn"})
  public String model;

  Kernel kernel;
  TileConfig tile;

  /** Builds the kernel and a tile of it without touching any cost model. */
  @Setup(Level.Trial)
  public void setUp() {
    kernel = BenchKernels.matmulEpilogue(40);
    tile = TileConfig.parse(System.getProperty("tpucost.bench.tile", "/"));
  }

  /** Creates the model and predicts once. */
  @Benchmark
  public Estimate createAndPredict() {
    return CostModels.create(model, ChipSpec.V4).predict(kernel, tile);
  }
}
