package dev.tpucost.sim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileFootprint;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.sim.dma.DmaModel;
import dev.tpucost.sim.mxu.MxuModel;
import dev.tpucost.sim.vector.VectorModel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Plays a kernel at a tile configuration out on a TPU TensorCore.
 *
 * <p>The kernel is lowered through {@link TileSpace#footprint}: the iteration space is cut into blocks
 * (bounds need not divide; a partial block is computed whole, padded or masked, but moves only the bytes
 * that exist), each grid step touches one block per parameter and output, and a block is reloaded only when
 * a loop it depends on advances; operands already on chip ({@code S(1)}) move nothing. Per step the MXU, VPU, transcendental unit and XLU
 * work in parallel (with {@link SimConstants#UNIT_SERIALIZATION} of the smaller units' work left
 * unoverlapped); double buffering overlaps the DMA of the next step with the compute of this one, so a
 * step costs {@code max(compute, DMA) + step overhead}. Steps are grouped by which blocks they load (block
 * reloads are periodic in the step index), so a simulation costs O(nodes + parameters), not O(steps).
 * The first step's loads (prologue) and the last output write (epilogue) do not overlap; a megacore
 * splits output tiles between its cores, which share HBM bandwidth. A working set beyond VMEM is not
 * refused (the compiler ran such configurations): it cannot double-buffer, so each step costs
 * {@code compute + DMA} and every transfer is scaled by {@code working set / VMEM} (the excess moves again).
 *
 * <p>Deterministic. An optional measurement-noise model (off by default) multiplies the runtime by
 * {@code exp(sigma * z)}, {@code z} standard normal, seeded by the noise seed, the kernel and the tile.
 * Thread-safe and immutable.
 */
public final class Simulator {
  private final ChipSpec chip;
  private final SimCalibration cal;
  private final double noiseSigma;
  private final long noiseSeed;

  private Simulator(ChipSpec chip, SimCalibration cal, double noiseSigma, long noiseSeed) {
    this.chip = chip;
    this.cal = cal;
    this.noiseSigma = noiseSigma;
    this.noiseSeed = noiseSeed;
  }

  /**
   * A noise-free simulator of {@code chip} with the chip's calibration ({@link SimCalibration#of(ChipSpec)}).
   *
   * @throws IllegalArgumentException if the chip's {@code simulator} section names an unknown constant or
   *     gives one out of range
   */
  public static Simulator of(ChipSpec chip) {
    return new Simulator(chip, SimCalibration.of(chip), 0, 0);
  }

  /** A noise-free simulator of {@code chip} with the constants {@code calibration} (for fitting them). */
  public static Simulator of(ChipSpec chip, SimCalibration calibration) {
    return new Simulator(chip, calibration, 0, 0);
  }

  /** The constants this simulator uses. */
  public SimCalibration calibration() {
    return cal;
  }

  /**
   * A simulator whose runtimes carry seeded log-normal measurement noise of relative size {@code sigma}
   * (e.g. 0.02); the same seed, kernel and tile always give the same runtime.
   */
  public Simulator withNoise(double sigma, long seed) {
    checkArgument(sigma >= 0 && sigma < 1, "noise sigma must be in [0, 1), got %s", sigma);
    return new Simulator(chip, cal, sigma, seed);
  }

  /** The simulated chip. */
  public ChipSpec chip() {
    return chip;
  }

  /** Simulates {@code kernel} at {@code tile} on {@code chip} without noise. */
  public static SimResult simulate(Kernel kernel, TileConfig tile, ChipSpec chip) {
    return of(chip).simulate(kernel, tile);
  }

  /**
   * Simulates {@code kernel} at {@code tile} (the empty configuration: at the default's bounds).
   *
   * @throws InvalidTileException if the tile's bounds are impossible for the kernel; a working set beyond
   *     VMEM is simulated as spilling ({@link SimResult#spilled()}), not refused
   */
  public SimResult simulate(Kernel kernel, TileConfig tile) {
    return simulate(TileSpace.of(kernel, chip), tile);
  }

  /** Like {@link #simulate(Kernel, TileConfig)} with the kernel's tile space already built (for many tiles). */
  public SimResult simulate(TileSpace space, TileConfig tile) {
    checkArgument(space.chip().equals(chip), "tile space is for chip %s, simulator for %s", space.chip().name(), chip.name());
    Kernel kernel = space.kernel();
    TileFootprint fp = space.footprint(tile);
    // A working set beyond VMEM cannot double-buffer: DMA no longer overlaps compute, and the excess moves
    // again (spill factor = working set / VMEM).
    double spill = Math.max(1, fp.workingSetBytes() / (double) chip.vmemBytes());
    int cores = chip.coresPerDevice();
    double bytesPerCycle = chip.hbmBytesPerCycle() / cores;

    // Compute per step.
    double mxu = MxuModel.stepCycles(kernel, fp, chip, cal.mxuFillShare(), cal.mxuScale());
    VectorModel.Cycles v = VectorModel.stepCycles(kernel, fp, chip);
    double vs = cal.vectorScale();
    double vpu = vs * (v.vpu() + v.eup());
    double[] units = {mxu, vs * v.vpu(), vs * v.eup(), vs * v.xlu()};
    double max = 0;
    double sum = 0;
    for (double u : units) {
      max = Math.max(max, u);
      sum += u;
    }
    double compute = max + cal.unitSerialization() * (sum - max);

    // DMA per load of each parameter block and of the output block: the bytes that exist (a partial block
    // moves its part), nothing for an operand already on chip.
    long steps = fp.steps();
    int np = kernel.parameterCount();
    double[] loadCycles = new double[np + 1];
    long[] period = new long[np + 1];
    double dmaIn = 0;
    for (int p = 0; p < np; p++) {
      int node = kernel.parameterIndex(p);
      Shape s = kernel.node(node).shape();
      long loads = Math.max(1, Math.min(fp.parameterLoads(p), steps));
      double bytesPerLoad = fp.parameterTransferBytes(p) / loads;
      loadCycles[p] = spill * DmaModel.transferCycles(bytesPerLoad, s, fp.nodeExtent(node), bytesPerCycle,
          cal.dmaEfficiency(), cal.dmaRunOverheadBytes());
      period[p] = Math.max(1, steps / loads);
      dmaIn += loadCycles[p] * loads;
    }
    Shape out = kernel.outputShape();
    Shape outLeaf = out.isTuple() && !out.tupleShapes().isEmpty() ? out.leaves().get(0) : out;
    long writes = Math.max(1, fp.outputTiles());
    loadCycles[np] = spill * DmaModel.transferCycles(fp.outputTransferBytes() / writes, outLeaf,
        fp.nodeRank(kernel.rootIndex()) == outLeaf.rank() ? fp.nodeExtent(kernel.rootIndex()) : outLeaf.dims(),
        bytesPerCycle, cal.dmaEfficiency(), cal.dmaRunOverheadBytes());
    period[np] = Math.max(1, fp.reductionSteps());
    double dmaOut = loadCycles[np] * writes;

    // Steps grouped by the longest period among the blocks they move (periods nest: each divides the next).
    long stepsPerCore = ceilDiv(fp.outputTiles(), cores) * fp.reductionSteps();
    double scale = stepsPerCore / (double) steps;
    long[] periods = Arrays.stream(period).distinct().sorted().toArray();
    double body = 0;
    double stall = 0;
    long counted = 0;
    for (int j = periods.length - 1; j >= 0; j--) {
      long atLeast = steps / periods[j];
      long count = atLeast - counted;
      counted = atLeast;
      if (j == periods.length - 1 && count > 0) {
        count--; // step 0: its loads are the prologue
        body += compute;
      }
      double dma = 0;
      for (int p = 0; p <= np; p++) {
        if (period[p] <= periods[j]) {
          dma += loadCycles[p];
        }
      }
      double stepCycles = spill > 1 ? compute + dma : Math.max(compute, dma);
      body += count * stepCycles;
      stall += count * (stepCycles - compute);
    }
    body += (steps - counted) * compute; // steps that move nothing
    body *= scale;
    stall *= scale;
    double prologue = cal.hbmLatencyCycles();
    for (int p = 0; p < np; p++) {
      prologue += loadCycles[p];
    }
    double epilogue = cal.hbmLatencyCycles() + loadCycles[np];
    long overhead = Math.round(stepsPerCore * cal.stepOverheadCycles());
    double total = cal.launchCycles() + prologue + body + overhead + epilogue;
    long cycles = (long) Math.ceil(total);
    double ns = cycles / chip.clockGhz();
    if (noiseSigma > 0) {
      SplittableRandom r = new SplittableRandom(noiseSeed ^ (kernel.name().hashCode() * 0x9E3779B97F4A7C15L) ^ tile.hashCode());
      ns *= Math.exp(noiseSigma * gaussian(r));
    }
    SimResult.Breakdown b = new SimResult.Breakdown(
        Math.round(mxu * stepsPerCore),
        Math.round(vpu * stepsPerCore),
        Math.round(vs * v.xlu() * stepsPerCore),
        Math.round(dmaIn * scale),
        Math.round(dmaOut * scale),
        overhead,
        Math.round(stall + prologue + epilogue));
    return new SimResult(cycles, ns, stepsPerCore, b, spill > 1);
  }

  private static double gaussian(SplittableRandom r) {
    double u = Math.max(1e-12, r.nextDouble());
    double w = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
