package dev.tpucost.gnn.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** A constant feature gets std 1 however its sums round; a varying one its standard deviation. */
class NormalizerTest {
  @Test
  void aConstantFeatureIsNotBlownUpByRounding() {
    Normalizer.Accumulator acc = new Normalizer.Accumulator(2);
    float constant = (float) Math.log(3); // ln(1 + 2 TensorCores), as ChipFeatures writes it
    for (int i = 0; i < 1_000_000; i++) {
      acc.add(new float[] {constant, i % 2});
    }
    Normalizer n = acc.build();
    assertThat(n.std()[0]).isEqualTo(1f);
    assertThat(n.std()[1]).isCloseTo(0.5f, within(1e-6f));
    // Another chip's value stays a few units away, not tens of thousands of deviations.
    assertThat(n.apply(new float[] {(float) Math.log(2), 0})[0]).isCloseTo((float) (Math.log(2) - Math.log(3)), within(1e-6f));
  }
}
