/**
 * The hand-written analytical cost model ({@code analytical}): the closed-form per-tile quantities of the
 * tile API ({@link dev.tpucost.api.tile.TileProfile}, {@link dev.tpucost.api.tile.TileQuantities}: grid
 * steps, MXU rows and passes, VPU, transcendental and cross-lane work, HBM bytes, DMA transfers, spill)
 * combined by eleven calibrated constants per chip ({@link dev.tpucost.analytical.Constants}) in a roofline
 * with an overlap blend, per-step overhead and launch cost. It models the hardware on its own and never
 * calls the simulator; {@link dev.tpucost.analytical.Calibration} fits the constants to a dataset.
 */
package dev.tpucost.analytical;
