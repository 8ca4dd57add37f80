package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
    // More than one block, with a null config inside.
    float[][] configs = new float[HeadBlock.BLOCK + 88][];
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
  void unitsOffForAWholeBlockAreLeftOutWithTheSameOutputs() {
    ModelFile file = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Forward f = new Forward(file.hyper(), file.weights());
    Random r = new Random(8);
    float[] base = f.head().input(new float[file.hyper().graphWidth()]);
    for (int off : new int[] {0, 5, base.length}) { // first-layer units no config turns on: none, some, all
      float[] kernelPart = base.clone();
      for (int u = 0; u < off; u++) {
        kernelPart[3 * u % base.length] = -1e4f; // (3 is prime to the widths: a spread of units)
      }
      float[][] configs = new float[200][file.hyper().configFeatures()];
      for (float[] c : configs) {
        for (int k = 0; k < c.length; k++) {
          c[k] = (float) r.nextGaussian();
        }
      }
      float[] out = new float[configs.length];
      f.head().all(kernelPart, configs, out);
      for (int j = 0; j < configs.length; j++) {
        float one = f.head().from(kernelPart, configs[j]);
        assertThat(out[j]).as("%d units off, config %d", off, j).isCloseTo(one, within(1e-5f * (1 + Math.abs(one))));
      }
      if (off == base.length) { // every unit off: the output no longer depends on the config
        assertThat(out).containsOnly(out[0]);
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
      f.head().outputs(late, configs, out, low, high);
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
        new float[1], new float[1])).hasMessageContaining("no quantile outputs");
  }

  @Test
  void rawFeatureMajorConfigsThroughTheFoldedNormaliserGiveWhatNormalisedOnesGive() {
    ModelFile file = GnnModel.shipped("gnn", ChipSpec.V4).file();
    Forward f = new Forward(file.hyper(), file.weights());
    Random r = new Random(13);
    float[] late = f.head().input(new float[file.hyper().graphWidth()]);
    int width = file.hyper().configFeatures();
    for (int n : new int[] {1, 5, 10, 20, 40, 300, HeadBlock.BLOCK + 88}) { // one at a time, blocks of each width, across a boundary
      // every third feature the same in all configs (added once), the others varying
      float[][] raw = new float[n][width];
      float[] byFeature = new float[width * n];
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < width; k++) {
          raw[j][k] = k % 3 == 0 ? 2.5f + k : (float) Math.abs(r.nextGaussian() * 5);
          byFeature[k * n + j] = raw[j][k];
        }
      }
      float[][] normalised = new float[n][];
      for (int j = 0; j < n; j++) {
        normalised[j] = file.configNorm().apply(raw[j].clone());
      }
      float[] expected = new float[n];
      f.outputs(null, null, late, normalised, expected);
      float[] folded = new float[n];
      float[] low = new float[n];
      float[] high = new float[n];
      f.head().outputsRaw(late, byFeature, n, folded, low, high, file.configNorm());
      // told which rows are constant (as a batch's features know), the same outputs bit for bit
      boolean[] same = new boolean[width];
      for (int k = 0; k < width; k++) {
        same[k] = k % 3 == 0 || n == 1;
      }
      float[] told = new float[n];
      float[] toldLow = new float[n];
      float[] toldHigh = new float[n];
      f.head().outputsRaw(late, byFeature, n, same, told, toldLow, toldHigh, file.configNorm());
      assertThat(told).containsExactly(folded);
      assertThat(toldLow).containsExactly(low);
      assertThat(toldHigh).containsExactly(high);
      for (int j = 0; j < n; j++) {
        assertThat(folded[j]).as("%d configs, config %d", n, j)
            .isCloseTo(expected[j], within(1e-4f * (1 + Math.abs(expected[j]))));
        float[] z = f.head().hidden(late, normalised[j]);
        assertThat(low[j]).isCloseTo(f.head().quantileOf(0, z), within(1e-4f * (1 + Math.abs(low[j]))));
        assertThat(high[j]).isCloseTo(f.head().quantileOf(1, z), within(1e-4f * (1 + Math.abs(high[j]))));
      }
    }
    assertThatThrownBy(() -> f.head().outputsRaw(late, new float[width], 2, new float[2], null, null,
        file.configNorm())).hasMessageContaining("2 configs of " + width + " features in " + width + " values");
  }
}
