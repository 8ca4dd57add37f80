package dev.tpucost.corpus.zoo;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.shape.ElementType;

/** Building blocks shared by the families, written as the HLO that JAX/TF lower them to. */
final class Layers {
  private Layers() {}

  /** {@code x . w + b} with an f32 accumulator, converted back to x's type. */
  static Instruction dense(Graph g, Instruction x, Instruction w, Instruction b) {
    Instruction y = g.matmul(x, w, ElementType.F32);
    if (b != null) {
      y = g.biasAdd(y, b.shape().elementType() == ElementType.F32 ? b : g.convert(b, ElementType.F32));
    }
    return x.shape().elementType() == ElementType.F32 ? y : g.convert(y, x.shape().elementType());
  }

  static Instruction scalar(Graph g, Instruction like, String value) {
    return g.splat(g.constant(like.shape().elementType(), value), like);
  }

  /** Softmax over the last dimension. */
  static Instruction softmax(Graph g, Instruction x) {
    long[] dims = x.shape().dims();
    int last = dims.length - 1;
    long[] keep = new long[last];
    for (int i = 0; i < last; i++) {
      keep[i] = i;
    }
    Instruction max = g.reduce(x, "max", last);
    Instruction shifted = g.sub(x, g.broadcast(max, dims, keep));
    Instruction e = g.unary(Opcode.EXP, shifted);
    Instruction sum = g.reduce(e, "add", last);
    return g.div(e, g.broadcast(sum, dims, keep));
  }

  /** Layer norm over the last dimension with scale and offset vectors, in f32. */
  static Instruction layerNorm(Graph g, Instruction x, Instruction gamma, Instruction beta) {
    Instruction xf = x.shape().elementType() == ElementType.F32 ? x : g.convert(x, ElementType.F32);
    long[] dims = xf.shape().dims();
    int last = dims.length - 1;
    long[] keep = new long[last];
    for (int i = 0; i < last; i++) {
      keep[i] = i;
    }
    Instruction n = g.constant(ElementType.F32, Long.toString(dims[last]));
    Instruction mean = g.div(g.reduce(xf, "add", last), g.splat(n, g.reduce(xf, "add", last)));
    Instruction centered = g.sub(xf, g.broadcast(mean, dims, keep));
    Instruction var = g.reduce(g.mul(centered, centered), "add", last);
    Instruction inv = g.unary(Opcode.RSQRT, g.add(g.div(var, g.splat(n, var)), g.splat(g.constant(ElementType.F32, "1e-05"), var)));
    Instruction norm = g.mul(centered, g.broadcast(inv, dims, keep));
    Instruction y = g.biasAdd(g.mul(norm, g.broadcast(gamma, dims, last)), beta);
    return x.shape().elementType() == ElementType.F32 ? y : g.convert(y, x.shape().elementType());
  }

  /** GELU, tanh approximation: {@code 0.5 x (1 + tanh(0.79788 (x + 0.044715 x^3)))}. */
  static Instruction gelu(Graph g, Instruction x) {
    Instruction cube = g.mul(g.mul(x, x), x);
    Instruction inner = g.mul(scalar(g, x, "0.7978846"), g.add(x, g.mul(scalar(g, x, "0.044715"), cube)));
    Instruction t = g.unary(Opcode.TANH, inner);
    return g.mul(g.mul(scalar(g, x, "0.5"), x), g.add(scalar(g, x, "1"), t));
  }

  /** The logistic function. */
  static Instruction sigmoid(Graph g, Instruction x) {
    return g.unary(Opcode.LOGISTIC, x);
  }

  /** An activation chosen by index: relu, gelu, tanh, sigmoid. */
  static Instruction activation(Graph g, Instruction x, int which) {
    return switch (which % 4) {
      case 0 -> g.relu(x);
      case 1 -> gelu(g, x);
      case 2 -> g.unary(Opcode.TANH, x);
      default -> sigmoid(g, x);
    };
  }

  /** The gradient through an activation given its output {@code y}: relu as a select, others elementwise. */
  static Instruction activationGrad(Graph g, Instruction y, Instruction dy, int which) {
    return switch (which % 4) {
      case 0 -> g.select(g.compare(y, scalar(g, y, "0"), ComparisonDirection.GT), dy, scalar(g, dy, "0"));
      case 2 -> g.mul(dy, g.sub(scalar(g, y, "1"), g.mul(y, y)));
      default -> g.mul(dy, g.mul(y, g.sub(scalar(g, y, "1"), y)));
    };
  }

  /** Batch norm over N, H, W of an NHWC tensor (training statistics), in the input's type. */
  static Instruction batchNorm(Graph g, Instruction x, Instruction gamma, Instruction beta) {
    long[] dims = x.shape().dims();
    Instruction n = g.constant(x.shape().elementType(), Long.toString(dims[0] * dims[1] * dims[2]));
    Instruction sum = g.reduce(x, "add", 0, 1, 2);
    Instruction mean = g.div(sum, g.splat(n, sum));
    Instruction centered = g.sub(x, g.broadcast(mean, dims, 3));
    Instruction var = g.reduce(g.mul(centered, centered), "add", 0, 1, 2);
    Instruction inv = g.unary(Opcode.RSQRT, g.add(g.div(var, g.splat(n, var)), scalar(g, var, "0.001")));
    Instruction y = g.mul(centered, g.broadcast(g.mul(inv, gamma), dims, 3));
    return g.add(y, g.broadcast(beta, dims, 3));
  }
}
