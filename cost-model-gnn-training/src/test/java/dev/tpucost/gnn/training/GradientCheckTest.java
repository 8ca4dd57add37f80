package dev.tpucost.gnn.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.corpus.zoo.Zoo;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.training.SameDiffNet;
import dev.tpucost.gnn.net.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training graph's gradients (reshapes, masks and broadcasts of the early join included) agree with
 * central finite differences of its loss, for weights of every kind.
 */
class GradientCheckTest {
  @ParameterizedTest(name = "early join: {0}")
  @ValueSource(booleans = {false, true})
  void gradientsMatchFiniteDifferences(boolean early) {
    Hyper h = new Hyper(8, 4, 2, 8, 4, 6, early);
    Weights w = Weights.init(h, 11);
    SameDiffNet net = new SameDiffNet(h, w, 0.5, 4);
    Random r = new Random(2);
    List<SameDiffNet.Item> items = new ArrayList<>();
    for (Kernel k : Kernels.of(FusionPass.random(Zoo.program(4, 1).module(), 0.6, 1))) {
      if (items.size() < 3 && k.nodeCount() >= 3 && k.nodeCount() <= 30) {
        int configs = 2 + items.size();
        float[][] cfg = new float[configs][6];
        float[] y = new float[configs];
        for (int j = 0; j < configs; j++) {
          for (int c = 0; c < 6; c++) {
            cfg[j][c] = (float) r.nextGaussian();
          }
          y[j] = (float) r.nextGaussian();
        }
        items.add(new SameDiffNet.Item(Featurizer.graph(k), cfg, y));
      }
    }
    assertThat(items).hasSize(3);
    Normalizer.Accumulator acc = new Normalizer.Accumulator(Featurizer.NODE_FEATURES);
    items.forEach(it -> java.util.Arrays.stream(it.graph().nodes()).forEach(acc::add));
    SameDiffNet.Batch batch = net.batch(items, acc.build());
    SameDiffNet.Step step = net.step(batch);

    List<String> names = new ArrayList<>(List.of("emb", "w0", "b0", "wl0", "wl1", "bl1", "w1", "w2", "w3", "b3"));
    if (early) {
      names.add("w0c");
    }
    int checked = 0;
    int kinks = 0;
    double center = step.loss();
    for (String name : names) {
      float[] data = w.get(name).data();
      float[] grad = step.gradients().get(name);
      for (int t = 0; t < 4; t++) {
        int i = r.nextInt(data.length);
        float keep = data[i];
        double eps = 1e-2;
        data[i] = (float) (keep + eps);
        net.load(w);
        double up = net.step(batch).loss();
        data[i] = (float) (keep - eps);
        net.load(w);
        double down = net.step(batch).loss();
        data[i] = keep;
        double numeric = (up - down) / (2 * eps);
        // A ReLU kink within eps makes the one-sided slopes disagree: no derivative to compare there.
        double right = (up - center) / eps;
        double left = (center - down) / eps;
        if (Math.abs(right - left) > 2e-3 + 0.05 * Math.abs(numeric)) {
          kinks++;
          continue;
        }
        if (Math.abs(numeric) > 1e-3 || Math.abs(grad[i]) > 1e-3) {
          assertThat(grad[i]).as("%s[%d]", name, i).isCloseTo((float) numeric,
              org.assertj.core.api.Assertions.within((float) (2e-3 + 0.05 * Math.abs(numeric))));
          checked++;
        }
      }
    }
    net.load(w);
    assertThat(checked).isGreaterThan(15);
    assertThat(kinks).isLessThan(checked / 2);
  }
}
