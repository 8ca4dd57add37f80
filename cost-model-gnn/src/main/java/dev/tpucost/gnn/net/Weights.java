package dev.tpucost.gnn.net;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The network's parameters as named row-major float matrices {@code [rows][cols]}: {@code emb}
 * (vocabulary x embed), {@code w0}/{@code b0} (input projection), {@code w0c} (config projection into
 * the first layer, early join only), {@code wL}/{@code bL} per GraphSAGE layer
 * (3 hidden x hidden), {@code w1..w3}/{@code b1..b3} (head). Not thread-safe while training; read-only
 * afterwards.
 */
public final class Weights {
  /** A matrix: shape and data. */
  public record Matrix(int rows, int cols, float[] data) {}

  private final Map<String, Matrix> matrices = new LinkedHashMap<>();

  /** Seeded Glorot-uniform weights and zero biases for {@code h}. */
  public static Weights init(Hyper h, long seed) {
    Random r = new Random(seed);
    Weights w = new Weights();
    w.glorot("emb", h.vocabulary(), h.embed(), r);
    w.glorot("w0", h.embed() + h.nodeFeatures(), h.hidden(), r);
    w.zero("b0", 1, h.hidden());
    if (h.earlyJoin()) {
      w.glorot("w0c", h.configFeatures(), h.hidden(), r);
    }
    for (int l = 0; l < h.layers(); l++) {
      w.glorot("w" + "l" + l, 3 * h.hidden(), h.hidden(), r);
      w.zero("bl" + l, 1, h.hidden());
    }
    w.glorot("w1", h.graphWidth() + h.configFeatures(), h.head1(), r);
    w.zero("b1", 1, h.head1());
    w.glorot("w2", h.head1(), h.head2(), r);
    w.zero("b2", 1, h.head2());
    w.glorot("w3", h.head2(), 1, r);
    w.zero("b3", 1, 1);
    return w;
  }

  private void glorot(String name, int rows, int cols, Random r) {
    float limit = (float) Math.sqrt(6.0 / (rows + cols));
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = (r.nextFloat() * 2 - 1) * limit;
    }
    matrices.put(name, new Matrix(rows, cols, d));
  }

  private void zero(String name, int rows, int cols) {
    matrices.put(name, new Matrix(rows, cols, new float[rows * cols]));
  }

  /** Adds or replaces a matrix. */
  public void put(String name, int rows, int cols, float[] data) {
    if (data.length != rows * cols) {
      throw new IllegalArgumentException(name + ": " + data.length + " values for a " + rows + "x" + cols + " matrix");
    }
    matrices.put(name, new Matrix(rows, cols, data));
  }

  /** Removes the matrix called {@code name}, if there is one. */
  public void remove(String name) {
    matrices.remove(name);
  }

  /** The matrix called {@code name}. */
  public Matrix get(String name) {
    Matrix m = matrices.get(name);
    if (m == null) {
      throw new IllegalArgumentException("the model has no weight '" + name + "'");
    }
    return m;
  }

  /** All matrices by name, in a fixed order. */
  public Map<String, Matrix> all() {
    return Collections.unmodifiableMap(matrices);
  }

  /** Total parameters. */
  public long parameterCount() {
    return matrices.values().stream().mapToLong(m -> m.data().length).sum();
  }

  /** The rows of weight {@code name}, checked to be {@code rows x cols} (copies, one array per row). */
  float[][] rows(String name, int rows, int cols) {
    Matrix m = get(name);
    if (m.rows() != rows || m.cols() != cols) {
      throw new IllegalArgumentException("weight '" + name + "' is " + m.rows() + "x" + m.cols() + " but the network's"
          + " hyper-parameters need " + rows + "x" + cols);
    }
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = java.util.Arrays.copyOfRange(m.data(), r * cols, (r + 1) * cols);
    }
    return out;
  }
}
