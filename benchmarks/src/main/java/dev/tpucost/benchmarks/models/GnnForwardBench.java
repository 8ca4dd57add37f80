package dev.tpucost.benchmarks.models;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.benchmarks.BenchKernels;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.net.Forward;
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
 * The learned model's parts, one thread, the shipped default model or a model file ({@link #model}):
 * {@code embed} is the GraphSAGE encoder of one kernel (what a cold predict() pays once per kernel, and what
 * an early-join design would pay per config); {@code featurize} turns the kernel into features.
 * Multiply-adds per embed are printed at setup so that MAC/s = MACs x ops/s can be set against the core's
 * FMA peak.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GnnForwardBench {
  /** {@code gnn} (the shipped v4 default) or {@code file:PATH} of a trained model (another network width). */
  @Param({"gnn"})
  public String model;

  /** Approximate kernel size in nodes. */
  @Param({"5", "40", "200"})
  public int nodes;

  Forward forward;
  GnnModel gnn;
  Kernel kernel;
  KernelGraph graph;

  /** Loads the model and builds the kernel. */
  @Setup(Level.Trial)
  public void setUp() {
    gnn = (GnnModel) BenchKernels.model(model, ChipSpec.V4);
    forward = new Forward(gnn.file().hyper(), gnn.file().weights());
    kernel = BenchKernels.matmulEpilogue(nodes);
    graph = Featurizer.graph(kernel);
    System.out.printf("%n[GnnForwardBench] %d nodes, %d edges: %d multiply-adds per embed, %d per head%n", graph.size(),
        graph.src().length, forward.baseMacs(graph.size()) + forward.embedMacs(graph.size(), graph.src().length),
        forward.head().macs());
  }

  /** The encoder over one kernel. */
  @Benchmark
  public float[] embed() {
    return forward.embed(graph, gnn.file().nodeNorm());
  }

  /** Kernel to features. */
  @Benchmark
  public KernelGraph featurize() {
    return Featurizer.graph(kernel);
  }
}
