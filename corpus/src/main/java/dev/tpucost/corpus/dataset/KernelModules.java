package dev.tpucost.corpus.dataset;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel as a module of its own (how datasets store kernels, and how autotuning data stores them): the
 * entry holds one fusion instruction calling the fused computation, or the unfused instruction itself.
 * {@link #fromModule} gives the kernel back.
 */
public final class KernelModules {
  private KernelModules() {}

  /** The module holding {@code kernel}, with ids in text order. */
  public static HloModule toModule(Kernel kernel) {
    List<Computation> comps = new ArrayList<>(kernel.calledComputations().values());
    long maxId = 0;
    long maxComp = 0;
    for (Computation c : comps) {
      maxComp = Math.max(maxComp, c.id());
      for (Instruction i : c.instructions()) {
        maxId = Math.max(maxId, i.id());
      }
    }
    for (Instruction i : kernel.nodes()) {
      maxId = Math.max(maxId, i.id());
    }
    Computation body = kernel.body();
    if (!kernel.isFusion()) {
      Computation entry = Computation.of(maxComp + 1, kernel.name(), body.instructions(), body.rootId());
      comps.add(entry);
      return HloModule.of(kernel.name(), 0, comps, entry.id()).renumbered();
    }
    long bodyId = maxComp + 1;
    comps.add(Computation.fused(bodyId, "fused_" + kernel.name(), body.instructions(), body.rootId()));
    List<Instruction> entry = new ArrayList<>();
    long next = maxId + 1;
    long[] params = new long[kernel.parameterCount()];
    for (int p = 0; p < params.length; p++) {
      params[p] = next++;
      entry.add(Instruction.builder(params[p], "p" + p, Opcode.PARAMETER, kernel.node(kernel.parameterIndex(p)).shape())
          .parameterNumber(p).build());
    }
    Instruction fusion = Instruction.builder(next, kernel.name(), Opcode.FUSION, kernel.outputShape())
        .operands(params)
        .calledComputations(bodyId)
        .fusionKind(kernel.fusionKind().orElseThrow())
        .build();
    entry.add(fusion);
    Computation main = Computation.of(bodyId + 1, "main", entry, fusion.id());
    comps.add(main);
    return HloModule.of(kernel.name(), 0, comps, main.id()).renumbered();
  }

  /** The kernel of a dataset record (its {@link #toModule} module, decoded). */
  public static Kernel fromRecord(dev.tpucost.corpus.dataset.wire.KernelRecord r) {
    return fromModule(dev.tpucost.hlo.binary.HloProtoReader.read(r.getKernel().toByteArray(), r.getKernelName()).module(),
        r.getOrigin());
  }

  /** The kernel a {@link #toModule} module holds. */
  public static Kernel fromModule(HloModule module, String origin) {
    List<Kernel> ks = Kernels.of(module);
    if (ks.size() != 1) {
      throw new IllegalArgumentException("module '" + module.name() + "' holds " + ks.size() + " kernels, not one");
    }
    Kernel k = ks.get(0);
    return Kernel.of(k.name(), k.fusionKind().orElse(null), k.body(), k.calledComputations(), origin);
  }
}
