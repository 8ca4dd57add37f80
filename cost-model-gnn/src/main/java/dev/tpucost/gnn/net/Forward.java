package dev.tpucost.gnn.net;

import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;
import java.util.Arrays;

/**
 * The network's forward pass in plain Java, in three stages: {@link #base} once per kernel (the first
 * layer's input projection of opcode embedding and node features), {@link #embed} (the GraphSAGE layers and
 * pooling; once per kernel with a late join, once per config with an early join) and the head once per
 * config ({@link Head}).
 *
 * <p>Weight matrices and node states are held as arrays of rows, and every inner loop has the form
 * {@code out[c] += a * row[c]}: HotSpot's C2 (JDK 17) vectorises that with AVX, but not the same loop over
 * one flat array at a row offset, where it cannot rule out that the two arrays overlap (measured: ~1.3 vs
 * ~8 GMAC/s on this machine's core). The encoder's scalar products skip the zeros of their left operand
 * ({@link Gemm#scalar}). Nodes whose first-layer input is identical are grouped ({@link DuplicateRows}) and
 * their first-layer rows and first GraphSAGE product computed once per group (the same values: a group's nodes
 * have equal states until their neighbours' messages arrive). Per-thread scratch buffers, and one shared value
 * computed on first use (the first layer folded with the normaliser, an immutable record published through a
 * volatile field; a race computes it twice, the same): the pass is thread-safe, and the only allocations per
 * call are the returned arrays and the scalar products' index buffers.
 */
public final class Forward {
  private final Hyper h;
  private final float[][] emb;
  private final float[][] w0;
  private final float[] b0;
  private final float[][] w0c;
  /** Per layer, {@code [W_self | W_in | W_out]} side by side: hidden rows of 3 x hidden (one wide product). */
  private final float[][][] wcat;
  private final float[][] bl;
  private final ThreadLocal<Scratch> scratch;
  private final Head head;
  private volatile Folded folded;

  /** Per-thread buffers, grown to the largest graph seen. */
  private static final class Scratch {
    float[][] base = new float[0][];
    float[][] state = new float[0][];
    float[][] products = new float[0][];
    float[] invIn = new float[0];
    float[] invOut = new float[0];
    /** Per node its in-degree, then per node its out-degree. */
    int[] degrees = new int[0];
    /** Per node its first identical node ({@link DuplicateRows}), and the grouping's hash table. */
    int[] rep = new int[0];
    int[] hashes = new int[0];
    int[] table = new int[0];
    /** The distinct nodes' rows of two matrices, gathered by reference for one product over them. */
    float[][] distinctIn = new float[0][];
    float[][] distinctOut = new float[0][];
    /** The distinct nodes' opcode rows, by reference: where their first-layer product starts. */
    float[][] distinctInit = new float[0][];
    /** Per node the row its layer's residual update starts from (its group's first row in the first layer). */
    float[][] from = new float[0][];
    /** Per node the product row whose messages it sends (its group's first row in the first layer). */
    float[][] read = new float[0][];
    final float[] cfg;
    final int hidden;

    Scratch(Hyper h) {
      hidden = h.hidden();
      cfg = new float[h.hidden()];
    }

    void ensure(int nodes) {
      if (state.length < nodes) {
        int size = Math.max(nodes, 64);
        base = new float[size][hidden];
        state = new float[size][hidden];
        products = new float[size][3 * hidden];
        invIn = new float[size];
        invOut = new float[size];
        degrees = new int[2 * size];
        rep = new int[size];
        hashes = new int[size];
        table = new int[DuplicateRows.tableLength(size)];
        distinctIn = new float[size][];
        distinctOut = new float[size][];
        distinctInit = new float[size][];
        from = new float[size][];
        read = new float[size][];
      }
    }
  }

  /** {@code 1 / d} as a float for a node degree {@code d < 64}; 0 for 0 (a node without neighbours adds nothing). */
  private static final float[] RECIPROCALS = new float[64];

  static {
    for (int d = 1; d < RECIPROCALS.length; d++) {
      RECIPROCALS[d] = 1f / d;
    }
  }

  private static float reciprocal(int degree) {
    return degree < RECIPROCALS.length ? RECIPROCALS[degree] : 1f / degree;
  }

