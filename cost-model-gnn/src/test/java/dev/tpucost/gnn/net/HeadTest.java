package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.ModelFile;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blocked head over many configs gives what the one-config head gives, and NaN for a missing config. */
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
    float[] kernelPart = f.headInput(graph);
    // More than one block (256), with a null config inside.
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
    f.headAll(kernelPart, configs, out);
    for (int j = 0; j < configs.length; j++) {
      if (configs[j] == null) {
        assertThat(out[j]).isNaN();
      } else {
        float one = f.headFrom(kernelPart, configs[j]);
        assertThat(out[j]).as("config %d", j).isCloseTo(one, within(1e-5f * (1 + Math.abs(one))));
      }
    }
  }
}
