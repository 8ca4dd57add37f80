package dev.tpucost.gnn.net;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Lanes} on the Vector API: full vectors, then the rest of the run copied into one vector's worth of
 * zeros and back (no masked operations: they are not intrinsified everywhere, and a single config's run is
 * all rest). Loaded only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>One loop per operation, not one loop taking the operator: C2 compiles {@code lanewise(op)} to its
 * intrinsic only where {@code op} is a constant, and a shared loop taking it as an argument ran the Java
 * fallback (the gnn's config features of 1000 configs ~146 -> ~280 us, measured).
 */
final class VectorLanes {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  private VectorLanes() {}

  static void log1p(float[] a, int from, int to) {
    int j = from;
    for (; j + F.length() <= to; j += F.length()) {
      log1p(a, j);
    }
    if (j < to) {
      float[] rest = new float[F.length()];
      System.arraycopy(a, j, rest, 0, to - j);
      log1p(rest, 0);
      System.arraycopy(rest, 0, a, j, to - j);
    }
  }

  private static void log1p(float[] a, int at) {
    FloatVector.fromArray(F, a, at).max(0f).lanewise(VectorOperators.LOG1P).intoArray(a, at);
  }

  static void log1p(double[] a, int from, int to) {
    int j = from;
    for (; j + D.length() <= to; j += D.length()) {
      log1p(a, j);
    }
    if (j < to) {
      double[] rest = new double[D.length()];
      System.arraycopy(a, j, rest, 0, to - j);
      log1p(rest, 0);
      System.arraycopy(rest, 0, a, j, to - j);
    }
  }

  private static void log1p(double[] a, int at) {
    DoubleVector.fromArray(D, a, at).max(0).lanewise(VectorOperators.LOG1P).intoArray(a, at);
  }
}