  /** A forward pass over {@code w}, whose matrices must have the shapes {@code h} implies. */
  public Forward(Hyper h, Weights w) {
    this.h = h;
    int hd = h.hidden();
    emb = w.rows("emb", h.vocabulary(), h.embed());
    w0 = w.rows("w0", h.embed() + h.nodeFeatures(), hd);
    b0 = w.rows("b0", 1, hd)[0];
    w0c = h.earlyJoin() ? w.rows("w0c", h.configFeatures(), hd) : null;
    float[][][] wl = new float[h.layers()][][];
    wcat = new float[h.layers()][hd][3 * hd];
    bl = new float[h.layers()][];
    for (int l = 0; l < h.layers(); l++) {
      wl[l] = w.rows("wl" + l, 3 * hd, hd);
      bl[l] = w.rows("bl" + l, 1, hd)[0];
      for (int r = 0; r < hd; r++) {
        for (int part = 0; part < 3; part++) {
          System.arraycopy(wl[l][part * hd + r], 0, wcat[l][r], part * hd, hd);
        }
      }
    }
    head = new Head(h, w);
    scratch = ThreadLocal.withInitial(() -> new Scratch(h));
  }

  /** The hyper-parameters. */
  public Hyper hyper() {
    return h;
  }

  /** Multiply-adds of {@link #base} for a graph of {@code nodes} nodes. */
  public long baseMacs(int nodes) {
    return (long) nodes * (h.embed() + h.nodeFeatures()) * h.hidden();
  }

  /** Multiply-adds of one {@link #embed} for a graph of {@code nodes} nodes and {@code edges} edges. */
  public long embedMacs(int nodes, int edges) {
    long cfg = h.earlyJoin() ? (long) h.configFeatures() * h.hidden() : 0;
    long layers = (long) h.layers() * ((long) nodes * 3 * h.hidden() * h.hidden() + 2L * edges * h.hidden());
    return cfg + layers + (long) nodes * h.hidden();
  }


  /**
   * The first layer's pre-activations, {@code [nodes][hidden]}: the opcode embedding and the node features
   * (normalised with {@code norm}) times {@code w0}, plus {@code b0}. Computed with the normalisation folded
   * into the weights ({@link Folded}): a node's row starts from its opcode's projected embedding and adds
   * only its non-zero raw features (about two thirds are zero).
   */
  public float[][] base(KernelGraph g, Normalizer norm) {
    return base(g, g.nodes(), norm);
  }

  /**
   * {@link #base(KernelGraph, Normalizer)} with the raw node features in {@code nodeRows} (only read; at
   * least {@code g.size()} rows) instead of {@code g.nodes()}: for a graph featurised into a reused buffer
   * ({@code Featurizer.structure}).
   */
  public float[][] base(KernelGraph g, float[][] nodeRows, Normalizer norm) {
    int n = g.size();
    float[][] base = new float[n][h.hidden()];
    Scratch s = scratch.get();
    s.ensure(n);
    baseInto(g, nodeRows, norm, base, s);
    copyFromFirst(s, n, base, h.hidden());
    return base;
  }

