package dev.tpucost.corpus.zoo;

import static dev.tpucost.corpus.zoo.Dims.between;
import static dev.tpucost.corpus.zoo.Dims.floatType;
import static dev.tpucost.corpus.zoo.Dims.pick;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The program families of the zoo: eight here (nested below) and {@link Conv3d} and {@link Reductions} in
 * their own files.
 */
public final class Families {
  private Families() {}

  /** Every family, in a fixed order. */
  public static List<Family> all() {
    return List.of(new Mlp(), new ResNet(), new MobileNet(), new Transformer(), new Lstm(), new Embedding(),
        new RnnLoop(), new Adam(), new Conv3d(), new Reductions());
  }

  /** The family named {@code name}. */
  public static Family named(String name) {
    return all().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("no family '" + name + "'; families: "
            + all().stream().map(Family::name).toList()));
  }

  /** A multi-layer perceptron with softmax output, forward and backward. */
  static final class Mlp implements Family {
    @Override
    public String name() {
      return "mlp";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      ElementType t = floatType(r);
      long batch = pick(r, 8, 32, 64, 128, 256, 512);
      int layers = between(r, 2, 4);
      int act = r.nextInt(4);
      long[] widths = new long[layers + 1];
      for (int i = 0; i <= layers; i++) {
        widths[i] = pick(r, 128, 256, 512, 784, 1024, 2048);
      }
      Instruction x = g.param(t, batch, widths[0]);
      List<Instruction> ws = new ArrayList<>();
      List<Instruction> hs = new ArrayList<>();
      Instruction h = x;
      for (int i = 0; i < layers; i++) {
        Instruction w = g.param(t, widths[i], widths[i + 1]);
        Instruction b = g.param(t, widths[i + 1]);
        ws.add(w);
        hs.add(h);
        h = Layers.dense(g, h, w, b);
        h = i < layers - 1 ? Layers.activation(g, h, act) : h;
      }
      Instruction probs = Layers.softmax(g, g.convert(h, ElementType.F32));
      Instruction labels = g.param(ElementType.F32, batch, widths[layers]);
      Instruction dz = g.sub(probs, labels);
      List<Instruction> grads = new ArrayList<>();
      for (int i = layers - 1; i >= 0; i--) {
        Instruction in = hs.get(i).shape().elementType() == ElementType.F32 ? hs.get(i) : g.convert(hs.get(i), ElementType.F32);
        grads.add(g.dot(in, dz, new long[] {0}, new long[] {0}, new long[0], new long[0], ElementType.F32));
        grads.add(g.reduce(dz, "add", 0));
        if (i > 0) {
          Instruction w = g.convert(ws.get(i), ElementType.F32);
          Instruction dh = g.dot(dz, w, new long[] {1}, new long[] {1}, new long[0], new long[0], ElementType.F32);
          Instruction y = g.convert(hs.get(i), ElementType.F32);
          dz = Layers.activationGrad(g, y, dh, act);
        }
      }
      g.tuple(grads.toArray(new Instruction[0]));
      return p.module(g);
    }
  }

  /** A ResNet basic block: conv-bn-relu twice with a residual, optional pooling, forward and backward. */
  static final class ResNet implements Family {
    @Override
    public String name() {
      return "resnet";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      ElementType t = floatType(r);
      long n = pick(r, 1, 8, 16, 32);
      long hw = pick(r, 7, 14, 28, 56);
      long c = pick(r, 32, 64, 128, 256);
      long c2 = r.nextBoolean() ? c : c * 2;
      int stride = c2 != c && r.nextBoolean() ? 2 : 1;
      Instruction x = g.param(t, n, hw, hw, c);
      Instruction w1 = g.param(t, 3, 3, c, c2);
      Instruction w2 = g.param(t, 3, 3, c2, c2);
      Instruction g1 = g.param(t, c2);
      Instruction b1 = g.param(t, c2);
      Instruction g2 = g.param(t, c2);
      Instruction b2 = g.param(t, c2);
      Instruction y = g.conv2d(x, w1, stride, 1, 1, t);
      Instruction a = g.relu(Layers.batchNorm(g, y, g1, b1));
      Instruction z = Layers.batchNorm(g, g.conv2d(a, w2, 1, 1, 1, t), g2, b2);
      Instruction shortcut = x;
      if (c2 != c || stride != 1) {
        Instruction wp = g.param(t, 1, 1, c, c2);
        shortcut = g.conv2d(x, wp, stride, 0, 1, t);
      }
      Instruction out = g.relu(g.add(z, shortcut));
      if (r.nextBoolean() && out.shape().dim(1) >= 4) {
        out = g.pool(out, r.nextBoolean() ? "max" : "add", 2, 2);
      }
      // Backward: relu gradient, conv input gradient (conv with the second kernel), weight gradient
      // of the first conv as a dot over N*H*W, and the batch-norm parameter gradients.
      Instruction dout = g.param(t, out.shape().dims());
      Instruction reluOut = g.relu(g.add(z, shortcut));
      Instruction dPre = out.shape().sameDimensions(reluOut.shape())
          ? Layers.activationGrad(g, reluOut, dout, 0)
          : Layers.activationGrad(g, reluOut, g.param(t, reluOut.shape().dims()), 0);
      Instruction dA = g.conv2d(dPre, w2, 1, 1, 1, t);
      // The second conv's weight gradient: as XLA writes it, a convolution of the activations with the
      // output gradient over the whole spatial extent (f01b_i01o->01bf), or as a dot over N*H*W.
      Instruction dW;
      if (r.nextBoolean()) {
        long oh = dPre.shape().dim(1);
        long ow = dPre.shape().dim(2);
        dW = g.convolution(a, dPre,
            new ConvolutionDimensionNumbers(3, 0, List.of(1L, 2L), 0, 3, List.of(1L, 2L), 2, 3, List.of(0L, 1L)),
            Window.of(WindowDimension.of(oh, 1, 1, 1), WindowDimension.of(ow, 1, 1, 1)), ElementType.F32);
      } else {
        long rows = a.shape().dim(0) * a.shape().dim(1) * a.shape().dim(2);
        dW = g.dot(g.reshape(a, rows, c2), g.reshape(dPre, rows, c2), new long[] {0}, new long[] {0},
            new long[0], new long[0], ElementType.F32);
      }
      Instruction dGamma = g.reduce(g.mul(dPre, z), "add", 0, 1, 2);
      Instruction dBeta = g.reduce(dPre, "add", 0, 1, 2);
      g.tuple(out, dA, dW, dGamma, dBeta);
      return p.module(g);
    }
  }

  /** A MobileNet inverted-residual block: 1x1 expand, 3x3 depthwise, 1x1 project, relu6, residual. */
  static final class MobileNet implements Family {
    @Override
    public String name() {
      return "mobilenet";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      ElementType t = floatType(r);
      long n = pick(r, 1, 8, 32);
      long hw = pick(r, 7, 14, 28, 56, 112);
      long c = pick(r, 16, 24, 32, 64, 96);
      long e = c * pick(r, 4, 6);
      Instruction x = g.param(t, n, hw, hw, c);
      Instruction we = g.param(t, 1, 1, c, e);
      Instruction wd = g.param(t, 3, 3, 1, e);
      Instruction wp = g.param(t, 1, 1, e, c);
      Instruction h = relu6(g, g.conv2d(x, we, 1, 0, 1, t));
      int stride = r.nextInt(3) == 0 ? 2 : 1;
      Instruction d = relu6(g, g.conv2d(h, wd, stride, 1, e, t));
      Instruction y = g.conv2d(d, wp, 1, 0, 1, t);
      Instruction out = stride == 1 ? g.add(y, x) : y;
      // Backward through the projection and the depthwise conv.
      Instruction dy = g.param(t, out.shape().dims());
      Instruction dd = g.conv2d(dy, g.param(t, 1, 1, c, e), 1, 0, 1, t);
      Instruction ddPre = g.select(g.compare(d, Layers.scalar(g, d, "6"), ComparisonDirection.LT), dd, Layers.scalar(g, dd, "0"));
      Instruction dh = g.conv2d(ddPre, wd, 1, 1, e, t);
      g.tuple(out, dh);
      return p.module(g);
    }

    private static Instruction relu6(Graph g, Instruction x) {
      return g.binary(Opcode.MINIMUM, g.relu(x), Layers.scalar(g, x, "6"));
    }
  }

  /** A Transformer encoder layer: multi-head attention with softmax, layer norms, GELU FFN; FFN backward. */
  static final class Transformer implements Family {
    @Override
    public String name() {
      return "transformer";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      ElementType t = r.nextInt(4) == 0 ? ElementType.F32 : ElementType.BF16;
      long b = pick(r, 1, 2, 4, 8);
      long s = pick(r, 64, 128, 256, 512);
      long heads = pick(r, 4, 8, 12, 16);
      long dh = pick(r, 32, 64, 128);
      long d = heads * dh;
      long ff = d * pick(r, 2, 4);
      Instruction x = g.param(t, b * s, d);
      Instruction[] w = new Instruction[4];
      for (int i = 0; i < 4; i++) {
        w[i] = g.param(t, d, d);
      }
      Instruction q = heads(g, Layers.dense(g, x, w[0], null), b, s, heads, dh);
      Instruction k = heads(g, Layers.dense(g, x, w[1], null), b, s, heads, dh);
      Instruction v = heads(g, Layers.dense(g, x, w[2], null), b, s, heads, dh);
      Instruction scores = g.dot(q, k, new long[] {3}, new long[] {3}, new long[] {0, 1}, new long[] {0, 1}, ElementType.F32);
      scores = g.mul(scores, Layers.scalar(g, scores, Double.toString(1 / Math.sqrt(dh))));
      Instruction probs = g.convert(Layers.softmax(g, scores), t);
      Instruction ctx = g.dot(probs, v, new long[] {3}, new long[] {2}, new long[] {0, 1}, new long[] {0, 1}, t);
      Instruction merged = g.reshape(g.transpose(ctx, 0, 2, 1, 3), b * s, d);
      Instruction attn = Layers.dense(g, merged, w[3], null);
      Instruction h1 = Layers.layerNorm(g, g.add(attn, x), g.param(ElementType.F32, d), g.param(ElementType.F32, d));
      Instruction w1 = g.param(t, d, ff);
      Instruction w2 = g.param(t, ff, d);
      Instruction f = Layers.gelu(g, Layers.dense(g, h1, w1, g.param(t, ff)));
      Instruction out = Layers.layerNorm(g, g.add(Layers.dense(g, f, w2, g.param(t, d)), h1),
          g.param(ElementType.F32, d), g.param(ElementType.F32, d));
      // Backward through the FFN: weight gradients and the input gradient.
      Instruction dout = g.param(t, b * s, d);
      Instruction dw2 = g.dot(f, dout, new long[] {0}, new long[] {0}, new long[0], new long[0], ElementType.F32);
      Instruction df = g.dot(dout, w2, new long[] {1}, new long[] {1}, new long[0], new long[0], ElementType.F32);
      Instruction dw1 = g.dot(g.convert(h1, ElementType.F32), df, new long[] {0}, new long[] {0}, new long[0], new long[0], ElementType.F32);
      g.tuple(out, dw2, dw1);
      return p.module(g);
    }

    private static Instruction heads(Graph g, Instruction x, long b, long s, long heads, long dh) {
      return g.transpose(g.reshape(x, b, s, heads, dh), 0, 2, 1, 3);
    }
  }

  /** An LSTM (or GRU) cell step, forward and backward through the gates. */
  static final class Lstm implements Family {
    @Override
    public String name() {
      return "lstm";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      ElementType t = floatType(r);
      long b = pick(r, 8, 16, 32, 64, 128);
      long in = pick(r, 128, 256, 512, 1024);
      long h = pick(r, 128, 256, 512, 1024);
      boolean gru = r.nextInt(3) == 0;
      long gates = gru ? 3 : 4;
      Instruction x = g.param(t, b, in);
      Instruction hp = g.param(t, b, h);
      Instruction c = g.param(t, b, h);
      Instruction wx = g.param(t, in, gates * h);
      Instruction wh = g.param(t, h, gates * h);
      Instruction bias = g.param(t, gates * h);
      Instruction z = g.biasAdd(g.add(g.matmul(x, wx, t), g.matmul(hp, wh, t)), bias);
      Instruction[] gate = new Instruction[(int) gates];
      for (int i = 0; i < gates; i++) {
        gate[i] = g.slice(z, new long[] {0, i * h}, new long[] {b, (i + 1) * h});
      }
      Instruction hn;
      Instruction cn;
      if (gru) {
        Instruction rg = Layers.sigmoid(g, gate[0]);
        Instruction ug = Layers.sigmoid(g, gate[1]);
        Instruction cand = g.unary(Opcode.TANH, g.mul(rg, gate[2]));
        hn = g.add(g.mul(ug, hp), g.mul(g.sub(Layers.scalar(g, ug, "1"), ug), cand));
        cn = cand;
      } else {
        Instruction ig = Layers.sigmoid(g, gate[0]);
        Instruction fg = Layers.sigmoid(g, gate[1]);
        Instruction gg = g.unary(Opcode.TANH, gate[2]);
        Instruction og = Layers.sigmoid(g, gate[3]);
        cn = g.add(g.mul(fg, c), g.mul(ig, gg));
        hn = g.mul(og, g.unary(Opcode.TANH, cn));
      }
      // Backward: gate gradients, then the weight gradients as dots over the batch.
      Instruction dh = g.param(t, b, h);
      Instruction tc = g.unary(Opcode.TANH, cn);
      Instruction dc = g.mul(dh, g.sub(Layers.scalar(g, tc, "1"), g.mul(tc, tc)));
      Instruction[] dg = new Instruction[(int) gates];
      for (int i = 0; i < gates; i++) {
        dg[i] = Layers.activationGrad(g, Layers.sigmoid(g, gate[i]), i % 2 == 0 ? dc : dh, 3);
      }
      Instruction dz = g.concat(1, dg);
      Instruction dwx = g.dot(x, dz, new long[] {0}, new long[] {0}, new long[0], new long[0], ElementType.F32);
      Instruction dwh = g.dot(hp, dz, new long[] {0}, new long[] {0}, new long[0], new long[0], ElementType.F32);
      Instruction dx = g.dot(dz, wx, new long[] {1}, new long[] {1}, new long[0], new long[0], t);
      g.tuple(hn, cn, dwx, dwh, dx, g.reduce(dz, "add", 0));
      return p.module(g);
    }
  }

  /** DLRM-style: embedding lookups (gather), a dense MLP, pairwise interactions; scatter-add backward. */
  static final class Embedding implements Family {
    @Override
    public String name() {
      return "embedding";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      long b = pick(r, 64, 128, 256, 512, 1024);
      long d = pick(r, 16, 32, 64, 128);
      int tables = between(r, 2, 4);
      long dense = pick(r, 13, 64, 256);
      List<Instruction> feats = new ArrayList<>();
      List<Instruction> tableParams = new ArrayList<>();
      List<Instruction> ids = new ArrayList<>();
      for (int i = 0; i < tables; i++) {
        Instruction table = g.param(ElementType.F32, pick(r, 1000, 10000, 100000), d);
        Instruction id = g.param(ElementType.S32, b);
        tableParams.add(table);
        ids.add(id);
        feats.add(g.gatherRows(table, id));
      }
      Instruction xd = g.param(ElementType.F32, b, dense);
      Instruction bottom = g.relu(Layers.dense(g, xd, g.param(ElementType.F32, dense, d), g.param(ElementType.F32, d)));
      feats.add(bottom);
      long f = feats.size();
      List<Instruction> rows = new ArrayList<>();
      for (Instruction e : feats) {
        rows.add(g.reshape(e, b, 1, d));
      }
      Instruction stacked = g.concat(1, rows.toArray(new Instruction[0]));
      Instruction inter = g.dot(stacked, stacked, new long[] {2}, new long[] {2}, new long[] {0}, new long[] {0}, ElementType.F32);
      Instruction flat = g.reshape(inter, b, f * f);
      Instruction top = Layers.dense(g, g.relu(Layers.dense(g, flat, g.param(ElementType.F32, f * f, 256),
          g.param(ElementType.F32, 256))), g.param(ElementType.F32, 256, 1), null);
      Instruction prob = Layers.sigmoid(g, top);
      // Backward into the embedding tables.
      Instruction dfeat = g.param(ElementType.F32, b, d);
      List<Instruction> outs = new ArrayList<>();
      outs.add(prob);
      for (int i = 0; i < tables; i++) {
        outs.add(g.scatterAddRows(tableParams.get(i), ids.get(i), dfeat));
      }
      g.tuple(outs.toArray(new Instruction[0]));
      return p.module(g);
    }
  }

  /**
   * A GRU over a sequence as a while loop (dynamic-slice of the input step, dynamic-update-slice of the
   * output), then an output projection with log-softmax and a loss over all steps.
   */
  static final class RnnLoop implements Family {
    @Override
    public String name() {
      return "rnn_loop";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      ElementType t = floatType(r);
      long steps = pick(r, 8, 16, 32, 64);
      long b = pick(r, 8, 32, 128);
      long in = pick(r, 64, 128, 256, 512);
      long h = pick(r, 128, 256, 512, 1024);
      long vocab = pick(r, 256, 1000, 4096);
      List<Shape> parts = new ArrayList<>(List.of(Shape.scalar(ElementType.S32), Graph.shape(t, b, h),
          Graph.shape(t, steps, b, in)));
      for (int gate = 0; gate < 3; gate++) {
        parts.add(Graph.shape(t, in, h));
        parts.add(Graph.shape(t, h, h));
      }
      parts.add(Graph.shape(t, steps, b, h));
      Shape state = Shape.tuple(parts);

      Graph body = p.graph("rnn_body");
      Instruction st = body.param(state);
      Instruction i = body.get(st, 0);
      Instruction hh = body.get(st, 1);
      Instruction xs = body.get(st, 2);
      Instruction zero = body.constant(ElementType.S32, "0");
      Instruction xt = body.reshape(body.dynamicSlice(xs, new long[] {1, b, in}, i, zero, zero), b, in);
      Instruction z = Layers.sigmoid(body, body.add(body.matmul(xt, body.get(st, 3), t), body.matmul(hh, body.get(st, 4), t)));
      Instruction rg = Layers.sigmoid(body, body.add(body.matmul(xt, body.get(st, 5), t), body.matmul(hh, body.get(st, 6), t)));
      Instruction cand = body.unary(Opcode.TANH,
          body.add(body.matmul(xt, body.get(st, 7), t), body.matmul(body.mul(rg, hh), body.get(st, 8), t)));
      Instruction hn = body.add(body.mul(body.sub(Layers.scalar(body, z, "1"), z), hh), body.mul(z, cand));
      Instruction hs2 = body.dynamicUpdateSlice(body.get(st, 9), body.reshape(hn, 1, b, h), i, zero, zero);
      Instruction[] next = new Instruction[10];
      next[0] = body.add(i, body.constant(ElementType.S32, "1"));
      next[1] = hn;
      for (int k = 2; k < 9; k++) {
        next[k] = body.get(st, k);
      }
      next[9] = hs2;
      body.tuple(next);
      long bodyId = p.add(body);

      Graph cond = p.graph("rnn_cond");
      Instruction cst = cond.param(state);
      cond.compare(cond.get(cst, 0), cond.constant(ElementType.S32, Long.toString(steps)), ComparisonDirection.LT);
      long condId = p.add(cond);

      Graph g = p.graph("main");
      Instruction[] init = new Instruction[10];
      init[0] = g.constant(ElementType.S32, "0");
      init[1] = g.param(t, b, h);
      init[2] = g.param(t, steps, b, in);
      for (int k = 3; k < 9; k++) {
        init[k] = g.param(t, k % 2 == 1 ? in : h, h);
      }
      init[9] = g.broadcast(g.constant(t, "0"), new long[] {steps, b, h});
      Instruction loop = g.whileLoop(g.tuple(init), condId, bodyId);
      Instruction all = g.reshape(g.get(loop, 9), steps * b, h);
      Instruction logits = g.convert(Layers.dense(g, all, g.param(t, h, vocab), g.param(t, vocab)), ElementType.F32);
      Instruction max = g.reduce(logits, "max", 1);
      Instruction shifted = g.sub(logits, g.broadcast(max, new long[] {steps * b, vocab}, 0));
      Instruction lse = g.unary(Opcode.LOG, g.reduce(g.unary(Opcode.EXP, shifted), "add", 1));
      Instruction logProbs = g.sub(shifted, g.broadcast(lse, new long[] {steps * b, vocab}, 0));
      Instruction targets = g.param(ElementType.F32, steps * b, vocab);
      Instruction loss = g.reduce(g.mul(logProbs, targets), "add", 0, 1);
      g.tuple(loss, g.get(loop, 1));
      return p.module(g);
    }
  }

  /** An Adam optimizer step over several parameter tensors: elementwise-heavy. */
  static final class Adam implements Family {
    @Override
    public String name() {
      return "adam";
    }

    @Override
    public HloModule generate(String programName, Random r) {
      Program p = new Program(programName);
      Graph g = p.graph("main");
      int tensors = between(r, 2, 6);
      Instruction lr = g.param(ElementType.F32);
      Instruction step = g.param(ElementType.F32);
      List<Instruction> outs = new ArrayList<>();
      for (int i = 0; i < tensors; i++) {
        long[] dims = r.nextBoolean()
            ? new long[] {pick(r, 128, 256, 512, 1024, 4096), pick(r, 128, 256, 512, 1024, 4096)}
            : new long[] {pick(r, 256, 1024, 4096, 16384)};
        Instruction param = g.param(ElementType.F32, dims);
        Instruction grad = g.param(ElementType.F32, dims);
        Instruction m = g.param(ElementType.F32, dims);
        Instruction v = g.param(ElementType.F32, dims);
        Instruction m2 = g.add(g.mul(Layers.scalar(g, m, "0.9"), m), g.mul(Layers.scalar(g, grad, "0.1"), grad));
        Instruction v2 = g.add(g.mul(Layers.scalar(g, v, "0.999"), v), g.mul(Layers.scalar(g, grad, "0.001"), g.mul(grad, grad)));
        Instruction corr1 = g.sub(g.constant(ElementType.F32, "1"), g.binary(Opcode.POWER, g.constant(ElementType.F32, "0.9"), step));
        Instruction corr2 = g.sub(g.constant(ElementType.F32, "1"), g.binary(Opcode.POWER, g.constant(ElementType.F32, "0.999"), step));
        Instruction mhat = g.div(m2, g.splat(corr1, m2));
        Instruction vhat = g.div(v2, g.splat(corr2, v2));
        Instruction upd = g.div(mhat, g.add(g.unary(Opcode.SQRT, vhat), Layers.scalar(g, vhat, "1e-08")));
        Instruction wd = r.nextBoolean() ? g.mul(Layers.scalar(g, param, "0.01"), param) : null;
        Instruction total = wd == null ? upd : g.add(upd, wd);
        outs.add(g.sub(param, g.mul(g.splat(lr, total), total)));
        outs.add(m2);
        outs.add(v2);
      }
      g.tuple(outs.toArray(new Instruction[0]));
      return p.module(g);
    }
  }
}
