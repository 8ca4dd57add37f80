package dev.tpucost.gnn.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureLogTest {
  @Test
  void matchesMathLogWithinOneFloatUlp() {
    Random r = new Random(5);
    int differing = 0;
    int total = 0;
    for (int i = 0; i < 2_000_000; i++) {
      double v = switch (i % 4) {
        case 0 -> r.nextInt(1 << 20); // whole numbers: dimensions, counts
        case 1 -> Math.exp(r.nextDouble() * 700); // up to ~1e304: flops, bytes
        case 2 -> r.nextDouble() * 3000; // fractions
        default -> (double) (1L << r.nextInt(62)) - r.nextInt(3); // around powers of two
      };
      float want = (float) Math.log(1 + Math.max(0, v));
      float got = FeatureLog.log1p(v);
      assertThat(Math.abs(got - want)).as("log1p(%s)", v).isLessThanOrEqualTo(Math.ulp(want));
      differing += got != want ? 1 : 0;
      total++;
    }
    assertThat(differing).as("values one ulp off, of %d", total).isLessThan(total / 100_000);
  }

  @Test
  void edgeValues() {
    assertThat(FeatureLog.log1p(0)).isEqualTo(0f);
    assertThat(FeatureLog.log1p(-5)).isEqualTo(0f);
    assertThat(FeatureLog.log1p(1023)).isEqualTo((float) Math.log(1024));
    assertThat(FeatureLog.log1p(1024)).isEqualTo((float) Math.log(1025));
    assertThat(FeatureLog.log1p(4096)).isEqualTo((float) Math.log(4097));
    assertThat(FeatureLog.log1p(4097)).isEqualTo((float) Math.log(4098));
    assertThat(FeatureLog.log1p(0.5)).isEqualTo((float) Math.log(1.5));
    assertThat(FeatureLog.log1p(Double.NaN)).isNaN();
    assertThat(FeatureLog.log1p(Double.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(FeatureLog.log1p(Double.MAX_VALUE)).isEqualTo((float) Math.log(Double.MAX_VALUE));
    assertThat(FeatureLog.log1p(Long.MAX_VALUE)).isEqualTo((float) Math.log(1 + (double) Long.MAX_VALUE));
  }
}
