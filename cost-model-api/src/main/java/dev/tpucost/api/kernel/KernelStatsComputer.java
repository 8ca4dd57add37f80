package dev.tpucost.api.kernel;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;

/** Computes a kernel's {@link KernelStats}: flops over all nodes, bytes by XLA's fusion or standalone rules. */
final class KernelStatsComputer {
  private KernelStatsComputer() {}

  /** A kernel's stats with the per-node counts they were summed from. */
  record Result(KernelStats stats, double[] nodeFlops, double[] nodeTranscendentals) {}

  /** One pass of the cost rules over {@code k}'s nodes, then XLA's fusion or standalone byte rules. */
  static Result compute(Kernel k) {
    CostAnalysis analysis = new CostAnalysis(id -> {
      Computation c = k.calledComputations().get(id);
      if (c == null) {
        throw new HloValidationException("kernel '" + k.name() + "' calls unknown computation id " + id);
      }
      return c;
    });
    double[] flops = new double[k.nodeCount()];
    double[] transcendentals = new double[k.nodeCount()];
    double totalFlops = 0;
    double totalTranscendentals = 0;
    int unknown = 0;
    for (int i = 0; i < flops.length; i++) {
      CostAnalysis.Counts c = analysis.instruction(k.body(), k.node(i));
      flops[i] = c.flops();
      transcendentals[i] = c.transcendentals();
      totalFlops += c.flops();
      totalTranscendentals += c.transcendentals();
      unknown += c.unknown();
    }
    double read;
    double written;
    if (k.isFusion()) {
      read = 0;
      for (int p = 0; p < k.parameterCount(); p++) {
        read += parameterReadBytes(k, k.parameterIndex(p));
      }
      for (int i = 0; i < k.nodeCount(); i++) {
        Instruction n = k.node(i);
        // Non-scalar constants inside a fusion are read from memory too.
        if (n.opcode() == Opcode.CONSTANT && n.shape().rank() > 0) {
          read += n.shape().byteSize();
        }
      }
      written = outputBytes(k);
    } else {
      double[] rw = CostAnalysis.standaloneBytes(k.body(), k.root());
      read = rw[0];
      written = rw[1];
    }
    KernelStats stats = new KernelStats(totalFlops, totalTranscendentals, read, written, unknown);
    return new Result(stats, flops, transcendentals);
  }

  /**
   * XLA's {@code FusionParameterReadBytes}: a slice or dynamic-slice user reads only its output; a
   * dynamic-update-slice that updates the parameter in place reads only the update; broadcast and
   * reshape users are charged one full read each; all other users share one full read.
   */
  static double parameterReadBytes(Kernel k, int node) {
    double full = k.node(node).shape().byteSize();
    double size = 0;
    boolean seenTrivialUser = false;
    int lastUser = -1;
    for (int u = 0; u < k.userCount(node); u++) {
      int userIndex = k.user(node, u);
      if (userIndex == lastUser) {
        continue; // an instruction using the parameter twice is one user
      }
      lastUser = userIndex;
      Instruction user = k.node(userIndex);
      boolean isOperand0 = k.operand(userIndex, 0) == node;
      switch (user.opcode()) {
        case SLICE -> size += user.shape().byteSize();
        case DYNAMIC_SLICE -> size += isOperand0 ? user.shape().byteSize() : full;
        case DYNAMIC_UPDATE_SLICE -> size += isOperand0 ? k.node(k.operand(userIndex, 1)).shape().byteSize() : full;
        case BROADCAST, RESHAPE -> size += full;
        default -> {
          if (!seenTrivialUser) {
            seenTrivialUser = true;
            size += full;
          }
        }
      }
    }
    return size;
  }

  /** Output bytes: each output, where a dynamic-update-slice output writes only its update. */
  static double outputBytes(Kernel k) {
    int root = k.rootIndex();
    Instruction r = k.node(root);
    if (r.opcode() == Opcode.TUPLE) {
      double sum = 0;
      for (int i = 0; i < k.operandCount(root); i++) {
        sum += writtenBytes(k, k.operand(root, i));
      }
      return sum;
    }
    return writtenBytes(k, root);
  }

  private static double writtenBytes(Kernel k, int node) {
    Instruction n = k.node(node);
    if (n.opcode() == Opcode.DYNAMIC_UPDATE_SLICE) {
      return k.node(k.operand(node, 1)).shape().byteSize();
    }
    return n.shape().byteSize();
  }
}
