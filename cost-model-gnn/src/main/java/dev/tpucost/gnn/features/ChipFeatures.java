package dev.tpucost.gnn.features;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;

/**
 * What a chip-conditioned model knows of the chip ({@value #WIDTH} values, appended to every config's
 * features): the chip's figures from {@link ChipSpec} (log scale where they span decades) and the kernel's
 * roofline on that chip, the quantities a runtime scales with from one chip to another:
 *
 * <ul>
 *   <li>clock (GHz), TensorCores, megacore flag, MXUs per core, MXU rows and columns, VPU ALUs, VMEM (MiB),
 *       HBM bandwidth (GB/s), DMA engines, a device's peak bf16 TFLOP/s and its ridge point (flops per HBM
 *       byte);
 *   <li>the kernel's compute time at the device's MXU peak and its HBM time at the device's bandwidth, in
 *       nanoseconds, and the larger of the two (the roofline bound; after NeuSight's tile-level roofline).
 * </ul>
 *
 * Everything is {@code ln(1 + x)} but the flag. Stateless.
 */
public final class ChipFeatures {
  /** Feature count. */
  public static final int WIDTH = 15;

  private ChipFeatures() {}

  /** The features of {@code kernel} on {@code chip}. */
  public static float[] of(ChipSpec chip, Kernel kernel) {
    double computeNs = computeNanoseconds(chip, kernel);
    double memoryNs = memoryNanoseconds(chip, kernel);
    return new float[] {
      ln(chip.clockGhz()), ln(chip.tensorCores()), chip.megacore() ? 1 : 0, ln(chip.mxusPerCore()),
      ln(chip.mxuRows()), ln(chip.mxuCols()), ln(chip.vpuAlus()), ln(chip.vmemBytes() / (1024.0 * 1024.0)),
      ln(chip.hbmGbps()), ln(chip.dmaEngines()), ln(chip.peakFlopsPerDevice() / 1e12),
      ln(chip.peakFlopsPerDevice() / chip.hbmBytesPerSecondPerDevice()),
      ln(computeNs), ln(memoryNs), ln(Math.max(computeNs, memoryNs))
    };
  }

  /**
   * The kernel's roofline bound on {@code chip}, in nanoseconds: the larger of its compute time at the device's
   * bf16 MXU peak and its HBM time at the device's bandwidth, at least 1 ns (a kernel with no flops and no bytes).
   */
  public static double rooflineNanoseconds(ChipSpec chip, Kernel kernel) {
    return Math.max(1, Math.max(computeNanoseconds(chip, kernel), memoryNanoseconds(chip, kernel)));
  }

  /** The kernel's flops at the device's bf16 MXU peak, in nanoseconds. */
  private static double computeNanoseconds(ChipSpec chip, Kernel kernel) {
    return kernel.stats().flops() / chip.peakFlopsPerDevice() * 1e9;
  }

  /** The kernel's HBM bytes at the device's bandwidth, in nanoseconds. */
  private static double memoryNanoseconds(ChipSpec chip, Kernel kernel) {
    return kernel.stats().bytesAccessed() / chip.hbmBytesPerSecondPerDevice() * 1e9;
  }

  private static float ln(double x) {
    return (float) Math.log(1 + Math.max(0, x));
  }
}
