package dev.tpucost.sim;

/**
 * Every cost constant of the simulator, with where its value comes from. Costs are in core clock cycles
 * unless the name says otherwise. Sources: {@code shared/reference/tpu-chips.md} (TPU facts, published
 * measurements), XLA's TPU dumps (per-kernel cycle floors), and XLA's GPU op profiles for relative op costs.
 * The kernel, step, latency, DMA-run and unit-overlap figures here are the priors of {@link SimCalibration};
 * the simulator uses each chip's calibrated values, fitted to measurements.
 */
public final class SimConstants {
  private SimConstants() {}

  // ---------------------------------------------------------------- per kernel and per step

  /**
   * Fixed cost of launching one kernel (program load, scalar setup, final synchronisation). XLA:TPU's
   * own estimates put small elementwise fusions at about 2,100 cycles, a floor that this reproduces.
   */
  public static final long KERNEL_LAUNCH_CYCLES = 2000;

  /**
   * Fixed cost of one grid step: scalar-core bookkeeping, DMA descriptor setup, semaphore waits. A
   * Pallas matmul on v5e measured ~0.35 us per grid step, i.e. ~525 cycles at 1.5 GHz.
   */
  public static final long STEP_OVERHEAD_CYCLES = 500;

  /**
   * Share of the non-bottleneck units' work that does not overlap with the bottleneck unit in a VLIW
   * schedule (data dependencies between MXU results, VPU epilogue and XLU reductions).
   */
  public static final double UNIT_SERIALIZATION = 0.15;

  // ---------------------------------------------------------------- DMA and HBM

  /** HBM first-byte latency of a DMA, paid once in the prologue and once in the epilogue (~0.5 us). */
  public static final long HBM_LATENCY_CYCLES = 500;

  /** Scalar-unit cycles to issue one DMA descriptor (the scalar unit issues at most one per cycle; with setup ~32). */
  public static final long DMA_ISSUE_CYCLES = 32;

  /**
   * Efficiency loss per contiguous run of a strided DMA: each run (a stretch of consecutive native
   * (8,128) tiles in HBM, 4 KiB each) costs a transaction setup equivalent to this many bytes at full
   * bandwidth. A block one tile wide in the minor dimension moves 4 KiB runs at 80% of bandwidth; a
   * block 8 tiles wide moves 32 KiB runs at 97%.
   */
  public static final double DMA_RUN_OVERHEAD_BYTES = 1024;

  // ---------------------------------------------------------------- MXU

  // ---------------------------------------------------------------- vector units (per (8,128) vreg)

  /** VMEM load/store slot cycles per vreg moved between VMEM and registers. */
  public static final double LOAD_STORE_PER_VREG = 0.5;

  /** Simple VPU ops (add, multiply, compare, select, max, convert, logic): one issue per vreg. */
  public static final double VPU_SIMPLE = 1;

  /** Division: reciprocal estimate plus two Newton steps on the VPU (GPU profiles: divide ~3-6x add). */
  public static final double VPU_DIVIDE = 6;

  /** Integer remainder: division plus a multiply-subtract. */
  public static final double VPU_REMAINDER = 10;

  /** Transcendental unit, per vreg, for exp/log/tanh/logistic/rsqrt/sqrt/erf/cbrt (GPU: exp ~10x add). */
  public static final double EUP_TRANSCENDENTAL = 4;

  /** Transcendental unit for power (log, multiply, exp). */
  public static final double EUP_POWER = 10;

  /** Transcendental unit for sine/cosine/tan: argument reduction and polynomial, the most expensive. */
  public static final double EUP_TRIGONOMETRIC = 16;

  /** Transcendental unit for inverse trigonometric/hyperbolic functions. */
  public static final double EUP_INVERSE_TRIG = 20;

  /** VPU cycles per vreg for broadcasts along sublanes or lanes. */
  public static final double VPU_BROADCAST = 0.5;

  /** VPU cycles per vreg for copies, slices, pads, concatenation, iota, dynamic slices. */
  public static final double VPU_COPY = 1;

  /** XLU cycles per vreg to transpose or relayout (a change of the minor two dimensions). */
  public static final double XLU_TRANSPOSE = 2;

  /** XLU cycles per input vreg for a cross-lane reduction (reduce over the lane dimension). */
  public static final double XLU_LANE_REDUCE = 4;

  /** XLU cycles per input vreg for a cross-sublane reduction (reduce over the sublane dimension). */
  public static final double XLU_SUBLANE_REDUCE = 2;

  /** VPU cycles per vreg of an op without a specific rule (custom-call, rng, fft, ...): conservative. */
  public static final double VPU_FALLBACK = 4;

  /** VPU cycles per element of a gathered or scattered row index (address computation). */
  public static final double VPU_PER_INDEX = 0.25;
}
