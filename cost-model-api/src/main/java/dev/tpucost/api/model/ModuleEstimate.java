package dev.tpucost.api.model;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import java.util.List;

/**
 * A module's predicted runtime: each kernel at its tile, and their sum over the kernels' runs (a TPU runs one
 * kernel at a time; a loop body's kernels once per trip, {@link dev.tpucost.api.kernel.Kernels#runs}). Every
 * kernel of the module is here: none is dropped from the total.
 *
 * @param module the module's name
 * @param model the cost model's name
 * @param kernels per-kernel estimates, in execution order
 * @param fused true if the module had no fusions and tpucost's XLA-style fusion pass ran first
 * @param uncountedLoops the {@code while} loops whose trip count is unknown: their bodies count once in the total
 */
public record ModuleEstimate(String module, String model, List<KernelEstimate> kernels, boolean fused,
    List<String> uncountedLoops) {
  /**
   * One kernel's estimate.
   *
   * @param kernel the kernel
   * @param tile the tile it was costed at
   * @param source where the tile came from
   * @param estimate the prediction (with warnings, e.g. why the compiler's tile was not used)
   * @param runs how many times one execution of the module runs the kernel (at least 1)
   * @param exact false if an enclosing loop's trip count is unknown (then {@code runs} counts it once) or the kernel
   *     is in a conditional's branch (each branch counted as running)
   */
  public record KernelEstimate(Kernel kernel, TileConfig tile, TileSource source, Estimate estimate, long runs,
      boolean exact) {
    /** Checks the runs. */
    public KernelEstimate {
      if (runs < 0) {
        throw new IllegalArgumentException("kernel '" + kernel.name() + "': runs must be >= 0, got " + runs);
      }
    }

    /** A kernel that runs once. */
    public KernelEstimate(Kernel kernel, TileConfig tile, TileSource source, Estimate estimate) {
      this(kernel, tile, source, estimate, 1, true);
    }

    /** The estimate times the runs. */
    public double totalNanoseconds() {
      return estimate.nanoseconds() * runs;
    }
  }

  /** Copies the lists. */
  public ModuleEstimate {
    kernels = ImmutableList.copyOf(kernels);
    uncountedLoops = ImmutableList.copyOf(uncountedLoops);
  }

  /** A module without loops of unknown trip count. */
  public ModuleEstimate(String module, String model, List<KernelEstimate> kernels, boolean fused) {
    this(module, model, kernels, fused, List.of());
  }

  /** Sum of the kernels' predicted nanoseconds, each times its runs. */
  public double totalNanoseconds() {
    double sum = 0;
    for (KernelEstimate k : kernels) {
      sum += k.totalNanoseconds();
    }
    return sum;
  }
}
