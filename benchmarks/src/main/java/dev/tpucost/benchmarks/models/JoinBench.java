package dev.tpucost.benchmarks.models;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.benchmarks.BenchKernels;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.net.Weights;
import java.util.List;
import java.util.Map;
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
 * The speed side of the early/late-join trade-off, one thread: {@code rank} of 10, 100 or 1000 configs of
 * the ~40-node kernel by a network of the default sizes that joins the tile config late (graph encoded
 * once per kernel) or early (re-encoded per config). The
 * weights are seeded random ones on the shipped model's statistics: the cost does not depend on their values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JoinBench {
  /** Where the config meets the graph. */
  @Param({"late", "early"})
  public String join;

  /** Candidates for rank. */
  @Param({"10", "100", "1000"})
  public int candidates;

  GnnModel model;
  Kernel kernel;
  List<TileConfig> tiles;

  /** Builds the network, the kernel and its candidates. */
  @Setup(Level.Trial)
  public void setUp() {
    ModelFile shipped = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Hyper d = shipped.hyper();
    Hyper h = new Hyper(d.hidden(), d.embed(), d.layers(), d.head1(), d.head2(), d.configFeatures(), join.equals("early"));
    ModelFile file = new ModelFile("gnn", h, shipped.vocabulary(), shipped.nodeNorm(), shipped.configNorm(),
        shipped.targetMean(), shipped.targetStd(), shipped.chip(), shipped.info(), Weights.init(h, 1), Map.of());
    model = GnnModel.of(file, ChipSpec.V4);
    kernel = BenchKernels.matmulEpilogue(40);
    tiles = BenchKernels.candidates(kernel, candidates);
  }

  /** One ranking of {@link #candidates} configs. */
  @Benchmark
  public Ranking rank() {
    return model.rank(kernel, tiles);
  }
}
