package dev.tpucost.corpus.dataset;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.kernel.Kernel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Structural fingerprints of kernels: SHA-256 over each node's opcode, shape with layout, typed
 * attributes, operand positions and called computations' structure, in topological order. Names, ids,
 * metadata and constant values are left out, so the same kernel from two programs has one fingerprint.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** The kernel's fingerprint as 32 hex digits (the first 128 bits of the SHA-256). */
  public static String of(Kernel k) {
    Hasher h = Hashing.sha256().newHasher();
    h.putString(k.fusionKind().map(Object::toString).orElse("unfused"), StandardCharsets.UTF_8);
    appendComputation(h, k.body(), k.calledComputations(), 0);
    return h.hash().toString().substring(0, 32);
  }

  private static void appendComputation(Hasher h, Computation c, Map<Long, Computation> called, int depth) {
    Map<Long, Integer> position = new HashMap<>();
    int i = 0;
    for (Instruction n : c.instructions()) {
      position.put(n.id(), i++);
      h.putChar('|').putString(n.opcode().text(), StandardCharsets.UTF_8).putString(n.shape().toText(), StandardCharsets.UTF_8);
      if (n.id() == c.rootId()) {
        h.putChar('R');
      }
      h.putLong(n.parameterNumber()).putLong(n.tupleIndex());
      for (long d : n.dimensions()) {
        h.putLong(d);
      }
      for (int k = 0; k < n.operandCount(); k++) {
        h.putInt(position.getOrDefault(n.operandId(k), -1));
      }
      n.window().ifPresent(w -> h.putString(w.toString(), StandardCharsets.UTF_8));
      n.convolutionDimensions().ifPresent(d -> h.putString(d.toString(), StandardCharsets.UTF_8));
      n.dotDimensions().ifPresent(d -> h.putString(d.toString(), StandardCharsets.UTF_8));
      n.gatherDimensions().ifPresent(d -> h.putString(d.toString(), StandardCharsets.UTF_8));
      n.scatterDimensions().ifPresent(d -> h.putString(d.toString(), StandardCharsets.UTF_8));
      n.comparisonDirection().ifPresent(d -> h.putString(d.name(), StandardCharsets.UTF_8));
      n.fusionKind().ifPresent(d -> h.putString(d.text(), StandardCharsets.UTF_8));
      n.customCallTarget().ifPresent(t -> h.putString(t, StandardCharsets.UTF_8));
      h.putString(n.slice().toString(), StandardCharsets.UTF_8).putString(n.padding().toString(), StandardCharsets.UTF_8);
      for (long s : n.gatherSliceSizes()) {
        h.putLong(s);
      }
      for (long s : n.dynamicSliceSizes()) {
        h.putLong(s);
      }
      h.putLong(n.featureGroupCount()).putLong(n.batchGroupCount());
      if (depth < 4) {
        for (long id : n.calledComputationIds()) {
          Computation callee = called.get(id);
          if (callee != null) {
            h.putChar('{');
            appendComputation(h, callee, called, depth + 1);
            h.putChar('}');
          }
        }
      }
    }
  }
}
