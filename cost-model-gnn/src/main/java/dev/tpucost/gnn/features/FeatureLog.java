package dev.tpucost.gnn.features;

/**
 * {@code (float) ln(1 + max(0, v))}, the scale of nearly every raw feature, computed faster than
 * {@link Math#log}: a kernel's node features and every config's tile encoding take a few hundred of them per
 * cold prediction (featurising a ~40-node kernel, paired runs: 3.7 -> 3.3 us with a table up to 1023, then
 * 2.5-2.9 -> 2.4-2.6 us with the table up to 4096).
 *
 * <p>Whole numbers up to 4096 (tile bounds, ranks, counts, most dimensions) come from a table. Otherwise, with
 * {@code x = 1 + v = 2^e * m}, {@code m} in [1, 2): {@code ln x = e ln 2 + ln c + ln(1 + r)} where {@code c = 1 +
 * j/256} is {@code m} truncated to its top 8 mantissa bits (a table of {@code ln c}) and {@code r = (m - c) / c <
 * 2^-8}, whose {@code ln(1 + r)} a degree-4 series gives to ~1e-12 (the first omitted term is {@code r^5/5}). The
 * result is rounded to float, as the features are stored: it equals {@code (float) Math.log(1 + v)} or is one
 * float ulp from it when that value lies within ~1e-12 of a rounding boundary (tested). NaN and infinite inputs,
 * and those beyond 2^1000, take {@link Math#log}.
 */
final class FeatureLog {
  private static final float[] SMALL = new float[4097];
  private static final double[] LOG_C = new double[256];
  private static final double[] INV_C = new double[256];
  private static final double LN2 = Math.log(2);

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = (float) Math.log(1 + (double) i);
    }
    for (int j = 0; j < 256; j++) {
      double c = 1 + j / 256.0;
      LOG_C[j] = Math.log(c);
      INV_C[j] = 1 / c;
    }
  }

  private FeatureLog() {}

  /** {@code (float) ln(1 + max(0, v))}, NaN for NaN. */
  static float log1p(double v) {
    if (v < SMALL.length) {
      int i = (int) v;
      if (i == v && i >= 0) {
        return SMALL[i];
      }
    }
    // (no Math.max, no division, no int-to-double conversion of the mantissa index: without the three, 2x
    // faster on large counts, measured)
    double x = v > 0 ? 1 + v : 1;
    if (!(x < 0x1p1000) || Double.isNaN(v)) {
      return (float) Math.log(1 + Math.max(0, v)); // NaN, infinite, or near the top of the range
    }
    long bits = Double.doubleToRawLongBits(x); // x >= 1: positive, normal
    int j = (int) (bits >>> 44) & 0xff;
    double c = Double.longBitsToDouble((bits & 0x000f_f000_0000_0000L) | 0x3ff0_0000_0000_0000L); // 1 + j/256
    double m = Double.longBitsToDouble((bits & 0x000f_ffff_ffff_ffffL) | 0x3ff0_0000_0000_0000L);
    double r = (m - c) * INV_C[j];
    double series = r * (1 - r * (0.5 - r * (1.0 / 3 - r * 0.25)));
    return (float) (((bits >>> 52) - 1023) * LN2 + LOG_C[j] + series);
  }
}
