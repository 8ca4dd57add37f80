package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.ModelFile;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked head over many configs gives what the one-config head gives, and NaN for a missing config; the
 * columns every config shares are added once with the same result.
 */
class HeadTest {
  @Test
  void blockedHeadEqualsTheOneConfigHeadWithin1e5() {
    ModelFile file = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Forward f = new Forward(file.hyper(), file.weights());
    Random r = new Random(7);
    float[] graph = new float[file.hyper().graphWidth()];
    for (int i = 0; i < graph.length; i++) {
      graph[i] = r.nextFloat();
    }
    float[] kernelPart = f.head().input(graph);
    // More than one block (128), with a null config inside.
    float[][] configs = new float[600][];
    for (int j = 0; j < configs.length; j++) {
      if (j == 300) {
        continue;
      }
      configs[j] = new float[file.hyper().configFeatures()];
      for (int c = 0; c < configs[j].length; c++) {
        configs[j][c] = r.nextFloat() < 0.3 ? 0 : (float) r.nextGaussian();
      }
    }
    float[] out = new float[configs.length];
    f.head().all(kernelPart, configs, out);
    for (int j = 0; j < configs.length; j++) {
      if (configs[j] == null) {
        assertThat(out[j]).isNaN();
      } else {
        float one = f.head().from(kernelPart, configs[j]);
        assertThat(out[j]).as("config %d", j).isCloseTo(one, within(1e-5f * (1 + Math.abs(one))));
      }
    }
  }

  @Test
  void quantileOutputsBlockedEqualOneAtATimeAndTheLastHiddenLayerTheyAreLinearIn() {
    ModelFile file = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Forward f = new Forward(file.hyper(), file.weights());
    assertThat(f.head().hasQuantiles()).isTrue();
    Random r = new Random(5);
    float[] late = f.head().input(new float[file.hyper().graphWidth()]);
    int width = file.hyper().configFeatures();
    for (int n : new int[] {3, 300}) { // one at a time, and blocked (more than one block, a null inside)
      float[][] configs = new float[n][];
      for (int j = 1; j < n; j++) {
        configs[j] = new float[width];
        for (int c = 0; c < width; c++) {
          configs[j][c] = (float) r.nextGaussian();
        }
      }
      float[] out = new float[n];
      float[] low = new float[n];
      float[] high = new float[n];
      f.head().outputs(late, configs, out, low, high, width);
      assertThat(low[0]).isNaN();
      assertThat(high[0]).isNaN();
      for (int j = 1; j < n; j++) {
        float[] z = f.head().hidden(late, configs[j]);
        float lo = f.head().quantileOf(0, z);
        float hi = f.head().quantileOf(1, z);
        assertThat(low[j]).as("%d configs, config %d", n, j).isCloseTo(lo, within(1e-5f * (1 + Math.abs(lo))));
        assertThat(high[j]).as("%d configs, config %d", n, j).isCloseTo(hi, within(1e-5f * (1 + Math.abs(hi))));
        assertThat(out[j]).isCloseTo(f.head().from(late, configs[j]), within(1e-5f * (1 + Math.abs(out[j]))));
      }
    }
    // Asking a network without quantile outputs for them is an error, not zeros.
    Weights plain = new Weights();
    file.weights().all().forEach((k, m) -> plain.put(k, m.rows(), m.cols(), m.data()));
    plain.remove(Head.QUANTILE_WEIGHTS);
    plain.remove(Head.QUANTILE_BIAS);
    Head without = new Forward(file.hyper(), plain).head();
    assertThat(without.hasQuantiles()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> without.outputs(late, new float[1][width], new float[1],
        new float[1], new float[1], width)).hasMessageContaining("no quantile outputs");
  }

  @Test
  void columnsSharedByEveryConfigAddedOnceGiveTheSameOutputs() {
    ModelFile file = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Forward f = new Forward(file.hyper(), file.weights());
    Random r = new Random(11);
    float[] late = f.head().input(new float[file.hyper().graphWidth()]);
    int width = file.hyper().configFeatures();
    int shared = width - 4;
    float[] tail = {0.5f, -1.25f, 2f, 0.1f};
    for (int n : new int[] {1, 3, 200}) { // one at a time, and blocked
      float[][] configs = new float[n][width];
      for (float[] c : configs) {
        for (int k = 0; k < shared; k++) {
          c[k] = (float) r.nextGaussian();
        }
        System.arraycopy(tail, 0, c, shared, tail.length);
      }
      configs[0] = n > 1 ? null : configs[0];
      float[] all = new float[n];
      float[] once = new float[n];
      f.outputs(null, null, late, configs, all);
      f.outputs(null, null, late, configs, once, shared);
      for (int j = 0; j < n; j++) {
        if (configs[j] == null) {
          assertThat(once[j]).isNaN();
        } else {
          assertThat(once[j]).as("%d configs, config %d", n, j).isCloseTo(all[j], within(1e-5f * (1 + Math.abs(all[j]))));
        }
      }
    }
  }

  @Test
  void rawConfigsThroughTheFoldedNormaliserGiveWhatNormalisedOnesGive() {
    ModelFile file = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Forward f = new Forward(file.hyper(), file.weights());
    Random r = new Random(13);
    float[] late = f.head().input(new float[file.hyper().graphWidth()]);
    int width = file.hyper().configFeatures();
    int shared = width - 4;
    for (int n : new int[] {1, 5, 300}) {
      float[][] raw = new float[n][width];
      for (float[] c : raw) {
        for (int k = 0; k < width; k++) {
          c[k] = k < shared ? (float) Math.abs(r.nextGaussian() * 5) : 2.5f + k;
        }
      }
      raw[n - 1] = n > 1 ? null : raw[n - 1];
      float[][] normalised = new float[n][];
      for (int j = 0; j < n; j++) {
        normalised[j] = raw[j] == null ? null : file.configNorm().apply(raw[j].clone());
      }
      float[] expected = new float[n];
      float[] folded = new float[n];
      f.outputs(null, null, late, normalised, expected, shared);
      f.head().outputsRaw(late, raw, folded, shared, file.configNorm());
      for (int j = 0; j < n; j++) {
        if (raw[j] == null) {
          assertThat(folded[j]).isNaN();
        } else {
          assertThat(folded[j]).as("%d configs, config %d", n, j)
              .isCloseTo(expected[j], within(1e-4f * (1 + Math.abs(expected[j]))));
        }
      }
    }
  }
}
