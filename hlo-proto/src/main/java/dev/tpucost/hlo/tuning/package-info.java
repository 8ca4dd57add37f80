/**
 * Reads TpuGraphs' autotuning records ({@code tpu_graphs.TuningData}): real XLA:TPU kernels, each with the
 * tile configurations the compiler's autotuner ran on a TPU and their measured runtimes
 * ({@link dev.tpucost.hlo.tuning.TuningFiles}, {@link dev.tpucost.hlo.tuning.TunedKernel},
 * {@link dev.tpucost.hlo.tuning.TuningRun}).
 */
package dev.tpucost.hlo.tuning;
