/**
 * The vector units of a TensorCore per grid step: the VPU (elementwise work and VMEM loads/stores, per
 * (8,128) 32-bit vreg), the transcendental unit, and the XLU (cross-lane reductions, transposes).
 */
package dev.tpucost.sim.vector;
