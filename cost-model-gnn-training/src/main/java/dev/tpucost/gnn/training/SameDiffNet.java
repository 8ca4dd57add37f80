package dev.tpucost.gnn.training;

import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.net.Weights;
import dev.tpucost.gnn.features.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network of {@link Forward} as a SameDiff graph over a batch of kernels, for training. Message passing
 * and pooling are dense matrix products (row-normalised operand and user adjacency, mean and scaled-sum
 * pooling, a kernel-to-config selection), because SameDiff M2.1's gather has broken gradients and its
 * segment ops leak native memory; {@code mmul}, {@code concat}, {@code relu} and {@code softplus} have
 * correct gradients. The loss is the mean squared error of the standardised log runtime plus
 * {@code rankWeight} times the pairwise logistic ranking loss {@code softplus(pred_fast - pred_slow)}
 * over config pairs of the same kernel.
 */
public final class SameDiffNet {
  /**
   * One kernel of a batch: its graph, its configs' normalised features and standardised targets, and the weight
   * of each config's squared error (null: all 1).
   */
  public record Item(KernelGraph graph, float[][] configs, float[] targets, float[] weights) {
    /** An item whose configs' errors all weigh the same. */
    public Item(KernelGraph graph, float[][] configs, float[] targets) {
      this(graph, configs, targets, null);
    }
  }

  /**
   * A batch's placeholder arrays, and the output row of each of its configs (kernel by kernel, in item
   * order; an early-join batch has padding rows between them).
   */
  public record Batch(Map<String, INDArray> placeholders, int[] rows) {}

  /** A gradient step's loss and gradients by weight name. */
  public record Step(double loss, Map<String, float[]> gradients) {}

  private final Hyper h;
  private final SameDiff sd;
  private final List<String> names;
  private final int slots;
  private final boolean weighted;
  private boolean gradientsBuilt;

  /** The graph for {@code h} with the values of {@code w}, and the ranking-loss weight. */
  public SameDiffNet(Hyper h, Weights w, double rankWeight) {
    this(h, w, rankWeight, 1);
  }

  /**
   * The graph for {@code h} with the values of {@code w}, and the ranking-loss weight; an early-join network
   * gives every kernel of a batch {@code slots} config slots (at most that many configs per kernel).
   */
  public SameDiffNet(Hyper h, Weights w, double rankWeight, int slots) {
    this(h, w, rankWeight, slots, false);
  }

