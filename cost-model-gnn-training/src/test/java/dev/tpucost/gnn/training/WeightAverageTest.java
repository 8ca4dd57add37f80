package dev.tpucost.gnn.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.net.Weights;
import org.junit.jupiter.api.Test;

/** The exponential moving average of the weights: its ramp, its limit, and that it leaves its input alone. */
class WeightAverageTest {
  private static Weights of(float... v) {
    Weights w = new Weights();
    w.put("m", 1, v.length, v.clone());
    return w;
  }

  @Test
  void theFirstStepsRampUpAndALongRunSitsAtTheCentreOfAnOscillation() {
    Weights start = of(0f, 10f);
    WeightAverage a = new WeightAverage(0.99, start);
    a.update(of(11f, 0f));
    // r = min(0.99, 2/11): 2/11 of the start, 9/11 of the new weights
    assertThat(a.weights().all().get("m").data()[0]).isCloseTo(9f, within(1e-5f));
    assertThat(a.weights().all().get("m").data()[1]).isCloseTo(20f / 11, within(1e-5f));
    assertThat(start.all().get("m").data()).containsExactly(0f, 10f);

    for (int i = 0; i < 5000; i++) {
      a.update(of(i % 2 == 0 ? 1f : 3f, 5f));
    }
    float[] avg = a.weights().all().get("m").data();
    assertThat(avg[0]).isCloseTo(2f, within(0.02f)); // the oscillation's centre, where each point is 1 away
    assertThat(avg[1]).isCloseTo(5f, within(1e-4f));
  }

  @Test
  void aDecayOutsideTheOpenUnitIntervalIsRefused() {
    assertThatThrownBy(() -> new WeightAverage(1, of(0f))).hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> new Trainer.Options("both", "random", 2, 7, TargetBase.NONE, 8, 8, 3e-3, 0.5, 3,
        TrainingTest.TINY.hyper(), 0, 1, 1, 1.5)).hasMessageContaining("--weight-average");
  }
}
