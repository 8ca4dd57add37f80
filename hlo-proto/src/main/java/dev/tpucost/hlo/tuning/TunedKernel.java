package dev.tpucost.hlo.tuning;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import java.util.List;

/**
 * One tuned kernel of a TpuGraphs tuning file ({@code ModuleTuningData}): a module whose entry computation
 * holds the kernel, and the runs of the autotuner on it.
 *
 * @param module the module (XLA:TPU layouts, as the compiler saw it)
 * @param fingerprint the record's module fingerprint (0 if absent)
 * @param runs the runs, in file order
 * @param source where the record came from, e.g. {@code op_tuning.pb > modules[3]}
 */
public record TunedKernel(HloModule module, long fingerprint, List<TuningRun> runs, String source) {
  /** Copies the runs. */
  public TunedKernel {
    checkNotNull(module, "module");
    runs = ImmutableList.copyOf(runs);
    checkNotNull(source, "source");
  }

  /**
   * The tuned kernel: the module's most expensive kernel by {@code HloCostAnalysis} bytes and flops (the
   * records hold one kernel, sometimes beside bookkeeping copies).
   *
   * @throws dev.tpucost.api.hlo.HloValidationException if the module has no kernel
   */
  public Kernel kernel() {
    List<Kernel> kernels = Kernels.of(module);
    Kernel best = null;
    for (Kernel k : kernels) {
      if (best == null || weight(k) > weight(best)) {
        best = k;
      }
    }
    if (best == null) {
      throw new dev.tpucost.api.hlo.HloValidationException(source + ": module '" + module.name() + "' holds no kernel");
    }
    return best;
  }

  private static double weight(Kernel k) {
    return k.stats().bytesAccessed() + k.stats().flops() + (k.isFusion() ? 1e-3 : 0);
  }

  /** The runs that are usable samples: tile runs that completed with a measured runtime. */
  public List<TuningRun> measurements() {
    return runs.stream().filter(TuningRun::isTileMeasurement).collect(ImmutableList.toImmutableList());
  }
}
