package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.Featurizer;

/**
 * The element-wise functions applied to every config of a batch, over whole runs of an array: {@code ln(1 + x)}
 * of the raw features ({@link Featurizer#log}'s scale) and {@code exp} of the outputs. With the Vector API on x86-64
 * ({@link #VECTOR}) the logarithms run as vector operations, whose {@code LOG1P} HotSpot compiles to its SVML stub
 * on x86 (12,000 values, this machine: 9 us against 26 us for {@link Featurizer#log}); otherwise one value at a
 * time. Both paths give the same values within one float ulp (features are floats; {@code LanesTest}); a run's last
 * partial vector is padded to a full one, so a value does not depend on where in a run it lies. {@link #exp} is
 * {@link Math#exp} on both paths (see there). Thread-safe (the scalar logarithms keep a memo per thread).
 */
public final class Lanes {
  /**
   * True if this JVM runs the vector operations: the Vector API is used ({@link Gemm#VECTOR}) on x86-64, where
   * JDK 17 has SVML stubs for them; elsewhere its {@code LOG1P} and {@code EXP} fall back to Java code one lane
   * at a time, slower than the scalar path.
   */
  public static final boolean VECTOR = Gemm.VECTOR
      && java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));

  private Lanes() {}

  /** {@code a[j] = ln(1 + max(0, a[j]))}, rounded to float, for {@code from <= j < to} (NaN stays NaN). */
  public static void log1p(float[] a, int from, int to) {
    if (VECTOR) {
      VectorLanes.log1p(a, from, to);
    } else {
      for (int j = from; j < to; j++) {
        a[j] = Featurizer.log(a[j]);
      }
    }
  }

  /**
   * {@code a[j] = ln(1 + max(0, a[j]))} for {@code from <= j < to} (NaN stays NaN), to be read as a float: the
   * scalar path rounds it to one already.
   */
  public static void log1p(double[] a, int from, int to) {
    if (VECTOR) {
      VectorLanes.log1p(a, from, to);
    } else {
      scalarLog1p(a, from, to);
    }
  }

  /** The scalar path of {@link #log1p(double[], int, int)}. */
  static void scalarLog1p(double[] a, int from, int to) {
    if (to - from >= MEMO_FROM) {
      MEMO.get().log1p(a, from, to);
    } else {
      for (int j = from; j < to; j++) {
        a[j] = Featurizer.log(a[j]);
      }
    }
  }

  /** Run length from which the scalar path of {@link #log1p(double[], int, int)} keeps a {@link Memo}. */
  static final int MEMO_FROM = 32;

  private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);

  /**
   * The scalar logarithms of a run whose values repeat, through a 64-entry direct-mapped memo keyed by a value's
   * bits: a ranking's analytical count rows hold a few dozen distinct values per 128 configs (the tile counts
   * along an axis no candidate varies the others of), and a hit costs a hash and a compare against ~3.7 ns for
   * {@link Featurizer#log} (a 1000-config ranking's count rows: 43 -> 36 us, measured). The same value as
   * without it, bit for bit (a NaN as NaN): a hit returns what {@link Featurizer#log} gave for the same bits. Not thread-safe
   * (one per thread).
   */
  private static final class Memo {
    /** A key no value can have that matches: a NaN with this payload maps to NaN, which is its logarithm. */
    private static final long EMPTY = 0x7ff8_dead_beef_0001L;
    private final long[] keys = new long[64];
    private final float[] values = new float[64];

    void log1p(double[] a, int from, int to) {
      java.util.Arrays.fill(keys, EMPTY);
      java.util.Arrays.fill(values, Float.NaN);
      for (int j = from; j < to; j++) {
        long bits = Double.doubleToRawLongBits(a[j]);
        int slot = (int) ((bits ^ (bits >>> 29)) * 0x9E37_79B9_7F4A_7C15L >>> 58);
        if (keys[slot] != bits) {
          keys[slot] = bits;
          values[slot] = Featurizer.log(a[j]);
        }
        a[j] = values[slot];
      }
    }
  }

  /**
   * {@code a[j] = exp(a[j])} for {@code from <= j < to}, by {@link Math#exp} on both paths: the Vector API's
   * {@code EXP} gives a value one double ulp apart in about one call in twenty before C2 has compiled its caller
   * (its Java fallback) and after (the SVML stub), so a model's estimate changed in its last bit as the JVM warmed
   * up (measured: 187 of 4,096 values; {@code ConcurrencyTest} caught it). The runtimes are doubles, not rounded,
   * and must not depend on the JIT; {@code Math.exp}'s intrinsic is the same stub in every tier. (The logarithms
   * keep the vector path: their results are rounded to float, and 65,536 of them did not move.)
   */
  public static void exp(double[] a, int from, int to) {
    for (int j = from; j < to; j++) {
      a[j] = Math.exp(a[j]);
    }
  }
}
