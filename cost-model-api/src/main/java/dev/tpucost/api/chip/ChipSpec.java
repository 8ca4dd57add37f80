package dev.tpucost.api.chip;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the simulator and the analytical model need to know about a TPU-like chip. Figures are per chip
 * unless named per core; sources for the presets are in {@code shared/reference/tpu-chips.md} (Google
 * Cloud TPU documentation, Jouppi et al. 2020/2023).
 *
 * @param name chip name (a preset name or the chip file's)
 * @param tensorCores TensorCores per chip
 * @param megacore true if one program spans all TensorCores of the chip (v4); false if each TensorCore
 *     is a device of its own that gets a share of the chip's HBM bandwidth (v2, v3)
 * @param mxusPerCore matrix units per TensorCore
 * @param mxuRows rows of one systolic array
 * @param mxuCols columns of one systolic array
 * @param clockGhz core clock in GHz
 * @param vpuSublanes VPU sublanes (8 on every TPU so far)
 * @param vpuLanes VPU lanes (128)
 * @param vpuAlus vector ALUs per lane and sublane (v4 has 2)
 * @param vmemBytes vector memory per TensorCore, bytes
 * @param smemBytes scalar memory per TensorCore, bytes
 * @param hbmBytes HBM capacity per chip, bytes
 * @param hbmGbps HBM bandwidth per chip, GB/s (10^9 bytes per second)
 * @param dmaEngines DMA engines per TensorCore that can run concurrently
 * @param simulator the simulator's calibrated constants for this chip, by name (a chip file's
 *     {@code simulator} section, written by {@code tpucost calibrate --target sim}); empty for the presets
 *     and for chip files without one, which the simulator gives its shipped calibration. Opaque to this
 *     module: the simulator validates the names and values.
 * @param analytical the analytical model's calibrated constants for this chip, by name (a chip file's
 *     {@code analytical} section, e.g. interpolated from the presets' by {@code tpucost chips --variants});
 *     empty for the presets and chip files without one (the model then uses a matching preset's shipped
 *     constants, else interpolates them). Opaque here: the analytical model validates them.
 */
