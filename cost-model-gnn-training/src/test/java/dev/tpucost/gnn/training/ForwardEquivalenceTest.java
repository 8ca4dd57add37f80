package dev.tpucost.gnn.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.corpus.zoo.Zoo;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;
import dev.tpucost.gnn.net.Forward;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.training.SameDiffNet;
import dev.tpucost.gnn.net.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plain-Java forward pass that predict() runs equals the SameDiff graph that training differentiates. */
class ForwardEquivalenceTest {
  @ParameterizedTest(name = "early join: {0}")
  @ValueSource(booleans = {false, true})
  void plainJavaEqualsSameDiffOnAThousandKernels(boolean early) {
    Hyper d = Hyper.defaults(40);
    Hyper h = new Hyper(d.hidden(), d.embed(), d.layers(), d.head1(), d.head2(), d.configFeatures(), early);
    Weights w = Weights.init(h, 3);
    Forward f = new Forward(h, w);
    SameDiffNet net = new SameDiffNet(h, w, 0.5, 4);
    Random r = new Random(5);
    List<KernelGraph> graphs = graphs(1000);
    Normalizer norm = normalizer(graphs);
    // The encoder computes a group of identical nodes once (DuplicateRows): the kernels must have such groups,
    // and the per-kernel path from raw rows must give what the path from the first layer's rows gives.
    long withDuplicates = graphs.stream().filter(g -> java.util.Arrays.stream(g.nodes())
        .map(java.util.Arrays::toString).distinct().count() < g.size()).count();
    assertThat(withDuplicates).isGreaterThan(100);
    if (!early) {
      for (KernelGraph g : graphs) {
        assertThat(f.lateHeadInput(g, g.nodes(), norm)).containsExactly(f.lateHeadInput(g, f.base(g, norm)));
        assertThat(f.embed(g, norm)).containsExactly(f.embed(g, f.base(g, norm), null));
      }
    }
    double worst = 0;
    for (int start = 0; start < graphs.size(); start += 25) {
      List<SameDiffNet.Item> items = new ArrayList<>();
      List<float[]> plain = new ArrayList<>();
      for (int i = start; i < Math.min(graphs.size(), start + 25); i++) {
        float[][] cfg = new float[3][40];
        for (float[] row : cfg) {
          for (int j = 0; j < row.length; j++) {
            row[j] = (float) r.nextGaussian();
          }
        }
        items.add(new SameDiffNet.Item(graphs.get(i), cfg, new float[] {0, 1, 2}));
        plain.add(f.outputs(graphs.get(i), norm, cfg));
      }
      float[] sd = net.predict(net.batch(items, norm));
      int row = 0;
      for (int i = 0; i < items.size(); i++) {
        for (float p : plain.get(i)) {
          assertThat(p).isCloseTo(sd[row], within(1e-4f + 1e-4f * Math.abs(sd[row])));
          worst = Math.max(worst, Math.abs(p - sd[row]));
          row++;
        }
      }
      assertThat(row).isEqualTo(sd.length);
    }
    System.out.println("[ForwardEquivalenceTest] early join " + early + ": largest difference over 3000 outputs: " + worst);
  }

  /**
   * Other depths, late join: no layer (the first layer's states summed), one (the first layer is also the last, whose
   * states are only summed) and three (a layer between them, updating the states in place).
   */
  @ParameterizedTest(name = "layers: {0}")
  @ValueSource(ints = {0, 1, 3})
  void plainJavaEqualsSameDiffAtOtherDepths(int layers) {
    Hyper d = Hyper.defaults(40);
    Hyper h = new Hyper(d.hidden(), d.embed(), layers, d.head1(), d.head2(), d.configFeatures(), false);
    Weights w = Weights.init(h, 4);
    Forward f = new Forward(h, w);
    SameDiffNet net = new SameDiffNet(h, w, 0.5, 4);
    List<KernelGraph> graphs = graphs(100);
    Normalizer norm = normalizer(graphs);
    Random r = new Random(6);
    List<SameDiffNet.Item> items = new ArrayList<>();
    List<float[]> plain = new ArrayList<>();
    for (KernelGraph g : graphs) {
      float[][] cfg = new float[2][40];
      for (float[] row : cfg) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) r.nextGaussian();
        }
      }
      items.add(new SameDiffNet.Item(g, cfg, new float[] {0, 1}));
      plain.add(f.outputs(g, norm, cfg));
      assertThat(f.embed(g, norm)).containsExactly(f.embed(g, f.base(g, norm), null));
    }
    float[] sd = net.predict(net.batch(items, norm));
    int row = 0;
    for (float[] outputs : plain) {
      for (float p : outputs) {
        assertThat(p).as("layers %d, output %d", layers, row).isCloseTo(sd[row], within(1e-4f + 1e-4f * Math.abs(sd[row])));
        row++;
      }
    }
    assertThat(row).isEqualTo(sd.length);
  }

  /** The first {@code count} kernels of up to 200 nodes of random fusions of zoo programs, featurised. */
  private static List<KernelGraph> graphs(int count) {
    List<KernelGraph> graphs = new ArrayList<>();
    for (int p = 0; graphs.size() < count; p++) {
      for (Kernel k : Kernels.of(FusionPass.random(Zoo.program(9, p).module(), 0.6, p))) {
        if (graphs.size() < count && k.nodeCount() <= 200) {
          graphs.add(Featurizer.graph(k));
        }
      }
    }
    return graphs;
  }

  /** A normaliser of the graphs' node features. */
  private static Normalizer normalizer(List<KernelGraph> graphs) {
    Normalizer.Accumulator acc = new Normalizer.Accumulator(Featurizer.NODE_FEATURES);
    graphs.forEach(g -> java.util.Arrays.stream(g.nodes()).forEach(acc::add));
    return acc.build();
  }
}
