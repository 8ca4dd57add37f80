/**
 * The hand-written analytical cost model ({@code analytical}): per-kernel static counts and geometry
 * ({@link dev.tpucost.analytical.KernelProfile}), a closed-form per-tile estimate
 * ({@link dev.tpucost.analytical.Quantities}) combined by eleven calibrated constants per chip
 * ({@link dev.tpucost.analytical.Constants}) in a roofline with an overlap blend, per-step overhead and
 * launch cost. It models the hardware on its own and never calls the simulator; {@code calibration} fits
 * the constants to a dataset.
 */
package dev.tpucost.analytical;