  /**
   * {@link #base(KernelGraph, float[][], Normalizer)} into the first {@code g.size()} rows of {@code into}, each
   * distinct node's row only ({@link DuplicateRows}: the others' rows are left as they were, {@code s.rep} says
   * whose row each node shares); returns the number of distinct nodes.
   */
  private int baseInto(KernelGraph g, float[][] nodeRows, Normalizer norm, float[][] into, Scratch s) {
    Folded f = folded(norm);
    int n = g.size();
    int[] ops = g.opcodes();
    for (int i = 0; i < n; i++) {
      s.hashes[i] = Featurizer.likenessHash(nodeRows[i]);
    }
    DuplicateRows.group(ops, nodeRows, n, h.nodeFeatures(), s.hashes, s.rep, s.table);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (s.rep[i] == i) {
        s.distinctInit[distinct] = f.opcodeRows[Math.min(Math.max(0, ops[i]), f.opcodeRows.length - 1)];
        s.distinctIn[distinct] = nodeRows[i];
        s.distinctOut[distinct++] = into[i];
      }
    }
    Gemm.multiplyFrom(s.distinctInit, s.distinctIn, distinct, f.featureRows, 0, h.nodeFeatures(), s.distinctOut);
    return distinct;
  }

  /**
   * The rows of {@code in} and {@code out} of each group's first node ({@code s.rep[i] == i}), by reference, into
   * {@code s.distinctIn} and {@code s.distinctOut}: one product over them computes every group once. Returns the
   * number of groups.
   */
  private static int gatherFirsts(Scratch s, int n, float[][] in, float[][] out) {
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (s.rep[i] == i) {
        s.distinctIn[m] = in[i];
        s.distinctOut[m++] = out[i];
      }
    }
    return m;
  }

  /** Each grouped node's row of {@code rows} (its first {@code width} entries) copied from its group's first node. */
  private static void copyFromFirst(Scratch s, int n, float[][] rows, int width) {
    for (int i = 0; i < n; i++) {
      if (s.rep[i] != i) {
        System.arraycopy(rows[s.rep[i]], 0, rows[i], 0, width);
      }
    }
  }

  /**
   * The first layer folded for one normaliser: {@code opcodeRows[v] = b0 + emb[v] . W0[embedding rows] -
   * sum_k (mean[k] / std[k]) W0[feature row k]} and {@code featureRows[k] = W0[feature row k] / std[k]}, so
   * that {@code base = opcodeRows[op] + raw . featureRows} equals {@code b0 + [emb[op], (raw - mean) / std] .
   * W0} (constants summed in double).
   */
  private record Folded(Normalizer norm, float[][] opcodeRows, float[][] featureRows) {}

  private Folded folded(Normalizer norm) {
    Folded f = folded;
    if (f != null && f.norm() == norm) {
      return f;
    }
    int hd = h.hidden();
    int e = h.embed();
    double[] bias = new double[hd];
    for (int c = 0; c < hd; c++) {
      bias[c] = b0[c];
    }
    float[][] featureRows = norm.fold(w0, e, bias);
    float[][] opcodeRows = new float[emb.length][hd];
    for (int v = 0; v < emb.length; v++) {
      for (int c = 0; c < hd; c++) {
        double z = bias[c];
        for (int r = 0; r < e; r++) {
          z += (double) emb[v][r] * w0[r][c];
        }
        opcodeRows[v][c] = (float) z;
      }
    }
    f = new Folded(norm, opcodeRows, featureRows);
    folded = f;
    return f;
  }

  /** The kernel embedding of a late-join network; node features are normalised with {@code norm}. */
  public float[] embed(KernelGraph g, Normalizer norm) {
    if (h.earlyJoin()) {
      throw new IllegalArgumentException("an early-join network needs the config features");
    }
    Scratch s = scratch.get();
    s.ensure(g.size());
    int distinct = baseInto(g, g.nodes(), norm, s.base, s); // grouped once, by the raw rows
    return embed(g, s.base, null, s, distinct);
  }

  /**
   * The kernel embedding ({@link Hyper#graphWidth()} values) from {@link #base}'s output, which is only
   * read. {@code config} (the normalised config features) must be given exactly when the network joins them
   * early.
   */
  public float[] embed(KernelGraph g, float[][] base, float[] config) {
    if ((config != null) != h.earlyJoin()) {
      throw new IllegalArgumentException(h.earlyJoin() ? "an early-join network needs the config features"
          : "a late-join network takes no config features in the encoder");
    }
    Scratch s = scratch.get();
    return embed(g, base, config, s, groupBase(g, base, s));
  }

  /** Groups the nodes of {@code g} by their rows of {@code base} alone ({@link DuplicateRows}); the number of groups. */
  private int groupBase(KernelGraph g, float[][] base, Scratch s) {
    int n = g.size();
    s.ensure(n);
    for (int i = 0; i < n; i++) {
      s.hashes[i] = DuplicateRows.hash(base[i], h.hidden());
    }
    return DuplicateRows.group(null, base, n, h.hidden(), s.hashes, s.rep, s.table);
  }

  /**
   * {@link #embed(KernelGraph, float[][], float[])} with the nodes grouped ({@code s.rep}, {@code distinct} groups):
   * a node reads its group's first row of {@code base}, and the first layer's product is computed once per group.
   */
  private float[] embed(KernelGraph g, float[][] base, float[] config, Scratch s, int distinct) {
    int n = g.size();
    int hd = h.hidden();
    int[] rep = s.rep;
    float[][] state = s.state;
    float[] shift = s.cfg;
    Arrays.fill(shift, 0);
    if (config != null) {
      for (int r = 0; r < config.length; r++) {
        Gemm.axpy(config[r], w0c[r], shift);
      }
    }
    // The first layer's input state of each group's first node only: its group shares it (from[i]).
    float[][] from = s.from;
    for (int i = 0; i < n; i++) {
      if (rep[i] == i) {
        Gemm.reluOfSum(base[i], shift, state[i], hd);
      }
      from[i] = state[rep[i]];
    }
    float[] invIn = s.invIn;
    float[] invOut = s.invOut;
    int[] src = g.src();
    int[] dst = g.dst();
    // (degrees counted as ints and inverted from a table: the same values as float counts and divisions)
    int[] degrees = s.degrees;
    Arrays.fill(degrees, 0, 2 * n, 0);
    for (int k = 0; k < src.length; k++) {
      degrees[dst[k]]++;
      degrees[n + src[k]]++;
    }
    for (int i = 0; i < n; i++) {
      invIn[i] = reciprocal(degrees[i]);
      invOut[i] = reciprocal(degrees[n + i]);
    }
    float[][] p = s.products;
    float[] sum = new float[hd];
    int layers = h.layers();
    for (int l = 0; l < layers; l++) {
      // state = from + relu(bl + [state, mIn, mOut] . W) with mIn = mean of in-neighbours' states (likewise mOut),
      // computed as one product p = state . [W_self | W_in | W_out] (rows three times as wide as the state,
      // which C2's and the Vector API's loops run far better at small widths); then per edge, the mean of a
      // node's in-neighbours' second thirds and of its out-neighbours' last thirds is added into its first
      // third (only first thirds are written, only the others read), and the state updated (the product has read
      // it). The last layer's states are only summed, not stored.
      if (l == 0 && distinct < n) {
        // Nodes of one group have the same state until the first messages: one product row per group, whose
        // messages its nodes read (read[i]) and whose first third each copies to add its own messages into.
        Gemm.multiply(s.distinctIn, gatherFirsts(s, n, state, p), wcat[0], 0, hd, s.distinctOut);
        float[][] read = s.read;
        for (int i = 0; i < n; i++) {
          read[i] = p[rep[i]];
          if (rep[i] != i) {
            Gemm.copyRow(p[rep[i]], p[i], hd);
          }
        }
        Gemm.meanMessages(read, p, src, dst, invIn, invOut, hd);
      } else {
        Gemm.multiply(state, n, wcat[l], 0, hd, p);
        Gemm.meanMessages(p, p, src, dst, invIn, invOut, hd);
      }
      float[] bias = bl[l];
      if (l == layers - 1) {
        Gemm.sumOfResidualRelu(p, bias, from, n, sum, hd);
      } else {
        // (last node first: in the first layer a group's later nodes read its first node's row before it changes)
        for (int i = n - 1; i >= 0; i--) {
          Gemm.addReluOfSum(p[i], bias, from[i], state[i], hd);
        }
        from = state;
      }
    }
    if (layers == 0) {
      Gemm.sumRows(from, n, sum, hd);
    }
    float[] graph = new float[2 * hd];
    for (int c = 0; c < hd; c++) {
      graph[c] = sum[c] / n;
      graph[hd + c] = sum[c] / 32f;
    }
    return graph;
  }

  /**
   * The outputs for every config of one kernel ({@code configs} normalised): the graph is encoded once with
   * a late join and once per config with an early join.
   */
  public float[] outputs(KernelGraph g, Normalizer norm, float[][] configs) {
    float[][] base = base(g, norm);
    float[] out = new float[configs.length];
    outputs(g, base, lateHeadInput(g, base), configs, out);
    return out;
  }

  /**
   * A late-join network's {@link Head#input} for a kernel, the same for all its configs; null for an
   * early-join network, whose head input depends on the config.
   */
  public float[] lateHeadInput(KernelGraph g, float[][] base) {
    return h.earlyJoin() ? null : head.input(embed(g, base, null));
  }

  /**
   * A late-join network's {@link Head#input} straight from a kernel's raw node features ({@code nodeRows}, as in
   * {@link #base(KernelGraph, float[][], Normalizer)}), its first-layer input kept in a per-thread buffer: what
   * a kernel costs when only its head input is kept.
   */
  public float[] lateHeadInput(KernelGraph g, float[][] nodeRows, Normalizer norm) {
    if (h.earlyJoin()) {
      throw new IllegalStateException("an early-join network has no per-kernel head input");
    }
    Scratch s = scratch.get();
    s.ensure(g.size());
    int distinct = baseInto(g, nodeRows, norm, s.base, s);
    return head.input(embed(g, s.base, null, s, distinct));
  }

  /**
   * The outputs for {@code configs} (normalised; a null entry gives NaN) of a kernel whose {@link #base} and
   * {@link #lateHeadInput} are given: with a late join the {@link Head}'s ({@link Head#outputs}), with an early
   * join the graph re-encoded per config.
   */
  public void outputs(KernelGraph g, float[][] base, float[] late, float[][] configs, float[] out) {
    if (late != null) {
      head.outputs(late, configs, out, null, null);
      return;
    }
    if (!h.earlyJoin()) {
      throw new IllegalArgumentException("a late-join network takes no config features in the encoder");
    }
    Scratch s = scratch.get();
    int distinct = groupBase(g, base, s); // once per kernel, not per config
    for (int j = 0; j < configs.length; j++) {
      float[] c = configs[j];
      out[j] = c == null ? Float.NaN : head.from(head.input(embed(g, base, c, s, distinct)), c);
    }
  }

  /** The head. */
  public Head head() {
    return head;
  }

}
