/**
 * Kernels, the unit a cost model predicts: one fused computation, or one unfused instruction, as a DAG
 * with its boundary shapes ({@link dev.tpucost.api.kernel.Kernel}); their static counts following XLA's
 * {@code HloCostAnalysis} rules ({@link dev.tpucost.api.kernel.CostAnalysis},
 * {@link dev.tpucost.api.kernel.KernelStats}); and the extraction of every kernel of a module
 * ({@link dev.tpucost.api.kernel.Kernels}).
 */
package dev.tpucost.api.kernel;
