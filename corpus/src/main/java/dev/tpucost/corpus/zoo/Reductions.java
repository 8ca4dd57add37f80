package dev.tpucost.corpus.zoo;

import static dev.tpucost.corpus.zoo.Dims.floatType;
import static dev.tpucost.corpus.zoo.Dims.pick;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.shape.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The reductions of a training step over large dimensions, which XLA fuses into {@code kInput} kernels: a
 * log-sum-exp over a large vocabulary, bias gradients summed over many rows, global average pooling,
 * layer statistics (mean and mean square) over a wide hidden dimension, and a gradient norm over a whole
 * parameter tensor. Each program draws four to eight of them (a kind may come twice, at other sizes).
 */
final class Reductions implements Family {
  @Override
  public String name() {
    return "reductions";
  }

  @Override
  public HloModule generate(String programName, Random r) {
    Program p = new Program(programName);
    Graph g = p.graph("main");
    List<Instruction> outs = new ArrayList<>();
    int count = 4 + r.nextInt(5);
    for (int draw = 0; draw < count; draw++) {
      int kind = r.nextInt(5);
      ElementType t = floatType(r);
      switch (kind) {
        case 0 -> { // log-sum-exp over a vocabulary
          long rows = pick(r, 8, 32, 128, 512);
          long vocab = pick(r, 8192, 32000, 50304, 131072);
          Instruction logits = g.convert(g.param(t, rows, vocab), ElementType.F32);
          Instruction max = g.reduce(logits, "max", 1);
          Instruction shifted = g.sub(logits, g.broadcast(max, new long[] {rows, vocab}, 0));
          outs.add(g.add(g.unary(Opcode.LOG, g.reduce(g.unary(Opcode.EXP, shifted), "add", 1)), max));
        }
        case 1 -> { // bias gradient: a column sum over many rows
          long rows = pick(r, 4096, 16384, 65536, 262144);
          long cols = pick(r, 128, 256, 768, 1024, 4096);
          outs.add(g.reduce(g.convert(g.param(t, rows, cols), ElementType.F32), "add", 0));
        }
        case 2 -> { // global average pooling over NHWC spatial dimensions
          long n = pick(r, 8, 32, 128);
          long hw = pick(r, 7, 14, 28, 56);
          long c = pick(r, 256, 512, 1024, 2048);
          Instruction x = g.convert(g.param(t, n, hw, hw, c), ElementType.F32);
          Instruction sum = g.reduce(x, "add", 1, 2);
          outs.add(g.div(sum, Layers.scalar(g, sum, Long.toString(hw * hw))));
        }
        case 3 -> { // layer statistics over a wide hidden dimension
          long rows = pick(r, 512, 2048, 8192);
          long hidden = pick(r, 4096, 8192, 16384);
          Instruction x = g.convert(g.param(t, rows, hidden), ElementType.F32);
          Instruction mean = g.reduce(x, "add", 1);
          Instruction meanSq = g.reduce(g.mul(x, x), "add", 1);
          outs.add(mean);
          outs.add(meanSq);
        }
        default -> { // gradient norm of a whole tensor
          long a = pick(r, 1024, 4096, 8192);
          long b = pick(r, 1024, 4096, 16384);
          Instruction x = g.convert(g.param(t, a, b), ElementType.F32);
          outs.add(g.unary(Opcode.SQRT, g.reduce(g.mul(x, x), "add", 0, 1)));
        }
      }
    }
    g.tuple(outs.toArray(new Instruction[0]));
    return p.module(g);
  }
}