public record ChipSpec(
    String name,
    int tensorCores,
    boolean megacore,
    int mxusPerCore,
    int mxuRows,
    int mxuCols,
    double clockGhz,
    int vpuSublanes,
    int vpuLanes,
    int vpuAlus,
    long vmemBytes,
    long smemBytes,
    long hbmBytes,
    double hbmGbps,
    int dmaEngines,
    Map<String, Double> simulator,
    Map<String, Double> analytical) {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;

  /** TPU v2: 2 TensorCores of 1 MXU at 700 MHz (46 TFLOP/s bf16), 16 GiB HBM at 700 GB/s. */
  public static final ChipSpec V2 =
      new ChipSpec("v2", 2, false, 1, 128, 128, 0.70, 8, 128, 1, 16 * MIB, 16 * KIB, 16 * GIB, 700, 4);

  /** TPU v3: 2 TensorCores of 2 MXUs at 940 MHz (123 TFLOP/s bf16), 32 GiB HBM at 900 GB/s. */
  public static final ChipSpec V3 =
      new ChipSpec("v3", 2, false, 2, 128, 128, 0.94, 8, 128, 1, 16 * MIB, 16 * KIB, 32 * GIB, 900, 4);

  /**
   * TPU v4: a megacore of 2 TensorCores with 4 MXUs each at ~1050 MHz (275 TFLOP/s bf16, clock derived
   * from the peak), 32 GiB HBM at 1200 GB/s, 2 VPU ALUs per lane.
   */
  public static final ChipSpec V4 =
      new ChipSpec("v4", 2, true, 4, 128, 128, 1.05, 8, 128, 2, 16 * MIB, MIB, 32 * GIB, 1200, 4);

  /** TPU v5e: 1 TensorCore of 4 MXUs at 1.5 GHz (197 TFLOP/s bf16), 16 GiB HBM at 819 GB/s, 128 MiB VMEM. */
  public static final ChipSpec V5E =
      new ChipSpec("v5e", 1, false, 4, 128, 128, 1.50, 8, 128, 2, 128 * MIB, MIB, 16 * GIB, 819, 4);

  private static final Map<String, ChipSpec> PRESETS =
      ImmutableMap.of("v2", V2, "v3", V3, "v4", V4, "v5e", V5E);

  /** A chip without simulator constants of its own (the simulator uses its shipped calibration). */
  public ChipSpec(String name, int tensorCores, boolean megacore, int mxusPerCore, int mxuRows, int mxuCols,
      double clockGhz, int vpuSublanes, int vpuLanes, int vpuAlus, long vmemBytes, long smemBytes, long hbmBytes,
      double hbmGbps, int dmaEngines) {
    this(name, tensorCores, megacore, mxusPerCore, mxuRows, mxuCols, clockGhz, vpuSublanes, vpuLanes, vpuAlus,
        vmemBytes, smemBytes, hbmBytes, hbmGbps, dmaEngines, ImmutableSortedMap.of(), ImmutableSortedMap.of());
  }

  /** A chip with simulator constants of its own and no analytical section. */
  public ChipSpec(String name, int tensorCores, boolean megacore, int mxusPerCore, int mxuRows, int mxuCols,
      double clockGhz, int vpuSublanes, int vpuLanes, int vpuAlus, long vmemBytes, long smemBytes, long hbmBytes,
      double hbmGbps, int dmaEngines, Map<String, Double> simulator) {
    this(name, tensorCores, megacore, mxusPerCore, mxuRows, mxuCols, clockGhz, vpuSublanes, vpuLanes, vpuAlus,
        vmemBytes, smemBytes, hbmBytes, hbmGbps, dmaEngines, simulator, ImmutableSortedMap.of());
  }

  /** Validates every field, naming the chip file key of the one that is wrong. */
  public ChipSpec {
    checkNotNull(name, "name");
    checkArgument(!name.isBlank(), "name must not be blank");
    checkArgument(tensorCores >= 1, "tensor_cores must be >= 1, got %s", tensorCores);
    checkArgument(mxusPerCore >= 1, "mxus_per_core must be >= 1, got %s", mxusPerCore);
    checkArgument(mxuRows >= 1, "mxu_rows must be >= 1, got %s", mxuRows);
    checkArgument(mxuCols >= 1, "mxu_cols must be >= 1, got %s", mxuCols);
    checkArgument(clockGhz > 0 && Double.isFinite(clockGhz), "clock_ghz must be a positive number, got %s", clockGhz);
    checkArgument(vpuSublanes >= 1, "vpu_sublanes must be >= 1, got %s", vpuSublanes);
    checkArgument(vpuLanes >= 1, "vpu_lanes must be >= 1, got %s", vpuLanes);
    checkArgument(vpuAlus >= 1, "vpu_alus must be >= 1, got %s", vpuAlus);
    checkArgument(vmemBytes >= 1, "vmem_bytes must be >= 1, got %s", vmemBytes);
    checkArgument(smemBytes >= 1, "smem_bytes must be >= 1, got %s", smemBytes);
    checkArgument(hbmBytes >= 1, "hbm_bytes must be >= 1, got %s", hbmBytes);
    checkArgument(hbmGbps > 0 && Double.isFinite(hbmGbps), "hbm_gbps must be a positive number, got %s", hbmGbps);
    checkArgument(dmaEngines >= 1, "dma_engines must be >= 1, got %s", dmaEngines);
    checkNotNull(simulator, "simulator");
    simulator.forEach((k, v) -> checkArgument(v != null && Double.isFinite(v),
        "simulator.%s must be a finite number, got %s", k, v));
    simulator = ImmutableSortedMap.copyOf(simulator);
    checkNotNull(analytical, "analytical");
    analytical.forEach((k, v) -> checkArgument(v != null && Double.isFinite(v),
        "analytical.%s must be a finite number, got %s", k, v));
    analytical = ImmutableSortedMap.copyOf(analytical);
  }

  /** The preset called {@code name} ({@code v2}, {@code v3}, {@code v4}, {@code v5e}), if there is one. */
  public static Optional<ChipSpec> preset(String name) {
    return Optional.ofNullable(PRESETS.get(name.toLowerCase(Locale.ROOT)));
  }

  /** All presets by name. */
  public static Map<String, ChipSpec> presets() {
    return PRESETS;
  }

  /** TensorCores that one program (one device) runs on: all of them on a megacore, else 1. */
  public int coresPerDevice() {
    return megacore ? tensorCores : 1;
  }

  /** Clock in cycles per second. */
  public double clockHz() {
    return clockGhz * 1e9;
  }

  /** HBM bandwidth available to one device, in bytes per second (a share of the chip's if not megacore). */
  public double hbmBytesPerSecondPerDevice() {
    return hbmGbps * 1e9 * coresPerDevice() / tensorCores;
  }

  /** HBM bytes one device can move per core clock cycle. */
  public double hbmBytesPerCycle() {
    return hbmBytesPerSecondPerDevice() / clockHz();
  }

  /** Multiply-accumulates per cycle of one device's MXUs. */
  public long macsPerCycle() {
    return (long) coresPerDevice() * mxusPerCore * mxuRows * mxuCols;
  }

  /** Peak bf16 FLOP/s of one device (2 flops per multiply-accumulate). */
  public double peakFlopsPerDevice() {
    return 2.0 * macsPerCycle() * clockHz();
  }

  /** Peak bf16 FLOP/s of the whole chip. */
  public double peakFlopsPerChip() {
    return peakFlopsPerDevice() * tensorCores / coresPerDevice();
  }

  /** 32-bit elements one device's VPUs process per cycle (sublanes x lanes x ALUs x cores). */
  public long vpuElementsPerCycle() {
    return (long) coresPerDevice() * vpuSublanes * vpuLanes * vpuAlus;
  }

  /** This chip under another name. */
  public ChipSpec withName(String newName) {
    return new ChipSpec(newName, tensorCores, megacore, mxusPerCore, mxuRows, mxuCols, clockGhz, vpuSublanes,
        vpuLanes, vpuAlus, vmemBytes, smemBytes, hbmBytes, hbmGbps, dmaEngines, simulator, analytical);
  }

  /** This chip with {@code constants} as its simulator section (replacing any it had). */
  public ChipSpec withSimulator(Map<String, Double> constants) {
    return new ChipSpec(name, tensorCores, megacore, mxusPerCore, mxuRows, mxuCols, clockGhz, vpuSublanes,
        vpuLanes, vpuAlus, vmemBytes, smemBytes, hbmBytes, hbmGbps, dmaEngines, constants, analytical);
  }

  /** This chip with {@code constants} as its analytical section (replacing any it had). */
  public ChipSpec withAnalytical(Map<String, Double> constants) {
    return new ChipSpec(name, tensorCores, megacore, mxusPerCore, mxuRows, mxuCols, clockGhz, vpuSublanes,
        vpuLanes, vpuAlus, vmemBytes, smemBytes, hbmBytes, hbmGbps, dmaEngines, simulator, constants);
  }

  /**
   * How far apart two chips' figures are: the Euclidean distance of the logs of TensorCores, MXUs per core,
   * clock, VPU ALUs, VMEM and HBM bandwidth, plus the megacore flag as 0 or 1. What calibrated constants are
   * interpolated by (inverse distance) for a chip that has none of its own.
   */
  public double figureDistance(ChipSpec other) {
    double[] x = logFigures();
    double[] y = other.logFigures();
    double d = 0;
    for (int i = 0; i < x.length; i++) {
      d += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return Math.sqrt(d);
  }

  /**
   * Calibrated constants of {@code from} (each chip's {@code values}, all of one length) interpolated for this
   * chip: weighted by the inverse of {@link #figureDistance} (plus 1e-3, so a chip with a preset's figures gets
   * that preset's constants within about 1% of their spread). A convex combination, so constants within their
   * bounds stay within them: each result is held inside its inputs' range, which the floating-point sum can
   * leave by an ulp (constants at a bound, e.g. the analytical {@code overlap} at 0.01, came out 0.00999... for
   * some chips and were refused).
   */
  public double[] interpolate(java.util.Collection<ChipSpec> from, java.util.function.Function<ChipSpec, double[]> values) {
    checkArgument(!from.isEmpty(), "constants are interpolated from at least one chip");
    double[] sum = null;
    double[] lo = null;
    double[] hi = null;
    double weights = 0;
    for (ChipSpec p : from) {
      double w = 1 / (figureDistance(p) + 1e-3);
      double[] v = values.apply(p);
      if (sum == null) {
        sum = new double[v.length];
        lo = v.clone();
        hi = v.clone();
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += w * v[i];
        lo[i] = Math.min(lo[i], v[i]);
        hi[i] = Math.max(hi[i], v[i]);
      }
      weights += w;
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] = Math.min(hi[i], Math.max(lo[i], sum[i] / weights));
    }
    return sum;
  }

  private double[] logFigures() {
    return new double[] {Math.log(tensorCores), megacore ? 1 : 0, Math.log(mxusPerCore), Math.log(clockGhz),
      Math.log(vpuAlus), Math.log(vmemBytes), Math.log(hbmGbps)};
  }

  /**
   * True if {@code other} has the same hardware figures, whatever its name and constant sections: chips are
   * compared by value, so a chip file called {@code v4} with other figures is not v4.
   */
  public boolean sameHardware(ChipSpec other) {
    return tensorCores == other.tensorCores && megacore == other.megacore && mxusPerCore == other.mxusPerCore
        && mxuRows == other.mxuRows && mxuCols == other.mxuCols && clockGhz == other.clockGhz
        && vpuSublanes == other.vpuSublanes && vpuLanes == other.vpuLanes && vpuAlus == other.vpuAlus
        && vmemBytes == other.vmemBytes && smemBytes == other.smemBytes && hbmBytes == other.hbmBytes
        && hbmGbps == other.hbmGbps && dmaEngines == other.dmaEngines;
  }

  /** The preset with the same hardware figures as this chip ({@link #sameHardware}), if any. */
  public Optional<ChipSpec> matchingPreset() {
    return PRESETS.values().stream().filter(this::sameHardware).findFirst();
  }
}
