/**
 * The cycle-approximate TPU TensorCore simulator: the ground truth that the datasets are labelled with and
 * that both cost models are judged against. {@link dev.tpucost.sim.Simulator} lowers a kernel at a tile
 * configuration to the tiled program a TPU compiler would emit (via the API's {@code TileSpace}
 * footprint: blocks per step, steps, block reuse) and plays it out on per-unit models: {@code mxu}
 * (systolic passes), {@code vector} (VPU, transcendental unit, XLU) and {@code dma} (HBM transfers),
 * overlapped by double buffering. Every cost constant is in {@link dev.tpucost.sim.SimConstants}.
 */
package dev.tpucost.sim;
