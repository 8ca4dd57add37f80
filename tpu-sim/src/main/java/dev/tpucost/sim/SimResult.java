package dev.tpucost.sim;

/**
 * A simulated kernel run.
 *
 * @param cycles total core cycles, launch included
 * @param nanoseconds {@code cycles / clock}, times the measurement noise factor if noise is on
 * @param steps grid steps per core
 * @param breakdown where the cycles went
 * @param spilled true if the working set exceeded VMEM and the kernel was simulated as spilling (no
 *     overlap of DMA and compute, the excess moved again)
 */
public record SimResult(long cycles, double nanoseconds, long steps, Breakdown breakdown, boolean spilled) {
  /**
   * Busy cycles per unit over the whole kernel (per core). Units overlap, so these do not add up to
   * {@code cycles}: {@code cycles = launch + stepOverhead + sum over steps of max(compute, DMA) +
   * prologue/epilogue}; {@code stall} is the part spent waiting for DMA (prologue, epilogue, and steps whose
   * DMA outlasts their compute).
   *
   * @param mxuBusy matrix-unit cycles
   * @param vpuBusy vector-unit cycles (VPU and transcendental unit, including VMEM loads/stores)
   * @param xluBusy cross-lane unit cycles (reductions, transposes)
   * @param dmaIn cycles of HBM-to-VMEM transfers
   * @param dmaOut cycles of VMEM-to-HBM transfers
   * @param stepOverhead fixed per-step cycles
   * @param stall cycles waiting for DMA
   */
  public record Breakdown(
      long mxuBusy, long vpuBusy, long xluBusy, long dmaIn, long dmaOut, long stepOverhead, long stall) {}
}
