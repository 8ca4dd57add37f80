package dev.tpucost.api.model;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import java.util.List;

/**
 * A module's predicted runtime: each kernel at its tile, and their sum (a TPU runs one kernel at a time).
 * Every kernel of the module is here: none is dropped from the total.
 *
 * @param module the module's name
 * @param model the cost model's name
 * @param kernels per-kernel estimates, in execution order
 * @param fused true if the module had no fusions and tpucost's XLA-style fusion pass ran first
 */
public record ModuleEstimate(String module, String model, List<KernelEstimate> kernels, boolean fused) {
  /**
   * One kernel's estimate.
   *
   * @param kernel the kernel
   * @param tile the tile it was costed at
   * @param source where the tile came from
   * @param estimate the prediction (with warnings, e.g. why the compiler's tile was not used)
   */
  public record KernelEstimate(Kernel kernel, TileConfig tile, TileSource source, Estimate estimate) {}

  /** Copies the kernel list. */
  public ModuleEstimate {
    kernels = ImmutableList.copyOf(kernels);
  }

  /** Sum of the kernels' predicted nanoseconds. */
  public double totalNanoseconds() {
    double sum = 0;
    for (KernelEstimate k : kernels) {
      sum += k.estimate().nanoseconds();
    }
    return sum;
  }
}
