package dev.tpucost.sim;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's per-chip constants that measurements calibrate (the per-op costs of
 * {@link SimConstants} stay fixed). Cycles are core clock cycles of the chip.
 *
 * <p>Where a chip's constants come from ({@link #of}): the chip's own {@code simulator} section (a chip
 * calibration file written by {@code tpucost calibrate --target sim}) over the shipped calibration of the
 * preset with the same hardware figures ({@code calibration/<preset>.json}: v3 fitted to TPU v3
 * measurements, v5e to the published Pallas matmul timings, v2 and v4 carried over from v3), and for a chip
 * that matches no preset, v3's constants (cycle counts carried over as cycles: they count scalar-unit and
 * pipeline work, which scales with the clock).
 *
 * @param launchCycles fixed cost of one kernel (program start, final synchronisation)
 * @param stepOverheadCycles fixed cost of one grid step (scalar bookkeeping, DMA descriptors, semaphores)
 * @param hbmLatencyCycles first-byte latency of a DMA, paid in the prologue and in the epilogue
 * @param dmaEfficiency share of peak HBM bandwidth a long contiguous DMA reaches (0..1]
 * @param dmaRunOverheadBytes per contiguous run of a strided DMA, a setup cost worth this many bytes
 * @param mxuFillShare share of the per-step systolic fill and drain ({@code 2R + C - 2} cycles) not hidden
 *     behind the previous step's passes (0..1)
 * @param mxuScale multiplier on MXU pass cycles (1 = one streamed row per cycle per MXU)
 * @param vectorScale multiplier on VPU, transcendental-unit and XLU cycles
 * @param unitSerialization share of the non-bottleneck units' work not overlapped with the bottleneck (0..1)
 */
public record SimCalibration(
    double launchCycles,
    double stepOverheadCycles,
    double hbmLatencyCycles,
    double dmaEfficiency,
    double dmaRunOverheadBytes,
    double mxuFillShare,
    double mxuScale,
    double vectorScale,
    double unitSerialization) {

  /** Constant names, in {@link #values()} order, as in a chip file's {@code simulator} section. */
  public static final List<String> NAMES = List.of("launch_cycles", "step_overhead_cycles", "hbm_latency_cycles",
      "dma_efficiency", "dma_run_overhead_bytes", "mxu_fill_share", "mxu_scale", "vector_scale", "unit_serialization");

  /** Smallest value of each constant that calibration may choose (and a file may give). */
  public static final double[] LOWER = {50, 10, 0, 0.2, 0, 0, 0.2, 0.1, 0};

  /** Largest value of each constant. */
  public static final double[] UPPER = {20_000, 5_000, 5_000, 1, 16_384, 1, 5, 10, 1};

  /**
   * The constants before any measurement (the values the simulator had until calibration): XLA:TPU's
   * ~2,000-cycle floor of small fusions, ~0.35 us per grid step from Pallas on v5e, ~0.5 us HBM latency.
   */
  public static final SimCalibration PRIOR = new SimCalibration(SimConstants.KERNEL_LAUNCH_CYCLES,
      SimConstants.STEP_OVERHEAD_CYCLES, SimConstants.HBM_LATENCY_CYCLES, 1, SimConstants.DMA_RUN_OVERHEAD_BYTES, 1, 1, 1,
      SimConstants.UNIT_SERIALIZATION);

  private static final Map<String, SimCalibration> SHIPPED = loadShipped();

  /** Checks every constant against {@link #LOWER}..{@link #UPPER}, naming it. */
  public SimCalibration {
    double[] v = {launchCycles, stepOverheadCycles, hbmLatencyCycles, dmaEfficiency, dmaRunOverheadBytes, mxuFillShare,
        mxuScale, vectorScale, unitSerialization};
    for (int i = 0; i < v.length; i++) {
      checkArgument(Double.isFinite(v[i]) && v[i] >= LOWER[i] && v[i] <= UPPER[i],
          "simulator.%s = %s is outside [%s, %s]", NAMES.get(i), v[i], LOWER[i], UPPER[i]);
    }
  }

  /** The constants in {@link #NAMES} order. */
  public double[] values() {
    return new double[] {launchCycles, stepOverheadCycles, hbmLatencyCycles, dmaEfficiency, dmaRunOverheadBytes,
        mxuFillShare, mxuScale, vectorScale, unitSerialization};
  }

  /** Constants from values in {@link #NAMES} order. */
  public static SimCalibration of(double[] v) {
    checkArgument(v.length == NAMES.size(), "%s simulator constants expected, got %s", NAMES.size(), v.length);
    return new SimCalibration(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
  }

  /** The constants by name, in {@link #NAMES} order (a chip file's {@code simulator} section). */
  public Map<String, Double> toMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    double[] v = values();
    for (int i = 0; i < v.length; i++) {
      m.put(NAMES.get(i), v[i]);
    }
    return m;
  }

  /**
   * The constants the simulator uses for {@code chip}: its own {@code simulator} section over the shipped
   * calibration of its preset (matched by hardware figures, not by name), or over v3's for other chips.
   *
   * @throws IllegalArgumentException naming the chip and the key if the section has an unknown name or a
   *     value out of range
   */
  public static SimCalibration of(ChipSpec chip) {
    SimCalibration base = shipped(chip);
    return chip.simulator().isEmpty() ? base : base.with(chip.simulator(), "chip " + chip.name());
  }

  /**
   * These constants with {@code section}'s (a chip file's {@code simulator} object) in their place; errors
   * start with {@code where}.
   */
  private SimCalibration with(Map<String, Double> section, String where) {
    double[] v = values();
    for (Map.Entry<String, Double> e : section.entrySet()) {
      int i = NAMES.indexOf(e.getKey());
      checkArgument(i >= 0, "%s: unknown simulator constant '%s'; the simulator takes %s", where, e.getKey(), NAMES);
      v[i] = e.getValue();
    }
    try {
      return of(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** The shipped calibration of the preset with {@code chip}'s hardware, or v3's for a chip matching none. */
  public static SimCalibration shipped(ChipSpec chip) {
    String preset = chip.matchingPreset().map(ChipSpec::name).orElse("v3");
    return SHIPPED.getOrDefault(preset, PRIOR);
  }

  private static Map<String, SimCalibration> loadShipped() {
    ImmutableMap.Builder<String, SimCalibration> b = ImmutableMap.builder();
    for (String preset : ChipSpec.presets().keySet()) {
      String resource = "calibration/" + preset + ".json";
      try (InputStream in = SimCalibration.class.getResourceAsStream(resource)) {
        if (in == null) {
          continue;
        }
        ChipSpec file = ChipFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        b.put(preset, PRIOR.with(file.simulator(), resource));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read shipped " + resource, e);
      }
    }
    return b.build();
  }
}
