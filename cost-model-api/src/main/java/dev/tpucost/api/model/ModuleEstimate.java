package dev.tpucost.api.model;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import java.util.List;

/**
 * A module's predicted runtime: each kernel at its tile, and their sum (a TPU runs one kernel at a time).
 *
 * @param module the module's name
 * @param model the cost model's name
 * @param kernels per-kernel estimates, in execution order
 */
public record ModuleEstimate(String module, String model, List<KernelEstimate> kernels) {
  /**
   * One kernel's estimate.
   *
   * @param kernel the kernel
   * @param tile the tile it was costed at
   * @param estimate the prediction
   */
  public record KernelEstimate(Kernel kernel, TileConfig tile, Estimate estimate) {}

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