  /**
   * As {@link #SameDiffNet(Hyper, Weights, double, int)}; with {@code weighted} (late join only) the squared
   * errors are averaged with each item's config weights ({@link Item#weights}) instead of equally.
   */
  public SameDiffNet(Hyper h, Weights w, double rankWeight, int slots, boolean weighted) {
    if (weighted && h.earlyJoin()) {
      throw new IllegalArgumentException("weighted configs are for late-join networks");
    }
    this.weighted = weighted;
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be positive");
    }
    this.slots = slots;
    this.h = h;
    this.sd = SameDiff.create();
    // The quantile outputs are fitted afterwards with the network frozen (IntervalFitter): not part of this graph.
    this.names = new ArrayList<>(w.all().keySet());
    names.remove(dev.tpucost.gnn.net.Head.QUANTILE_WEIGHTS);
    names.remove(dev.tpucost.gnn.net.Head.QUANTILE_BIAS);
    Map<String, SDVariable> v = new HashMap<>();
    for (String n : names) {
      Weights.Matrix m = w.get(n);
      v.put(n, sd.var(n, Nd4j.create(m.data().clone(), new long[] {m.rows(), m.cols()}, 'c')));
    }
    SDVariable onehot = sd.placeHolder("onehot", DataType.FLOAT, -1, h.vocabulary());
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, h.nodeFeatures());
    SDVariable ain = sd.placeHolder("ain", DataType.FLOAT, -1, -1);
    SDVariable aout = sd.placeHolder("aout", DataType.FLOAT, -1, -1);
    SDVariable pmean = sd.placeHolder("pmean", DataType.FLOAT, -1, -1);
    SDVariable psum = sd.placeHolder("psum", DataType.FLOAT, -1, -1);
    SDVariable cfg = sd.placeHolder("cfg", DataType.FLOAT, -1, h.configFeatures());
    SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, 1);
    SDVariable pairs = sd.placeHolder("pairs", DataType.FLOAT, -1, -1);

    SDVariable pred = h.earlyJoin() ? earlyJoin(v, onehot, x, ain, aout, pmean, psum, cfg) : lateJoin(v, onehot, x, ain, aout, pmean, psum, cfg);
    SDVariable err = pred.sub(y);
    // Early join: padding slots masked out; weighted: each config's share of the batch's weights (summing to 1).
    SDVariable mse = h.earlyJoin() ? sd.sum(err.mul(err).mul(sd.placeHolder("mask", DataType.FLOAT, -1, 1)))
        : weighted ? sd.sum(err.mul(err).mul(sd.placeHolder("weight", DataType.FLOAT, -1, 1))) : sd.mean(err.mul(err));
    SDVariable rank = sd.mean(sd.nn.softplus(pairs.mmul(pred)));
    mse.mul(1.0).add("loss", rank.mul(rankWeight));
    sd.setLossVariables("loss");
  }

  private SDVariable lateJoin(Map<String, SDVariable> v, SDVariable onehot, SDVariable x, SDVariable ain, SDVariable aout,
      SDVariable pmean, SDVariable psum, SDVariable cfg) {
    SDVariable sel = sd.placeHolder("sel", DataType.FLOAT, -1, -1);
    SDVariable state = sd.nn.relu(sd.concat(1, onehot.mmul(v.get("emb")), x).mmul(v.get("w0")).add(v.get("b0")), 0);
    for (int l = 0; l < h.layers(); l++) {
      SDVariable cat = sd.concat(1, state, ain.mmul(state), aout.mmul(state));
      state = sd.nn.relu(cat.mmul(v.get("wl" + l)).add(v.get("bl" + l)), 0).add(state);
    }
    SDVariable graph = sd.concat(1, pmean.mmul(state), psum.mmul(state));
    return head(v, sd.concat(1, sel.mmul(graph), cfg));
  }

  /**
   * The early join: every kernel of the batch has {@code m} config slots, and node states are
   * {@code [nodes][m * hidden]} (one hidden-wide block per config), so the adjacency products serve all
   * configs at once; the per-node layer runs on the {@code [nodes * m][hidden]} view. {@code tile}
   * ({@code hidden x m*hidden}, stacked identities) repeats the shared first-layer input per config and
   * {@code member} ({@code nodes x kernels}) broadcasts each kernel's config projections to its nodes.
   */
  private SDVariable earlyJoin(Map<String, SDVariable> v, SDVariable onehot, SDVariable x, SDVariable ain, SDVariable aout,
      SDVariable pmean, SDVariable psum, SDVariable cfg) {
    int hd = h.hidden();
    float[] eye = new float[hd * slots * hd];
    for (int j = 0; j < slots; j++) {
      for (int c = 0; c < hd; c++) {
        eye[c * slots * hd + j * hd + c] = 1;
      }
    }
    SDVariable tile = sd.constant(Nd4j.create(eye, new long[] {hd, (long) slots * hd}, 'c'));
    SDVariable member = sd.placeHolder("member", DataType.FLOAT, -1, -1);
    SDVariable base = sd.concat(1, onehot.mmul(v.get("emb")), x).mmul(v.get("w0")).add(v.get("b0"));
    SDVariable wide = sd.constant(Nd4j.createFromArray(-1L, (long) slots * hd));
    SDVariable narrow = sd.constant(Nd4j.createFromArray(-1L, (long) hd));
    SDVariable perConfig = sd.reshape(cfg.mmul(v.get("w0c")), wide);
    SDVariable state = sd.nn.relu(base.mmul(tile).add(member.mmul(perConfig)), 0);
    for (int l = 0; l < h.layers(); l++) {
      SDVariable cat = sd.concat(1, sd.reshape(state, narrow), sd.reshape(ain.mmul(state), narrow),
          sd.reshape(aout.mmul(state), narrow));
      SDVariable upd = sd.nn.relu(cat.mmul(v.get("wl" + l)).add(v.get("bl" + l)), 0);
      state = sd.reshape(upd, wide).add(state);
    }
    SDVariable graph = sd.concat(1, sd.reshape(pmean.mmul(state), narrow), sd.reshape(psum.mmul(state), narrow));
    return head(v, sd.concat(1, graph, cfg));
  }

  private SDVariable head(Map<String, SDVariable> v, SDVariable in) {
    SDVariable z = sd.nn.relu(in.mmul(v.get("w1")).add(v.get("b1")), 0);
    z = sd.nn.relu(z.mmul(v.get("w2")).add(v.get("b2")), 0);
    return z.mmul(v.get("w3")).add("pred", v.get("b3"));
  }

  /** Copies {@code w}'s values into the graph's variables. */
  public void load(Weights w) {
    for (String n : names) {
      Weights.Matrix m = w.get(n);
      sd.getArrForVarName(n).assign(Nd4j.create(m.data(), new long[] {m.rows(), m.cols()}, 'c'));
    }
  }

  /** The loss and every weight's gradient on {@code b}. */
  public Step step(Batch b) {
    OutAndGrad og;
    if (!gradientsBuilt) {
      // SameDiff M2.1 prints a line per op to stdout while it builds the gradient graph, once.
      java.io.PrintStream stdout = System.out;
      synchronized (System.class) {
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
          og = sd.calculateGradientsAndOutputs(b.placeholders(), List.of("loss"), names);
        } finally {
          System.setOut(stdout);
        }
      }
      gradientsBuilt = true;
    } else {
      og = sd.calculateGradientsAndOutputs(b.placeholders(), List.of("loss"), names);
    }
    Map<String, float[]> g = new HashMap<>();
    for (String n : names) {
      g.put(n, og.getGradients().get(n).dup('c').data().asFloat());
    }
    return new Step(og.getOutputs().get("loss").getDouble(0), g);
  }

  /** The network's outputs (standardised log runtimes) for every config of {@code b}. */
  public float[] predict(Batch b) {
    float[] all = sd.output(b.placeholders(), "pred").get("pred").dup('c').data().asFloat();
    float[] out = new float[b.rows().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = all[b.rows()[i]];
    }
    return out;
  }

  /**
   * The placeholder arrays of a batch. Pairs: for every two configs of one kernel with different
   * targets, the faster one's output should be lower.
   */
  public Batch batch(List<Item> items, Normalizer nodeNorm) {
    int n = 0;
    int m = 0;
    int pairCount = 0;
    for (Item it : items) {
      n += it.graph().size();
      if (h.earlyJoin() && it.targets().length > slots) {
        throw new IllegalArgumentException(it.targets().length + " configs for a kernel, but the network has " + slots + " slots");
      }
      m += h.earlyJoin() ? slots : it.targets().length;
      for (int i = 0; i < it.targets().length; i++) {
        for (int j = i + 1; j < it.targets().length; j++) {
          if (it.targets()[i] != it.targets()[j]) {
            pairCount++;
          }
        }
      }
    }
    int bsz = items.size();
    int v = h.vocabulary();
    int d = h.nodeFeatures();
    int c = h.configFeatures();
    float[] onehot = new float[n * v];
    float[] x = new float[n * d];
    float[] ain = new float[n * n];
    float[] aout = new float[n * n];
    float[] pmean = new float[bsz * n];
    float[] psum = new float[bsz * n];
    float[] sel = new float[h.earlyJoin() ? 0 : m * bsz];
    float[] cfg = new float[m * c];
    float[] y = new float[m];
    float[] pairs = new float[Math.max(1, pairCount) * m];
    float[] member = new float[h.earlyJoin() ? n * bsz : 0];
    float[] mask = new float[h.earlyJoin() ? m : 0];
    float[] weight = new float[weighted ? m : 0];
    double weightSum = 0;
    int[] rows = new int[items.stream().mapToInt(it -> it.targets().length).sum()];
    int real = 0;
    int node0 = 0;
    int cfg0 = 0;
    int p = 0;
    for (int b = 0; b < bsz; b++) {
      Item it = items.get(b);
      KernelGraph g = it.graph();
      int k = g.size();
      for (int i = 0; i < k; i++) {
        int row = node0 + i;
        onehot[row * v + Math.min(Math.max(0, g.opcodes()[i]), v - 1)] = 1;
        float[] raw = g.nodes()[i];
        for (int f = 0; f < d; f++) {
          x[row * d + f] = (raw[f] - nodeNorm.mean()[f]) / nodeNorm.std()[f];
        }
        pmean[b * n + row] = 1f / k;
        if (h.earlyJoin()) {
          member[row * bsz + b] = 1;
        }
        psum[b * n + row] = 1f / 32;
      }
      int[] inDeg = new int[k];
      int[] outDeg = new int[k];
      for (int e = 0; e < g.src().length; e++) {
        inDeg[g.dst()[e]]++;
        outDeg[g.src()[e]]++;
      }
      for (int e = 0; e < g.src().length; e++) {
        int s = node0 + g.src()[e];
        int t = node0 + g.dst()[e];
        ain[t * n + s] += 1f / inDeg[g.dst()[e]];
        aout[s * n + t] += 1f / outDeg[g.src()[e]];
      }
      for (int j = 0; j < it.targets().length; j++) {
        int row = cfg0 + j;
        rows[real++] = row;
        if (h.earlyJoin()) {
          mask[row] = 1f / rows.length;
        } else {
          sel[row * bsz + b] = 1;
        }
        System.arraycopy(it.configs()[j], 0, cfg, row * c, c);
        y[row] = it.targets()[j];
        if (weighted) {
          weight[row] = it.weights() == null ? 1 : it.weights()[j];
          weightSum += weight[row];
        }
      }
      for (int i = 0; i < it.targets().length; i++) {
        for (int j = i + 1; j < it.targets().length; j++) {
          float ti = it.targets()[i];
          float tj = it.targets()[j];
          if (ti != tj) {
            int fast = ti < tj ? i : j;
            int slow = ti < tj ? j : i;
            pairs[p * m + cfg0 + fast] = 1;
            pairs[p * m + cfg0 + slow] = -1;
            p++;
          }
        }
      }
      node0 += k;
      cfg0 += h.earlyJoin() ? slots : it.targets().length;
    }
    Map<String, INDArray> ph = new HashMap<>();
    ph.put("onehot", Nd4j.create(onehot, new long[] {n, v}, 'c'));
    ph.put("x", Nd4j.create(x, new long[] {n, d}, 'c'));
    ph.put("ain", Nd4j.create(ain, new long[] {n, n}, 'c'));
    ph.put("aout", Nd4j.create(aout, new long[] {n, n}, 'c'));
    ph.put("pmean", Nd4j.create(pmean, new long[] {bsz, n}, 'c'));
    ph.put("psum", Nd4j.create(psum, new long[] {bsz, n}, 'c'));
    if (h.earlyJoin()) {
      ph.put("member", Nd4j.create(member, new long[] {n, bsz}, 'c'));
      ph.put("mask", Nd4j.create(mask, new long[] {m, 1}, 'c'));
    } else {
      ph.put("sel", Nd4j.create(sel, new long[] {m, bsz}, 'c'));
    }
    if (weighted) {
      for (int i = 0; i < m; i++) {
        weight[i] /= (float) weightSum;
      }
      ph.put("weight", Nd4j.create(weight, new long[] {m, 1}, 'c'));
    }
    ph.put("cfg", Nd4j.create(cfg, new long[] {m, c}, 'c'));
    ph.put("y", Nd4j.create(y, new long[] {m, 1}, 'c'));
    ph.put("pairs", Nd4j.create(pairs, new long[] {Math.max(1, pairCount), m}, 'c'));
    return new Batch(ph, rows);
  }
}
